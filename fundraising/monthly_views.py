"""HTML views for a monthly gift: its page (next charge, paid months), change the amount,
cancel, and update the card on-session. Reached from "My giving" (signed in) or from the signed
link in every receipt of the gift (`?t=...`, no sign-in needed): each form posts the token back.
A link that does not verify shows nothing (404) and changes nothing."""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from causeweb.core.boundary import flash_errors
from causeweb.core.exceptions import DOMAIN_ERRORS, PermissionDenied, error_messages
from causeweb.core.money import parse_amount
from causeweb.core.security_headers import csp_allow
from fundraising import gateway, monthly_selectors, selectors
from fundraising.models import MonthlyPlan
from fundraising.services import monthly_manage, receipts


def _token(request) -> str:
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = {}
            return str(body.get("t", "")) if isinstance(body, dict) else ""
        return request.POST.get("t", "")
    return request.GET.get("t", "")


def _managed_plan(request, public_id) -> tuple[MonthlyPlan, str]:
    """The plan and the token that lets this request manage it; 404 for anyone else (a tampered
    or foreign link learns nothing, not even that the plan exists)."""
    plan = monthly_selectors.monthly_plan_get_by_public_id(public_id=public_id)
    token = _token(request)
    if plan is None:
        raise Http404
    owner = request.user.is_authenticated and plan.donor_id == request.user.pk
    if not (owner or receipts.plan_manage_token_valid(plan=plan, token=token)):
        raise Http404
    return plan, token


def _back(plan: MonthlyPlan, token: str):
    url = receipts.plan_manage_path(plan) if token else plan_url(plan)
    return redirect(url)


def plan_url(plan: MonthlyPlan) -> str:
    return receipts.plan_manage_path(plan).split("?")[0]


@require_safe
@csp_allow(selectors.stripe_csp_sources)
def monthly_plan(request, public_id):
    plan, token = _managed_plan(request, public_id)
    return render(
        request,
        "fundraising/monthly_plan.html",
        {
            **monthly_selectors.monthly_plan_page(plan=plan),
            "token": token,
            "STRIPE_JS_URL": selectors.stripe_js_url(),
            "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )


@require_POST
def monthly_plan_change(request, public_id):
    plan, token = _managed_plan(request, public_id)
    with flash_errors(request, success=gettext("Your monthly amount is changed; it applies from the next charge.")):
        amount_minor = parse_amount(request.POST.get("amount", ""), plan.currency)  # ValidationError: flashed
        monthly_manage.monthly_plan_change_amount(plan=plan, actor=request.user, token=token, amount_minor=amount_minor)
    return _back(plan, token)


@require_POST
def monthly_plan_cancel(request, public_id):
    plan, token = _managed_plan(request, public_id)
    with flash_errors(request, success=gettext("Your monthly gift is cancelled. Nothing more will be charged.")):
        monthly_manage.monthly_plan_cancel(plan=plan, actor=request.user, token=token)
    return _back(plan, token)


def _gateway_error(exc: gateway.GatewayError) -> JsonResponse:
    status = 503 if exc.code == "unavailable" else 502
    return JsonResponse({"status": "error", "message": exc.message}, status=status)


def _json_error(exc, status: int) -> JsonResponse:
    return JsonResponse({"status": "error", "message": " ".join(error_messages(exc))}, status=status)


@require_POST
def monthly_plan_card_start(request, public_id):
    """A SetupIntent for the new card (JSON: client secret). Nothing is charged here."""
    plan, token = _managed_plan(request, public_id)
    try:
        setup = monthly_manage.monthly_plan_card_update_start(plan=plan, actor=request.user, token=token)
    except gateway.GatewayError as exc:
        return _gateway_error(exc)
    except DOMAIN_ERRORS as exc:
        return _json_error(exc, 403 if isinstance(exc, PermissionDenied) else 409)
    return JsonResponse({"status": "setup", **setup})


@require_POST
def monthly_plan_card_finish(request, public_id):
    plan, token = _managed_plan(request, public_id)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    setup_intent_id = str(body.get("setup_intent_id", "")) if isinstance(body, dict) else ""
    try:
        plan = monthly_manage.monthly_plan_card_update_finish(
            plan=plan, actor=request.user, token=token, setup_intent_id=setup_intent_id
        )
    except gateway.GatewayError as exc:
        return _gateway_error(exc)
    except DOMAIN_ERRORS as exc:
        return _json_error(exc, 403 if isinstance(exc, PermissionDenied) else 400)
    return JsonResponse({"status": "saved", "state": plan.state})

"""The pay-on-session page of a pledge whose charge at the deadline failed (`payment_required`):
the email's link. The backer pays with the saved card (a plain form, so it works without
JavaScript when the bank asks nothing more) or with a new card; 3-D Secure runs in the page
(static/fundraising/pledge_pay.js). The services are in fundraising.services.pledge_payments."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from causeweb.core import ratelimits
from causeweb.core.exceptions import DOMAIN_ERRORS, PermissionDenied, RateLimited, error_messages
from causeweb.core.security_headers import csp_allow
from fundraising import gateway, pledge_selectors, policies, rules, selectors
from fundraising.models import Pledge
from fundraising.services import pledge_payments
from fundraising.services.receipts import donation_receipt_path

PAY_LIMIT_MESSAGE = _("Too many attempts; please wait a few minutes and try again.")


def _own_pledge(request, public_id) -> Pledge:
    pledge = selectors.pledge_get_by_public_id(public_id=public_id)
    if pledge is None or not policies.can_manage_pledge(pledge=pledge, user=request.user):
        raise Http404
    return pledge


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, pledge: Pledge, outcome: pledge_payments.PledgePayment, *, status: int = 200):
    pay_url = reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})
    if _wants_json(request):
        return JsonResponse(
            {
                "status": outcome.status,
                "client_secret": outcome.client_secret,
                "message": outcome.message,
                "refresh": reverse("fundraising:pledge_pay_refresh", kwargs={"public_id": pledge.public_id}),
                "redirect": pay_url,
            },
            status=status,
        )
    if outcome.status == "collected":
        messages.success(request, gettext("Thank you: your pledge is paid. Your receipt is on its way."))
    elif outcome.status == "requires_action":
        messages.warning(
            request, gettext("Your bank asks you to confirm this payment; this needs JavaScript in the page.")
        )
    elif outcome.message:
        messages.error(request, outcome.message)
    return redirect(pay_url)


def _limited(request):
    try:
        ratelimits.enforce_ip("donation_start_ip", request, message=PAY_LIMIT_MESSAGE)
        ratelimits.enforce_user("donation_start_user", request.user, message=PAY_LIMIT_MESSAGE)
    except RateLimited as exc:
        return exc
    return None


@login_required
@require_safe
@csp_allow(selectors.stripe_csp_sources)
def pledge_pay_page(request, public_id):
    pledge = _own_pledge(request, public_id)
    attempt = pledge_selectors.pledge_paid_attempt(pledge)
    return render(
        request,
        "fundraising/pledge_pay.html",
        {
            "pledge": pledge,
            "campaign": pledge.campaign,
            "closed_reason": rules.pledge_payment_closed_reason(pledge),
            "saved_card": pledge_selectors.pledge_saved_card_label(pledge=pledge),
            "receipt_url": donation_receipt_path(attempt) if attempt is not None else "",
            "STRIPE_JS_URL": selectors.stripe_js_url(),
            "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )


@login_required
@require_POST
def pledge_pay(request, public_id):
    """Pay now: the saved card, or the new card whose SetupIntent the page confirmed."""
    pledge = _own_pledge(request, public_id)
    limited = _limited(request)
    if limited is not None:
        return _answer(request, pledge, pledge_payments.PledgePayment("failed", message=limited.message), status=429)
    setup_intent_id = request.POST.get("setup_intent_id", "")
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        setup_intent_id = str((body if isinstance(body, dict) else {}).get("setup_intent_id") or "")
    try:
        outcome = pledge_payments.pledge_pay(pledge=pledge, actor=request.user, setup_intent_id=setup_intent_id)
    except DOMAIN_ERRORS as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        outcome = pledge_payments.PledgePayment("failed", message=" ".join(error_messages(exc)))
        return _answer(request, pledge, outcome, status=status)
    except gateway.GatewayError as exc:
        return _answer(request, pledge, pledge_payments.PledgePayment("failed", message=exc.message), status=502)
    return _answer(request, pledge, outcome)


@login_required
@require_POST
def pledge_pay_card(request, public_id):
    """A SetupIntent for a new card (JSON); nothing is charged until the page posts it to pay."""
    pledge = _own_pledge(request, public_id)
    limited = _limited(request)
    if limited is not None:
        return JsonResponse({"status": "error", "message": limited.message}, status=429)
    try:
        setup = pledge_payments.pledge_pay_card_setup(pledge=pledge, actor=request.user)
    except DOMAIN_ERRORS as exc:
        return JsonResponse({"status": "error", "message": " ".join(error_messages(exc))}, status=400)
    except gateway.GatewayError as exc:
        return JsonResponse({"status": "error", "message": exc.message}, status=502)
    return JsonResponse({"status": "setup", **setup})


@login_required
@require_POST
def pledge_pay_refresh(request, public_id):
    """After 3-D Secure: how the payment ended, as Stripe tells the server (JSON)."""
    pledge = _own_pledge(request, public_id)
    try:
        outcome = pledge_payments.pledge_pay_refresh(pledge=pledge, actor=request.user)
    except DOMAIN_ERRORS as exc:
        outcome = pledge_payments.PledgePayment("failed", message=" ".join(error_messages(exc)))
        return _answer(request, pledge, outcome, status=400)
    except gateway.GatewayError as exc:
        return _answer(request, pledge, pledge_payments.PledgePayment("failed", message=exc.message), status=502)
    return _answer(request, pledge, outcome)

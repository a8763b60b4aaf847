"""HTML views for all-or-nothing campaigns: the organizer's funding-model choice and pledges
tab, and the backer's pledge form, pledge page (change the amount, cancel) and list of pledges.
The card step runs in the page (static/fundraising/pledge.js): it asks `pledge_start` for a
SetupIntent, confirms it with Stripe.js, then asks `pledge_confirm` to check it with Stripe.
Nothing is charged here; the deadline task charges (fundraising.services.pledges)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.exceptions import DOMAIN_ERRORS, PermissionDenied, RateLimited, error_messages
from causeweb.core.security_headers import csp_allow
from fundraising import gateway, policies, rules, selectors
from fundraising.forms import FundingModelForm, PledgeForm
from fundraising.models import Pledge
from fundraising.services import funding_model, pledges


def _campaign(slug: str):
    campaign = campaign_selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404
    return campaign


def _own_pledge(request, public_id) -> Pledge:
    pledge = selectors.pledge_get_by_public_id(public_id=public_id)
    if pledge is None or not policies.can_view_pledge(pledge=pledge, user=request.user):
        raise Http404
    return pledge


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_funding_settings(request, slug: str):
    """The organizer chooses keep-what-you-raise or all-or-nothing (before anyone gives)."""
    campaign = campaign_selectors.campaign_get_for_manager(slug=slug, user=request.user)
    if campaign is None or not policies.can_set_funding_model(campaign=campaign, user=request.user):
        raise Http404
    form = FundingModelForm(request.POST or None, initial={"funding_model": rules.funding_model_of(campaign)})
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            funding_model.campaign_funding_model_set(
                campaign=campaign, actor=request.user, funding_model=form.cleaned_data["funding_model"]
            )
        if call.ok:
            messages.success(request, gettext("Funding model saved."))
            return redirect(campaign.get_absolute_url())
    return render(request, "fundraising/funding_settings.html", {"campaign": campaign, "form": form})


@csp_allow(selectors.stripe_csp_sources)
@login_required
@require_safe
def pledge_new(request, slug: str):
    campaign = _campaign(slug)
    if rules.funding_model_of(campaign) != rules.ALL_OR_NOTHING:
        raise Http404
    return render(
        request,
        "fundraising/pledge.html",
        {
            "campaign": campaign,
            "form": PledgeForm(currency=campaign.currency),
            "panel": selectors.campaign_pledge_panel(campaign=campaign),
            "STRIPE_JS_URL": selectors.stripe_js_url(),
            "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
        },
    )


START_LIMIT_MESSAGE = _("Too many attempts; please wait a few minutes and try again.")


def _errors_json(exc) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [{"message": m} for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"__all__": [{"message": m} for m in error_messages(exc)]}


@require_POST
def pledge_start(request, slug: str):
    """Create the pledge and its SetupIntent; answer with the client secret (JSON). Nothing is charged."""
    campaign = _campaign(slug)
    if not request.user.is_authenticated:
        return JsonResponse({"status": "error", "message": gettext("Sign in to back this campaign.")}, status=403)
    try:
        ratelimits.enforce_ip("donation_start_ip", request, message=START_LIMIT_MESSAGE)
        ratelimits.enforce_user("donation_start_user", request.user, message=START_LIMIT_MESSAGE)
    except RateLimited as exc:
        return JsonResponse({"status": "error", "message": exc.message}, status=429)
    form = PledgeForm(request.POST, currency=campaign.currency)
    if not form.is_valid():
        return JsonResponse({"status": "invalid", "errors": form.errors.get_json_data()}, status=400)
    try:
        pledge, setup = pledges.pledge_begin(
            campaign=campaign,
            actor=request.user,
            amount_minor=form.cleaned_data["amount"],
            visibility=form.cleaned_data["visibility"] or "name",
            keep_updated=form.cleaned_data["keep_updated"],
            referral_share_link_id=campaign_selectors.referral_share_link_id(
                session=request.session, campaign_id=campaign.pk
            ),
        )
    except DOMAIN_ERRORS as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return JsonResponse({"status": "invalid", "errors": _errors_json(exc)}, status=status)
    except gateway.GatewayError as exc:
        return JsonResponse({"status": "error", "message": exc.message}, status=502)
    return JsonResponse(
        {
            "status": "setup",
            "client_secret": setup["client_secret"],
            "setup_intent_id": setup["setup_intent_id"],
            "confirm": reverse("fundraising:pledge_confirm", kwargs={"public_id": pledge.public_id}),
            "redirect": reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id}),
        }
    )


@require_POST
def pledge_confirm(request, public_id):
    pledge = _own_pledge(request, public_id)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    setup_intent_id = str((body if isinstance(body, dict) else {}).get("setup_intent_id") or "")
    try:
        pledge = pledges.pledge_confirm(pledge=pledge, setup_intent_id=setup_intent_id)
    except DOMAIN_ERRORS as exc:
        return JsonResponse({"status": "failed", "message": " ".join(error_messages(exc))}, status=400)
    except gateway.GatewayError as exc:
        return JsonResponse({"status": "error", "message": exc.message}, status=502)
    return JsonResponse(
        {"status": pledge.state, "redirect": reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id})}
    )


@login_required
@require_safe
def pledge_detail(request, public_id):
    pledge = _own_pledge(request, public_id)
    return render(
        request,
        "fundraising/pledge_detail.html",
        {
            "pledge": pledge,
            "campaign": pledge.campaign,
            "panel": selectors.campaign_pledge_panel(campaign=pledge.campaign),
            "can_change": pledge.state == Pledge.State.ACTIVE and rules.campaign_accepts_pledges(pledge.campaign),
            "form": PledgeForm(currency=pledge.currency),
        },
    )


@login_required
@require_POST
def pledge_change(request, public_id):
    pledge = _own_pledge(request, public_id)
    form = PledgeForm(request.POST, currency=pledge.currency)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        with flash_errors(request, success=gettext("Your pledge was changed.")):
            pledges.pledge_change_amount(pledge=pledge, actor=request.user, amount_minor=form.cleaned_data["amount"])
    return redirect("fundraising:pledge", public_id=pledge.public_id)


@login_required
@require_POST
def pledge_cancel(request, public_id):
    pledge = _own_pledge(request, public_id)
    with flash_errors(request, success=gettext("Your pledge was canceled; your card will not be charged for it.")):
        pledges.pledge_cancel(pledge=pledge, actor=request.user)
    return redirect("fundraising:pledge", public_id=pledge.public_id)


@login_required
@require_safe
def my_pledges(request):
    return render(
        request, "fundraising/my_pledges.html", {"pledges": selectors.pledge_list_for_backer(user=request.user)}
    )


@login_required
@require_safe
def campaign_pledges(request, slug: str):
    """The organizer's pledges tab: pledged vs collected, and each pledge's state."""
    campaign = _campaign(slug)
    if not policies.can_view_campaign_donations(campaign=campaign, user=request.user):
        raise Http404
    return render(
        request,
        "fundraising/campaign_pledges.html",
        {
            "campaign": campaign,
            "panel": selectors.campaign_pledge_panel(campaign=campaign),
            "pledges": selectors.campaign_pledges(campaign=campaign)[:500],
        },
    )

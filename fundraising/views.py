"""HTML views for giving. The card step runs in the page (static/fundraising/donate.js): it asks
`donation_start` for a SetupIntent, confirms it with Stripe.js, then asks `donation_charge` to
charge the saved card; every money decision is made by the services from Stripe's answers."""

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from campaigns import selectors as campaign_selectors
from campaigns.services import sharing as campaign_sharing
from causeweb.core import ratelimits
from causeweb.core.csv_export import csv_stream_response
from causeweb.core.exceptions import Conflict, PermissionDenied, RateLimited, ValidationError, error_messages
from causeweb.core.pagination import CappedPaginator
from causeweb.core.security_headers import csp_allow
from fundraising import gateway, monthly_selectors, policies, rules, selectors, tasks
from fundraising.forms import DonationForm
from fundraising.models import Donation, StripeEvent
from fundraising.services import charging, donations, monthly, receipts, transitions, webhooks

logger = logging.getLogger(__name__)

SESSION_KEY = "fundraising_donations"


def _session_ids(request) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def _remember(request, donation: Donation) -> None:
    ids = [i for i in _session_ids(request) if i != str(donation.public_id)]
    request.session[SESSION_KEY] = (ids + [str(donation.public_id)])[-20:]


def _public_campaign(slug: str):
    campaign = campaign_selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404
    return campaign


def _own_donation(request, public_id) -> Donation:
    donation = selectors.donation_get_by_public_id(public_id=public_id)
    if donation is None or not policies.donation_visible_to(
        donation=donation, user=request.user, session_ids=_session_ids(request)
    ):
        raise Http404
    return donation


def _outcome(donation: Donation, client_secret: str = "") -> JsonResponse:
    """What the page does next, from the donation's state as the services left it."""
    thanks = reverse("fundraising:thanks", kwargs={"public_id": donation.public_id})
    if donation.is_paid:
        return JsonResponse({"status": "succeeded", "redirect": thanks})
    if donation.state == Donation.State.PENDING and client_secret:
        return JsonResponse({"status": "requires_action", "client_secret": client_secret})
    if donation.state == Donation.State.PENDING:
        return JsonResponse({"status": "pending", "redirect": thanks})
    return JsonResponse(
        {"status": "failed", "message": donation.failure_message or transitions.DECLINED_MESSAGE}, status=200
    )


# How long a donor is asked to wait when Stripe cannot be reached (the gateway's breaker).
RETRY_AFTER_SECONDS = 30


def _gateway_error(exc: gateway.GatewayError) -> JsonResponse:
    """Stripe down or slow: 503 with Retry-After and the plain message donate.js shows; any other
    refusal (a declined set-up) is a 502 with Stripe's message."""
    if exc.code == "unavailable":
        response = JsonResponse({"status": "unavailable", "message": exc.message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "error", "message": exc.message}, status=502)


def _service_error(exc: Exception, status: int = 400) -> JsonResponse:
    return JsonResponse({"status": "error", "message": " ".join(error_messages(exc))}, status=status)


@csp_allow(selectors.stripe_csp_sources)
@require_safe
def donate(request, slug: str):
    campaign = _public_campaign(slug)
    if not rules.campaign_has_fundraising(campaign):
        raise Http404
    initial = {}
    if request.user.is_authenticated:
        initial = {"donor_name": request.user.public_name, "email": request.user.email}
    form = DonationForm(currency=campaign.currency, initial=initial)
    return render(
        request,
        "fundraising/donate.html",
        {
            "campaign": campaign,
            "form": form,
            "accepts_donations": rules.campaign_accepts_donations(campaign),
            "accepts_monthly": rules.campaign_accepts_monthly(campaign),
            "options": selectors.donation_form_options(currency=campaign.currency, locale=translation.get_language()),
            "STRIPE_JS_URL": selectors.stripe_js_url(),
            "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
            "funding": selectors.campaign_donation_summary(campaign=campaign),
        },
    )


START_LIMIT_MESSAGE = _("Too many donation attempts; please wait a few minutes and try again.")


def _submitted_without_script(request) -> bool:
    """The donate form posted by the browser itself (JavaScript off or blocked), not by donate.js:
    a page navigation (`Sec-Fetch-Mode: navigate`) or an Accept that wants HTML and not JSON.
    donate.js sends `Accept: application/json`; programs sending no Accept keep getting JSON."""
    if request.headers.get("Sec-Fetch-Mode") == "navigate":
        return True
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


@require_POST
def donation_start(request, slug: str):
    """Create the pending donation and the SetupIntent; answer with the client secret (JSON).
    The form posted without donate.js gets a page saying card payment needs JavaScript, and
    nothing is created (no donation, no Stripe call)."""
    campaign = _public_campaign(slug)
    if _submitted_without_script(request):
        return render(request, "fundraising/donate_needs_javascript.html", {"campaign": campaign}, status=400)
    # Each attempt creates a Stripe customer and SetupIntent (a card-testing route): bounded per
    # client address, per signed-in donor and per donor email, in the same buckets as the API.
    try:
        ratelimits.enforce_ip("donation_start_ip", request, message=START_LIMIT_MESSAGE)
        ratelimits.enforce_user("donation_start_user", request.user, message=START_LIMIT_MESSAGE)
        form = DonationForm(request.POST, currency=campaign.currency)
        if form.is_valid():
            ratelimits.enforce_email("donation_start_email", form.cleaned_data["email"], message=START_LIMIT_MESSAGE)
    except RateLimited as exc:
        return JsonResponse({"status": "error", "message": exc.message}, status=429)
    if not form.is_valid():
        return JsonResponse({"status": "invalid", "errors": form.errors.get_json_data()}, status=400)
    referral = campaign_selectors.referral_share_link_id(session=request.session, campaign_id=campaign.pk)
    data = form.cleaned_data
    gift = donations.Gift(
        campaign=campaign,
        amount_minor=data["amount"],
        cover_fee=data["cover_fee"],
        donor_name=data["donor_name"],
        email=data["email"],
        visibility=data["visibility"],
        message=data["message"],
        keep_updated=data["keep_updated"],
        user=request.user,
        referral_share_link_id=referral,
    )
    # The page charges the card with one PaymentIntent (no SetupIntent first): one 3-D Secure
    # challenge at most (docs/money.md).
    try:
        if data["frequency"] == DonationForm.MONTHLY:
            donation, _plan, setup = monthly.monthly_plan_begin(gift=gift, card_setup=False)
        else:
            donation, setup = donations.donation_begin(gift=gift, card_setup=False)
    except ValidationError as exc:
        errors = {}
        if hasattr(exc, "error_dict"):
            errors = {field: [{"message": m} for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            errors = {"__all__": [{"message": m} for m in exc.messages]}
        return JsonResponse({"status": "invalid", "errors": errors}, status=400)
    except gateway.GatewayError as exc:  # DonationNotStarted: the new donation was failed again
        return _gateway_error(exc)
    _remember(request, donation)
    urls = {
        name: reverse(f"fundraising:{name}", kwargs={"public_id": donation.public_id})
        for name in ("charge", "refresh", "setup_failed", "thanks")
    }
    return JsonResponse(
        {
            "status": "setup",
            "client_secret": setup["client_secret"],
            "donation": str(donation.public_id),
            # What the card will be charged, read by the server: the page shows this text and asks
            # the donor to confirm before the card is touched.
            "charge_summary": selectors.donation_charge_summary(donation=donation),
            **urls,
        }
    )


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@require_POST
def donation_charge(request, public_id):
    donation = _own_donation(request, public_id)
    body = _json_body(request)
    setup_intent_id = str(body.get("setup_intent_id") or request.POST.get("setup_intent_id", ""))
    payment_method_id = str(body.get("payment_method_id") or request.POST.get("payment_method_id", ""))
    try:
        donation, client_secret = charging.donation_charge(
            donation=donation, setup_intent_id=setup_intent_id, payment_method_id=payment_method_id
        )
    except gateway.GatewayError as exc:
        return _gateway_error(exc)
    except (ValidationError, Conflict) as exc:
        return _service_error(exc, status=409 if isinstance(exc, Conflict) else 400)
    return _outcome(donation, client_secret)


@require_POST
def donation_refresh(request, public_id):
    donation = _own_donation(request, public_id)
    try:
        donation, client_secret = charging.donation_refresh(donation=donation)
    except gateway.GatewayError as exc:
        return _gateway_error(exc)
    except Conflict as exc:
        return _service_error(exc, status=409)
    return _outcome(donation, client_secret)


@require_POST
def donation_setup_failed(request, public_id):
    donation = _own_donation(request, public_id)
    try:
        donation = charging.donation_setup_failed(donation=donation)
    except gateway.GatewayError as exc:
        return _gateway_error(exc)
    return _outcome(donation)


def _tracked_share_path(campaign, user, session=None) -> str:
    """The donor's own tracked share link (campaigns' share service), so the clicks and gifts it
    brings are credited; the campaign page when it cannot be shared (no longer public)."""
    try:
        referral = campaign_selectors.referral_share_link_id(session=session, campaign_id=campaign.pk)
        return campaign_sharing.share_link_get_or_create(
            campaign=campaign, user=user, referral_link_id=referral
        ).get_absolute_url()
    except (ValidationError, Conflict):
        return campaign.get_absolute_url()


@require_safe
def donation_thanks(request, public_id):
    token = request.GET.get("t", "")
    if token:  # the signed link from the receipt email: remember it for this browser
        donation = selectors.donation_get_by_public_id(public_id=public_id)
        if donation is not None and receipts.donation_receipt_token_valid(donation=donation, token=token):
            _remember(request, donation)
    donation = _own_donation(request, public_id)
    campaign = donation.campaign
    share_url = request.build_absolute_uri(_tracked_share_path(campaign, request.user, request.session))
    plan = receipts.monthly_plan_of(donation)
    return render(
        request,
        "fundraising/thanks.html",
        {
            "donation": donation,
            "campaign": campaign,
            "funding": selectors.campaign_funding_panel(campaign=campaign),
            "share_url": share_url,
            "share_title": campaign.title,
            "share_text": gettext("I just gave to “%(title)s”. Will you join me?") % {"title": campaign.title},
            "has_share_buttons": _template_exists("includes/share_buttons.html"),
            "monthly_plan": plan,
            "monthly_next_charge": monthly_selectors.monthly_plan_next_charge_text(plan) if plan else "",
            "monthly_manage_url": receipts.plan_manage_path(plan) if plan else "",
        },
    )


@login_required
@require_safe
def my_giving(request):
    """The signed-in donor's donations (and pledges and monthly plans) with receipts and links."""
    return render(
        request,
        "fundraising/my_giving.html",
        selectors.my_giving(user=request.user, page_number=request.GET.get("page")),
    )


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _organizer_campaign(request, slug: str):
    campaign = _public_campaign(slug)
    if not policies.can_view_campaign_donations(campaign=campaign, user=request.user):
        raise PermissionDenied(gettext("Only the organizer can see this campaign's donations."))
    return campaign


@require_safe
def campaign_donations(request, slug: str):
    campaign = _organizer_campaign(request, slug)
    finance = policies.can_see_anonymous_donors(request.user)
    # Bounded like the public lists (the CSV export has every donation).
    page = CappedPaginator(selectors.campaign_donations(campaign=campaign), 50, cap=10_000).get_page(
        request.GET.get("page")
    )
    rows = [selectors.donor_row(donation=d, viewer_is_finance=finance) for d in page.object_list]
    return render(
        request,
        "fundraising/campaign_donations.html",
        {
            "campaign": campaign,
            "page": page,
            "rows": rows,
            "summary": selectors.campaign_donation_summary(campaign=campaign),
        },
    )


@require_safe
def campaign_donations_csv(request, slug: str):
    campaign = _organizer_campaign(request, slug)
    return csv_stream_response(
        filename=f"donations-{campaign.slug}.csv",
        header=selectors.CSV_HEADER,
        rows=selectors.campaign_donations_csv_rows(campaign=campaign, viewer=request.user),
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify, store once, acknowledge. The payments queue applies the event (tasks.py)."""
    try:
        event = gateway.webhook_event_construct(
            payload=request.body, signature_header=request.META.get("HTTP_STRIPE_SIGNATURE", "")
        )
    except gateway.InvalidWebhook as exc:
        logger.info("rejected stripe webhook: %s", exc)
        return HttpResponseBadRequest("invalid webhook")
    stored, created = webhooks.stripe_event_record(event=event)
    if created or stored.status == StripeEvent.Status.PENDING:

        def enqueue():
            try:
                tasks.stripe_event_process.delay(stored.pk)
            except Exception:  # broker down: the periodic sweep applies it later
                logger.exception("could not enqueue stripe event %s; left for the sweep", stored.event_id)

        transaction.on_commit(enqueue)
    return HttpResponse(status=200)

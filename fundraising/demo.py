"""Demo wiring. Money in the demo only ever moves through the real card path against localstripe:
once localstripe listens (`make run`), `on_payment_server_ready` registers the webhook and
`seed_with_payment_server` gives a few real donations (SetupIntent confirmed the way Stripe.js
does, then the server's charge), one of them "with a lost webhook" (charged in Stripe, never
told to us), and runs a reconciliation that finds and applies it. So every total on screen came
from a payment and the reconciliation admin has a run to show. Idempotent: donations already
paid are not given again."""

import json
import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from fundraising import gateway, rules
from fundraising.models import Donation, MonthlyPlan, ReconciliationRun
from fundraising.services import charging, donations, monthly, reconciliation

logger = logging.getLogger(__name__)

DEMO_CARD = "4242424242424242"
# (donor name, amount in minor units, cover the fee, visibility); given to the first open
# fundraising campaigns in turn.
DEMO_GIFTS = [
    ("Amara Okafor", 2500, True, "name"),
    ("Jonas Weber", 5000, False, "first_name"),
    ("Mei Tanaka", 1000, False, "anonymous"),
    ("Lucía Fernández", 10000, True, "name"),
    ("Tom Becker", 2000, False, "name"),
    ("Priya Nair", 7500, False, "name"),
]

DEMO_WEBHOOK_ID = "causeweb-demo"
# One monthly gift (the first demo person's, so "My giving" shows it): its first month is paid now.
DEMO_MONTHLY = ("Amara Okafor", 1500)


@ratelimits.exempt
def seed(stdout) -> None:
    stdout.write("Fundraising: give on any campaign with a goal (test card 4242 4242 4242 4242).")


def on_payment_server_ready(stdout) -> None:
    """Register /stripe/webhook/ with localstripe, signed with our webhook secret (run_demo calls
    this once localstripe listens). Only ever a loopback address."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if not base.startswith("http://127.0.0.1"):
        return
    target = f"{settings.SITE_URL}/stripe/webhook/"
    if not target.startswith(("http://127.0.0.1", "http://localhost")):
        target = "http://127.0.0.1:8000/stripe/webhook/"
    try:
        response = requests.post(
            f"{base}/_config/webhooks/{DEMO_WEBHOOK_ID}",
            data={"url": target, "secret": settings.STRIPE_WEBHOOK_SECRET},
            timeout=5,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        stdout.write(f"Could not register the Stripe webhook with localstripe: {exc}")
        return
    stdout.write(f"localstripe sends signed webhooks to {target}.")


def seed_with_payment_server(stdout) -> None:
    """run_demo calls this after every app's on_payment_server_ready: the demo's real donations."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if base.startswith("http://127.0.0.1"):
        from fundraising import demo_pledges  # it reuses this module's card step

        demo_pledges.seed_pledges(stdout, api_base=base)  # first: its campaign then takes no donations
        seed_donations(stdout, api_base=base)


def _confirm_setup_like_stripe_js(api_base: str, client_secret: str) -> None:
    """What the page's card element does: confirm the SetupIntent with the card details."""
    setup_id = client_secret.split("_secret_")[0]
    body = {
        "key": settings.STRIPE_PUBLISHABLE_KEY or "pk_test_causeweb_localstripe",
        "use_stripe_sdk": True,
        "client_secret": client_secret,
        "payment_method_data": {
            "type": "card",
            "card": {"number": DEMO_CARD, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            "billing_details": {"address": {"postal_code": "10115"}},
        },
    }
    response = requests.post(f"{api_base}/v1/setup_intents/{setup_id}/confirm", data=json.dumps(body), timeout=5)
    response.raise_for_status()


def _demo_email(index: int) -> str:
    return f"demo-gift-{index}@causeweb.local"


def _give(campaign, index: int, gift, *, api_base: str, donor, lose_webhook: bool) -> bool:
    name, amount_minor, cover_fee, visibility = gift
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=amount_minor,
        cover_fee=cover_fee,
        donor_name=name,
        email=donor.email if donor else _demo_email(index),
        visibility=visibility,
        message="Demo gift" if index % 2 else "",
        user=donor,
    )
    setup = donations.donation_start_payment(donation=donation)
    _confirm_setup_like_stripe_js(api_base, setup["client_secret"])
    if not lose_webhook:
        charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
        return True
    # Charged in Stripe while our server "crashed" and the webhook was lost: the reconciliation finds it.
    saved = gateway.setup_intent_retrieve(setup_intent_id=setup["setup_intent_id"])
    intent = gateway.payment_intent_create(
        amount_minor=donation.total_minor,
        currency=donation.currency,
        customer_id=saved["customer"] or donation.stripe_customer_id,
        payment_method_id=saved["payment_method"],
        metadata={"donation_id": str(donation.pk)},
        idempotency_key=f"demo-donation-{donation.pk}-intent",
    )
    gateway.payment_intent_confirm(payment_intent_id=intent.id, idempotency_key=f"demo-donation-{donation.pk}-confirm")
    return True


@ratelimits.exempt
def seed_donations(stdout, *, api_base: str) -> None:
    """Real donations through localstripe, then one reconciliation run (see the module docstring)."""
    campaigns = [c for c in campaign_selectors.campaign_list_featured(limit=12) if rules.campaign_accepts_donations(c)]
    if not campaigns:
        stdout.write("No open fundraising campaign to give to.")
        return
    donor = get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("pk").first()
    given = 0
    for index, gift in enumerate(DEMO_GIFTS):
        campaign = campaigns[index % len(campaigns)]
        signed_in = donor if index < 2 else None  # "My giving" of the first demo person has two
        email = signed_in.email if signed_in else _demo_email(index)
        already = Donation.objects.filter(
            campaign=campaign, email=email, amount_minor=gift[1], state__in=Donation.PAID_STATES
        ).exists()
        if already:
            continue
        try:
            given += _give(
                campaign, index, gift, api_base=api_base, donor=signed_in, lose_webhook=index == len(DEMO_GIFTS) - 1
            )
        except (gateway.GatewayError, requests.RequestException) as exc:
            stdout.write(f"Demo donation {index} not given: {exc}")
    given += _start_monthly(campaigns[0], api_base=api_base, donor=donor, stdout=stdout)
    if given or not ReconciliationRun.objects.exists():
        try:
            run = reconciliation.reconciliation_run(trigger=ReconciliationRun.Trigger.DEMO)
        except reconciliation.ReconciliationBusy:
            return
        stdout.write(
            f"Demo donations given through localstripe: {given}. Reconciliation: {run.charges_checked} charges "
            f"checked, {run.fixed_count} fixed, {run.flagged_count} flagged."
        )


def _start_monthly(campaign, *, api_base: str, donor, stdout) -> int:
    """The demo's monthly gift, started as the donate page starts one (its first month charged
    through localstripe; the next months come from beat). Once: an existing demo plan is kept."""
    name, amount_minor = DEMO_MONTHLY
    email = donor.email if donor else _demo_email(99)
    if MonthlyPlan.objects.filter(email=email, campaign=campaign).exclude(state=MonthlyPlan.State.SETTING_UP).exists():
        return 0
    try:
        donation, plan, setup = monthly.monthly_plan_begin(
            gift=donations.Gift(
                campaign=campaign,
                amount_minor=amount_minor,
                cover_fee=False,
                donor_name=donor.public_name if donor else name,
                email=email,
                visibility="name",
                user=donor,
            )
        )
        _confirm_setup_like_stripe_js(api_base, setup["client_secret"])
        donation, _ = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    except (gateway.GatewayError, requests.RequestException) as exc:
        stdout.write(f"Demo monthly gift not started: {exc}")
        return 0
    stdout.write(f"Demo monthly gift: {plan.public_id} ({donation.state}).")
    return int(donation.is_paid)

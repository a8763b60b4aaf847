"""Fixtures for money tests: a localstripe subprocess (one per session, loopback only, wiped per
test) and Stripe's real webhook signing scheme."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

WEBHOOK_SECRET = "whsec_test_causeweb"


@pytest.fixture(scope="session")
def localstripe_server():
    from causeweb.core import localstripe

    port = localstripe.free_port()
    process = localstripe.start(port)
    yield f"http://127.0.0.1:{port}"
    localstripe.stop(process)


@pytest.fixture
def stripe_api(localstripe_server, settings):
    """Point the gateway at a freshly wiped localstripe."""
    requests.delete(f"{localstripe_server}/_config/data", timeout=5).raise_for_status()
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_causeweb_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_causeweb_localstripe"
    settings.STRIPE_TEST_MODE = True
    return localstripe_server


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # Factories hash a password per user; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Browser:
    """Does over HTTP what localstripe's fake Stripe.js does in the page."""

    def __init__(self, base: str):
        self.base = base

    def confirm_card_setup(self, client_secret: str, number: str, *, complete_3ds: bool = True) -> dict:
        setup_id = client_secret.split("_secret_")[0]
        body = {
            "key": "pk_test_causeweb_localstripe",
            "use_stripe_sdk": True,
            "client_secret": client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
                "billing_details": {"address": {"postal_code": "10115"}},
            },
        }
        response = requests.post(f"{self.base}/v1/setup_intents/{setup_id}/confirm", data=json.dumps(body), timeout=5)
        result = response.json()
        if result.get("status") == "requires_action":
            action = "confirm" if complete_3ds else "cancel"
            body = {"key": "pk_test_causeweb_localstripe", "use_stripe_sdk": True, "client_secret": client_secret}
            result = requests.post(
                f"{self.base}/v1/setup_intents/{setup_id}/{action}", data=json.dumps(body), timeout=5
            ).json()
        return result

    def card(self, number: str) -> str:
        """What donate.js does with localstripe's fake Stripe.js: a card token (createToken, with
        the publishable key); its card id (card_...) is the PaymentMethod the server charges."""
        fields = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
        body = {f"card[{name}]": value for name, value in fields.items()}
        token = requests.post(
            f"{self.base}/v1/tokens", data={**body, "key": "pk_test_causeweb_localstripe"}, timeout=5
        ).json()
        return token["card"]["id"]

    def confirm_card_payment(self, client_secret: str, *, success: bool) -> dict:
        intent_id = client_secret.split("_secret_")[0]
        body = {"key": "pk_test_causeweb_localstripe", "client_secret": client_secret}
        return requests.post(
            f"{self.base}/v1/payment_intents/{intent_id}/_authenticate?success={'true' if success else 'false'}",
            data=json.dumps(body),
            timeout=5,
        ).json()


@pytest.fixture
def stripe_browser(stripe_api):
    return Browser(stripe_api)


def read_db(query, attempts: int = 50):
    """Run a read while a live server thread may be writing: SQLite's shared in-memory test
    database answers "table is locked" instead of waiting (PostgreSQL just waits)."""
    from django.db import OperationalError

    for _ in range(attempts - 1):
        try:
            return query()
        except OperationalError:
            time.sleep(0.1)
    return query()


def sign(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed the way Stripe does (HMAC-SHA256 of "t.body")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def intent_object(donation, *, intent_id: str = "", status: str = "succeeded", amount: int | None = None) -> dict:
    intent_id = intent_id or donation.stripe_payment_intent_id or f"pi_{donation.pk}test"
    amount = donation.total_minor if amount is None else amount
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": donation.currency.lower(),
        "status": status,
        "latest_charge": f"ch_{donation.pk}test",
        "metadata": {"donation_id": str(donation.pk)},
        "last_payment_error": None if status == "succeeded" else {"message": "Your card was declined."},
    }


def charge_object(donation, *, amount_refunded: int, intent_id: str = "", refunds: list | None = None) -> dict:
    obj = {
        "id": f"ch_{donation.pk}test",
        "object": "charge",
        "amount": donation.total_minor,
        "amount_refunded": amount_refunded,
        "currency": donation.currency.lower(),
        "paid": True,
        "status": "succeeded",
        "refunded": amount_refunded >= donation.total_minor,
        "payment_intent": intent_id or donation.stripe_payment_intent_id or f"pi_{donation.pk}test",
        "metadata": {},
    }
    if refunds is not None:
        obj["refunds"] = {"object": "list", "data": refunds}
    return obj


@pytest.fixture
def post_event(client, django_capture_on_commit_callbacks):
    """Deliver an event to /stripe/webhook/ with a valid signature and run what the view queued
    after commit (the processing task, eager in tests); returns the response."""

    def deliver(event: dict, **sign_kwargs):
        body = json.dumps(event)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/stripe/webhook/",
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(body, **sign_kwargs),
            )

    return deliver


@pytest.fixture
def campaign(db):
    return FundraisingCampaignFactory()


@pytest.fixture
def pending_donation(campaign):
    return DonationFactory(campaign=campaign)


@pytest.fixture
def aon_campaign(db):
    """An all-or-nothing campaign with a 100.00 goal, taking pledges for 30 more days."""
    from fundraising import rules
    from fundraising.services import funding_model

    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign

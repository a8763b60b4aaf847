"""localstripe's own webhooks (signed the real way) reach the live server and are applied: the
path the demo relies on when the page is closed before the server hears back."""

import time

import pytest

from fundraising import demo, gateway
from fundraising.models import Donation, StripeEvent
from fundraising.services import donations
from tests.fundraising.conftest import read_db
from tests.fundraising.factories import funding_totals

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def test_payment_settled_by_localstripe_webhook_alone(live_server, stripe_browser, campaign, settings):
    settings.SITE_URL = live_server.url
    messages = []
    demo.on_payment_server_ready(stdout=type("Out", (), {"write": staticmethod(messages.append)}))
    assert messages == [f"localstripe sends signed webhooks to {live_server.url}/stripe/webhook/."]

    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=1800,
        cover_fee=False,
        donor_name="Ada",
        email="ada@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], "4242424242424242")
    saved = gateway.setup_intent_retrieve(setup_intent_id=setup["setup_intent_id"])
    # The server "crashed" after Stripe charged: only the webhook can tell us.
    intent = gateway.payment_intent_create(
        amount_minor=1800,
        currency="EUR",
        customer_id=saved["customer"] or donation.stripe_customer_id,
        payment_method_id=saved["payment_method"],
        metadata={"donation_id": str(donation.pk)},
        idempotency_key="test-webhook-only",
    )
    assert gateway.payment_intent_confirm(payment_intent_id=intent.id, idempotency_key="test-c").status == "succeeded"

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        donation = read_db(lambda: Donation.objects.get(pk=donation.pk))
        if donation.state == Donation.State.SUCCEEDED:
            break
        time.sleep(0.3)
    assert donation.state == Donation.State.SUCCEEDED
    assert donation.stripe_payment_intent_id == intent.id

    # localstripe may announce the same payment more than once (distinct event ids), and events of
    # earlier tests' payments may still arrive at the shared live server (ignored: no such donation).
    # Every event about this payment is processed, and the money is still counted once.
    def statuses_for_this_payment():
        return [
            event.status
            for event in StripeEvent.objects.filter(type="payment_intent.succeeded")
            if event.payload.get("data", {}).get("object", {}).get("id") == intent.id
        ]

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        statuses = read_db(statuses_for_this_payment)
        if statuses and all(status == StripeEvent.Status.PROCESSED for status in statuses):
            break
        time.sleep(0.3)
    assert statuses and all(status == StripeEvent.Status.PROCESSED for status in statuses), statuses
    assert read_db(lambda: funding_totals(campaign).raised_minor) == 1800
    assert read_db(lambda: funding_totals(campaign).donor_count) == 1

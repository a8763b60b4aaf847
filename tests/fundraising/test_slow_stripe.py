"""A slow or unreachable Stripe must not take the site down (docs/reliability.md): no Stripe call
inside a transaction or under a row lock, bounded timeouts, a clear "temporarily unavailable"
answer within seconds, the rest of the site unaffected, and a charge whose outcome is unknown
left pending for the webhook instead of reported as failed."""

import http.server
import socketserver
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.db import DatabaseError, connection
from django.urls import reverse

from fundraising import gateway
from fundraising.models import Donation
from fundraising.services import charging, donations, settling, transitions
from tests.fundraising.conftest import stripe_event
from tests.fundraising.factories import FundraisingCampaignFactory

VISA = "4242424242424242"
THREE_D_SECURE = "4000002500003155"
DECLINED_AT_SETUP = "4000000000000002"


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    """Accepts the connection, then sleeps before answering: Stripe paused."""

    delay = 3.0
    hits = 0

    def _slow(self):
        type(self).hits += 1
        time.sleep(self.delay)
        try:
            self.send_response(500)
            self.end_headers()
        except OSError:
            pass

    do_GET = do_POST = do_DELETE = _slow

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_stripe(settings):
    """A loopback HTTP server that takes 3 s to answer anything, with the gateway's timeouts
    shrunk (read 0.3 s, one retry) so the test measures the bound, not the production values."""
    _SlowHandler.hits = 0
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_CONNECT_TIMEOUT_SECONDS = 0.3
    settings.STRIPE_READ_TIMEOUT_SECONDS = 0.3
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    settings.STRIPE_BREAKER_SECONDS = 30
    yield _SlowHandler
    server.shutdown()
    server.server_close()


def _form():
    return {"amount": "25.00", "donor_name": "Ada", "email": "ada@example.org", "visibility": "name"}


@pytest.mark.django_db
def test_slow_stripe_answers_temporarily_unavailable_within_seconds_then_at_once(client, slow_stripe):
    campaign = FundraisingCampaignFactory()
    url = reverse("fundraising:start", kwargs={"slug": campaign.slug})

    started = time.monotonic()
    first = client.post(url, _form(), HTTP_ACCEPT="application/json")
    first_took = time.monotonic() - started
    assert first.status_code == 503 and first["Retry-After"]
    assert first.json() == {"status": "unavailable", "message": gateway.UNAVAILABLE_MESSAGE}
    # Two attempts of 0.3 s plus Stripe's backoff, never the 3 s the server takes.
    assert first_took < 2.5
    assert slow_stripe.hits == 2  # the call and its one retry

    started = time.monotonic()
    second = client.post(url, _form(), REMOTE_ADDR="127.0.0.9", HTTP_ACCEPT="application/json")
    assert second.status_code == 503
    assert time.monotonic() - started < 0.5  # the breaker is open: no second wait
    assert slow_stripe.hits == 2
    assert set(Donation.objects.values_list("state", flat=True)) == {Donation.State.FAILED}


@pytest.mark.django_db
def test_the_breaker_closes_again_after_its_time(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.STRIPE_BREAKER_SECONDS = 0.2
    with pytest.raises(gateway.GatewayError):
        gateway.payment_intent_retrieve(payment_intent_id="pi_x")
    with pytest.raises(gateway.GatewayError) as fast:
        gateway.client()
    assert fast.value.code == "unavailable"
    time.sleep(0.25)
    assert gateway.client() is not None


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_at_once_while_a_donation_waits_for_a_slow_stripe(live_server, slow_stripe):
    campaign = FundraisingCampaignFactory()
    session = requests.Session()
    session.get(f"{live_server.url}{reverse('fundraising:donate', kwargs={'slug': campaign.slug})}", timeout=5)
    outcome = {}

    def donate():
        started = time.monotonic()
        response = session.post(
            f"{live_server.url}{reverse('fundraising:start', kwargs={'slug': campaign.slug})}",
            data=_form(),
            headers={"X-CSRFToken": session.cookies["csrftoken"], "Accept": "application/json"},
            timeout=10,
        )
        outcome.update(status=response.status_code, took=time.monotonic() - started)

    worker = threading.Thread(target=donate)
    worker.start()
    time.sleep(0.1)  # the donation is now waiting on the slow Stripe
    started = time.monotonic()
    health = requests.get(f"{live_server.url}/healthz", timeout=5)
    health_took = time.monotonic() - started
    worker.join(10)
    assert health.status_code == 200 and health_took < 0.5
    assert outcome["status"] == 503 and outcome["took"] < 2.5


@pytest.fixture
def no_stripe_in_transactions(monkeypatch):
    """Record, for every Stripe call, whether a transaction was open."""
    seen = []
    real = gateway.client

    def watched():
        seen.append(connection.in_atomic_block)
        return real()

    monkeypatch.setattr(gateway, "client", watched)
    return seen


def _begin(campaign, amount=2500):
    return donations.donation_begin(
        gift=donations.Gift(
            campaign=campaign,
            amount_minor=amount,
            cover_fee=False,
            donor_name="Ada",
            email="a@example.org",
            visibility="name",
        )
    )


@pytest.mark.stripe
@pytest.mark.django_db(transaction=True)
def test_no_stripe_call_is_made_inside_a_transaction(stripe_browser, no_stripe_in_transactions):
    campaign = FundraisingCampaignFactory()
    paid, setup = _begin(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    paid, _ = charging.donation_charge(donation=paid, setup_intent_id=setup["setup_intent_id"])
    assert paid.state == Donation.State.SUCCEEDED

    secure, setup = _begin(campaign, 3000)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    secure, secret = charging.donation_charge(donation=secure, setup_intent_id=setup["setup_intent_id"])
    stripe_browser.confirm_card_payment(secret, success=True)
    secure, _ = charging.donation_refresh(donation=secure)
    assert secure.state == Donation.State.SUCCEEDED

    refused, setup = _begin(campaign, 4000)
    stripe_browser.confirm_card_setup(setup["client_secret"], DECLINED_AT_SETUP)
    assert charging.donation_setup_failed(donation=refused).state == Donation.State.FAILED

    stale, setup = _begin(campaign, 5000)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    charging.donation_charge(donation=stale, setup_intent_id=setup["setup_intent_id"])
    Donation.objects.filter(pk=stale.pk).update(charge_started_at=None)
    assert settling.donation_settle_stale(older_than=timedelta(0))["canceled"] == 1

    assert len(no_stripe_in_transactions) >= 12
    assert not any(no_stripe_in_transactions), no_stripe_in_transactions


@pytest.mark.stripe
@pytest.mark.django_db
def test_stripe_unreachable_while_confirming_leaves_the_donation_pending_and_a_retry_reuses_the_intent(
    stripe_browser, monkeypatch
):
    campaign = FundraisingCampaignFactory()
    donation, setup = _begin(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    real_confirm = gateway.payment_intent_confirm

    def unreachable(**kwargs):
        raise gateway.GatewayError(gateway.UNAVAILABLE_MESSAGE, code="unavailable")

    monkeypatch.setattr(gateway, "payment_intent_confirm", unreachable)
    donation, secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    assert (donation.state, secret) == (Donation.State.PENDING, "")  # unknown: not "failed"
    first_intent = Donation.objects.get(pk=donation.pk).stripe_payment_intent_id
    assert first_intent

    created = []
    real_create = gateway.payment_intent_create
    monkeypatch.setattr(gateway, "payment_intent_create", lambda **kw: created.append(kw) or real_create(**kw))
    monkeypatch.setattr(gateway, "payment_intent_confirm", real_confirm)
    donation, _ = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    assert donation.state == Donation.State.SUCCEEDED
    assert donation.stripe_payment_intent_id == first_intent and created == []
    charges = gateway.client().v1.charges.list(params={"customer": donation.stripe_customer_id})
    assert len(charges.data) == 1 and charges.data[0].amount == 2500


@pytest.mark.django_db
def test_a_second_request_during_the_intent_creation_does_not_create_another(campaign_with_setup, monkeypatch):
    donation = campaign_with_setup
    created = []
    monkeypatch.setattr(
        gateway,
        "setup_intent_retrieve",
        lambda **kw: {"status": "succeeded", "payment_method": "pm_1", "error_message": ""},
    )

    def create(**kwargs):
        created.append(kwargs)
        # While the first request waits for Stripe, the donor clicks again.
        again, secret = charging.donation_charge(donation=donation, setup_intent_id="seti_1")
        assert (again.state, secret) == (Donation.State.PENDING, "")
        return gateway.PaymentIntentResult("pi_1", "succeeded", "", 2500, "EUR", "ch_1", "", {})

    monkeypatch.setattr(gateway, "payment_intent_create", create)
    monkeypatch.setattr(
        gateway,
        "payment_intent_retrieve",
        lambda **kw: gateway.PaymentIntentResult("pi_1", "succeeded", "", 2500, "EUR", "ch_1", "", {}),
    )
    charged, _ = charging.donation_charge(donation=donation, setup_intent_id="seti_1")
    assert len(created) == 1
    assert (charged.state, charged.stripe_payment_intent_id) == (Donation.State.SUCCEEDED, "pi_1")


@pytest.mark.django_db
def test_a_failed_intent_creation_releases_the_claim_so_the_donor_can_retry(campaign_with_setup, monkeypatch):
    donation = campaign_with_setup
    monkeypatch.setattr(
        gateway,
        "setup_intent_retrieve",
        lambda **kw: {"status": "succeeded", "payment_method": "pm_1", "error_message": ""},
    )

    def unreachable(**kwargs):
        raise gateway.GatewayError(gateway.UNAVAILABLE_MESSAGE, code="unavailable")

    monkeypatch.setattr(gateway, "payment_intent_create", unreachable)
    with pytest.raises(gateway.GatewayError):
        charging.donation_charge(donation=donation, setup_intent_id="seti_1")
    donation.refresh_from_db()
    assert donation.charge_started_at is None and donation.state == Donation.State.PENDING


@pytest.fixture
def campaign_with_setup(db):
    campaign = FundraisingCampaignFactory(currency="EUR")
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=2500,
        cover_fee=False,
        donor_name="Ada",
        email="a@example.org",
        visibility="name",
    )
    Donation.objects.filter(pk=donation.pk).update(stripe_setup_intent_id="seti_1", stripe_customer_id="cus_1")
    donation.refresh_from_db()
    return donation


@pytest.mark.django_db
def test_a_database_error_after_stripe_confirmed_is_confirming_not_failed_and_the_webhook_records_it(
    client, campaign_with_setup, monkeypatch, post_event
):
    donation = campaign_with_setup
    session = client.session
    session["fundraising_donations"] = [str(donation.public_id)]
    session.save()
    monkeypatch.setattr(
        gateway,
        "setup_intent_retrieve",
        lambda **kw: {"status": "succeeded", "payment_method": "pm_1", "error_message": ""},
    )
    succeeded = gateway.PaymentIntentResult("pi_db", "succeeded", "", 2500, "EUR", "ch_db", "", {})
    monkeypatch.setattr(gateway, "payment_intent_create", lambda **kw: succeeded)
    monkeypatch.setattr(gateway, "payment_intent_retrieve", lambda **kw: succeeded)

    def database_down(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(charging, "_apply_intent", database_down)
    response = client.post(
        reverse("fundraising:charge", kwargs={"public_id": donation.public_id}),
        {"setup_intent_id": "seti_1"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "pending"  # the page says "we are confirming" and polls
    assert Donation.objects.get(pk=donation.pk).state == Donation.State.PENDING

    hook = post_event(
        stripe_event(
            "payment_intent.succeeded",
            {
                "id": "pi_db",
                "object": "payment_intent",
                "amount": 2500,
                "amount_received": 2500,
                "currency": "eur",
                "status": "succeeded",
                "latest_charge": "ch_db",
                "metadata": {"donation_id": str(donation.pk)},
            },
        )
    )
    assert hook.status_code == 200
    assert Donation.objects.get(pk=donation.pk).state == Donation.State.SUCCEEDED


@pytest.mark.django_db
def test_the_receipt_page_of_a_pending_donation_says_confirming_and_polls(client, campaign_with_setup):
    donation = campaign_with_setup
    session = client.session
    session["fundraising_donations"] = [str(donation.public_id)]
    session.save()
    url = reverse("fundraising:thanks", kwargs={"public_id": donation.public_id})
    page = client.get(url).content.decode()
    assert "We are confirming your payment" in page and "do not pay again" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id="pi_ok")
    page = client.get(url).content.decode()
    assert "Thank you" in page and 'http-equiv="refresh"' not in page


@pytest.mark.django_db
def test_the_webhook_sweep_runs_every_minute_and_applies_events_older_than_30_seconds():
    from django.utils import timezone

    from fundraising import tasks
    from fundraising.models import StripeEvent

    assert tasks.BEAT_SCHEDULE["fundraising-stripe-event-sweep"]["schedule"] == 60.0
    old = StripeEvent.objects.create(event_id="evt_old", type="customer.created", payload={"data": {"object": {}}})
    fresh = StripeEvent.objects.create(event_id="evt_fresh", type="customer.created", payload={"data": {"object": {}}})
    StripeEvent.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(seconds=31))
    StripeEvent.objects.filter(pk=fresh.pk).update(received_at=timezone.now() - timedelta(seconds=10))
    assert tasks.stripe_event_sweep() == 1
    statuses = dict(StripeEvent.objects.values_list("event_id", "status"))
    assert statuses == {"evt_old": StripeEvent.Status.IGNORED, "evt_fresh": StripeEvent.Status.PENDING}

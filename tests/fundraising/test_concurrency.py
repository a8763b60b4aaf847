"""Real concurrency on PostgreSQL: webhook deliveries racing each other from separate threads."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising.models import CampaignFunding, Donation, StripeEvent
from tests.fundraising.conftest import intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _deliver(event: dict) -> int:
    body = json.dumps(event)
    try:
        response = Client().post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
        )
        return response.status_code
    finally:
        connection.close()


def test_200_succeeded_events_each_delivered_twice_concurrently_count_exactly_once():
    campaign = FundraisingCampaignFactory(goal_minor=10_000_000)
    donations = [DonationFactory(campaign=campaign, amount_minor=100 + i) for i in range(200)]
    events = [
        stripe_event("payment_intent.succeeded", intent_object(d, intent_id=f"pi_race_{d.pk}")) for d in donations
    ]
    # Each event twice, side by side, so its two deliveries run at the same time in different threads.
    deliveries = [event for event in events for _ in range(2)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(_deliver, deliveries))

    assert statuses == [200] * 400
    assert Donation.objects.filter(campaign=campaign, state=Donation.State.SUCCEEDED).count() == 200
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert funding.raised_minor == sum(100 + i for i in range(200)) == 39_900
    assert funding.donor_count == 200
    assert StripeEvent.objects.count() == 200
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {StripeEvent.Status.PROCESSED}
    assert Notification.objects.filter(kind=Kind.DONATION_RECEIPT).count() == 200


def test_same_payment_reported_under_different_event_ids_concurrently_counts_once():
    campaign = FundraisingCampaignFactory()
    donations = [DonationFactory(campaign=campaign, amount_minor=1000) for _ in range(20)]
    deliveries = [
        stripe_event("payment_intent.succeeded", intent_object(d, intent_id=f"pi_dup_{d.pk}"))
        for d in donations
        for _ in range(4)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(_deliver, deliveries)) == {200}
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert (funding.raised_minor, funding.donor_count) == (20_000, 20)
    assert StripeEvent.objects.count() == 80


def _in_thread(fn):
    try:
        return fn()
    except Exception as exc:  # returned, not raised, so the test can look at every outcome
        return exc
    finally:
        connection.close()


@pytest.mark.stripe
def test_double_click_charges_the_card_once(stripe_browser):
    from fundraising import gateway
    from fundraising.services import donations

    campaign = FundraisingCampaignFactory()
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=2500,
        cover_fee=False,
        donor_name="Ada",
        email="a@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], "4242424242424242")

    def charge():
        return donations.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _in_thread(charge), range(4)))

    assert all(isinstance(result, tuple) for result in results), results
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    charges = gateway.client().v1.charges.list(params={"customer": donation.stripe_customer_id})
    assert len(charges.data) == 1 and charges.data[0].amount == 2500
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert (funding.raised_minor, funding.donor_count) == (2500, 1)


@pytest.mark.stripe
def test_two_finance_staff_refunding_at_once_refund_once(stripe_browser):
    from causeweb.core.exceptions import Conflict
    from fundraising import gateway
    from fundraising.models import Refund
    from fundraising.services import donations, refunds
    from tests.fundraising.factories import UserFactory

    campaign = FundraisingCampaignFactory()
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=3000,
        cover_fee=False,
        donor_name="Ada",
        email="a@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], "4242424242424242")
    donations.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    staff = [UserFactory(is_staff=True, is_superuser=True) for _ in range(3)]

    def refund(actor):
        return _in_thread(lambda: refunds.donation_refund(actor=actor, donation_id=donation.pk, amount_minor=3000))

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(refund, staff))

    assert sum(isinstance(r, Refund) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 2, results
    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED and donation.refunded_minor == 3000
    charge = gateway.client().v1.charges.retrieve(donation.stripe_charge_id)
    assert charge.amount_refunded == 3000
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert (funding.raised_minor, funding.donor_count) == (0, 0)

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

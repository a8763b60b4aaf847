"""Half-done donations are settled after an hour, not a day (fundraising/services/settling.py
STALE_AFTER, docs/reliability.md "Safety nets"), and a donor back on the page is told plainly."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fundraising import gateway, tasks
from fundraising.models import Donation
from fundraising.services import settling
from tests.fundraising.factories import DonationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_stripe(monkeypatch):
    """A donation without a PaymentIntent is settled without asking Stripe."""

    def refuse(**kwargs):
        raise AssertionError("Stripe must not be called for a donation with no PaymentIntent")

    monkeypatch.setattr(gateway, "payment_intent_retrieve", refuse)
    monkeypatch.setattr(gateway, "payment_intent_cancel", refuse)


def aged(donation, minutes):
    Donation.objects.filter(pk=donation.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return donation


def test_the_window_is_an_hour_checked_every_15_minutes():
    assert timedelta(hours=1) == settling.STALE_AFTER
    schedule = tasks.BEAT_SCHEDULE["fundraising-settle-stale-donations"]
    assert schedule["schedule"] == 900
    # Worst case a donation stays pending: the window plus one period, 75 minutes (was 25 hours).
    assert settling.STALE_AFTER + timedelta(seconds=schedule["schedule"]) == timedelta(minutes=75)
    assert schedule["options"]["expires"] < schedule["schedule"]


def test_a_donation_abandoned_over_an_hour_ago_is_canceled_and_a_recent_one_kept(campaign, no_stripe):
    abandoned = aged(DonationFactory(campaign=campaign), 61)
    in_progress = aged(DonationFactory(campaign=campaign), 50)  # a donor may still be at the card step

    assert tasks.donation_settle_stale()["canceled"] == 1

    abandoned.refresh_from_db()
    in_progress.refresh_from_db()
    assert abandoned.state == Donation.State.CANCELED
    assert abandoned.failure_message == settling.EXPIRED_MESSAGE
    assert in_progress.state == Donation.State.PENDING
    assert settling.donation_settle_stale()["canceled"] == 0  # again: nothing changes


def test_a_donor_back_on_a_settled_donation_is_told_it_expired_not_declined(client, campaign, no_stripe):
    donation = aged(DonationFactory(campaign=campaign), 90)
    settling.donation_settle_stale()
    session = client.session
    session["fundraising_donations"] = [str(donation.public_id)]
    session.save()

    response = client.post(
        reverse("fundraising:charge", kwargs={"public_id": donation.public_id}),
        {"setup_intent_id": "seti_late"},
        content_type="application/json",
    )
    body = response.json()
    assert body["status"] == "failed"
    assert body["message"] == settling.EXPIRED_MESSAGE
    assert "declined" not in body["message"]

from datetime import timedelta

import pytest
from django.utils import timezone

from fundraising import selectors
from fundraising.models import Donation, StripeEvent
from fundraising.services import transitions
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def paid(campaign, amount, *, name="Ada Lovelace", visibility="name", message=""):
    donation = DonationFactory(
        campaign=campaign, amount_minor=amount, donor_name=name, visibility=visibility, message=message
    )
    transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_sel_{donation.pk}")
    return donation


def test_no_panel_for_a_campaign_without_a_goal():
    assert selectors.campaign_funding_panel(campaign=FundraisingCampaignFactory(goal_minor=None)) is None


def test_empty_panel(campaign):
    panel = selectors.campaign_funding_panel(campaign=campaign)
    assert (panel["raised_minor"], panel["donor_count"], panel["percent"]) == (0, 0, 0)
    assert panel["latest"] == [] and panel["top"] == []
    assert panel["accepts_donations"] is True
    assert panel["donate_url"] == f"/donate/{campaign.slug}/"
    assert panel["days_left"] == 30


def test_panel_totals_wall_and_anonymity():
    campaign = FundraisingCampaignFactory(goal_minor=10_000, deadline=timezone.now() + timedelta(hours=30))
    paid(campaign, 1000, name="Ada Lovelace", message="Go!")
    paid(campaign, 5000, name="Secret Donor", visibility="anonymous", message="From a friend")
    paid(campaign, 2000, name="Grace Brewster Hopper", visibility="first_name")
    DonationFactory(campaign=campaign, amount_minor=9000)  # pending: not counted, not shown
    refunded = paid(campaign, 7000, name="Refunded Person")
    Donation.objects.filter(pk=refunded.pk).update(state=Donation.State.REFUNDED)

    panel = selectors.campaign_funding_panel(campaign=campaign)

    assert panel["raised_minor"] == 15_000  # the totals row (the refund was forced above, not through a service)
    assert panel["days_left"] == 2
    names = [entry["name"] for entry in panel["latest"]]
    assert names == ["Grace", "Anonymous", "Ada Lovelace"]
    assert [entry["name"] for entry in panel["top"]] == ["Anonymous", "Grace", "Ada Lovelace"]
    assert panel["top"][0]["message"] == "From a friend"
    assert "Secret Donor" not in str(panel) and "Refunded Person" not in str(panel)


def test_percent_is_capped_and_closed_campaign_takes_no_donations():
    campaign = FundraisingCampaignFactory(goal_minor=1000, deadline=timezone.now() + timedelta(days=1))
    paid(campaign, 2500)
    campaign.deadline = timezone.now() - timedelta(days=1)
    panel = selectors.campaign_funding_panel(campaign=campaign)
    assert panel["percent"] == 100 and panel["days_left"] == 0 and panel["accepts_donations"] is False


def test_panel_costs_the_same_queries_with_many_donations(django_assert_num_queries):
    few = FundraisingCampaignFactory()
    paid(few, 100)
    many = FundraisingCampaignFactory()
    for i in range(40):
        paid(many, 100 + i)
    with django_assert_num_queries(3):
        small = selectors.campaign_funding_panel(campaign=few)
    assert (small["raised_minor"], small["donor_count"]) == (100, 1)
    assert [e["amount_minor"] for e in small["latest"]] == [100] and [e["amount_minor"] for e in small["top"]] == [100]
    with django_assert_num_queries(3):
        panel = selectors.campaign_funding_panel(campaign=many)
    assert panel["donor_count"] == 40 and len(panel["latest"]) == selectors.WALL_SIZE
    assert panel["raised_minor"] == sum(100 + i for i in range(40))
    # Newest first (the last paid), and the largest first: here the same five donations.
    assert [e["amount_minor"] for e in panel["latest"]] == [139, 138, 137, 136, 135]
    assert [e["amount_minor"] for e in panel["top"]] == [139, 138, 137, 136, 135]


def test_stripe_js_url(settings):
    settings.STRIPE_TEST_MODE, settings.STRIPE_API_BASE = True, "http://127.0.0.1:8420"
    assert selectors.stripe_js_url() == "http://127.0.0.1:8420/js.stripe.com/v3/"
    settings.STRIPE_TEST_MODE, settings.STRIPE_API_BASE = False, ""
    assert selectors.stripe_js_url() == "https://js.stripe.com/v3/"


def test_form_options_for_a_zero_decimal_currency():
    options = selectors.donation_form_options(currency="JPY")
    assert [p["major"] for p in options["presets"]] == ["1000", "3000", "5000", "10000"]
    assert options["fee_rule"]["exponent"] == 0
    assert [p["major"] for p in selectors.donation_form_options(currency="EUR")["presets"]] == ["10", "25", "50", "100"]


def test_funding_totals_for_many_campaigns_in_one_query(django_assert_num_queries):
    campaigns = [FundraisingCampaignFactory() for _ in range(3)]
    paid(campaigns[0], 1000)
    paid(campaigns[0], 500)
    paid(campaigns[2], 700)
    with django_assert_num_queries(1):
        totals = selectors.campaign_funding_totals(campaign_ids=[c.pk for c in campaigns])
    assert totals[campaigns[0].pk] == {
        "raised_minor": 1500,
        "donor_count": 2,
        "currency": "EUR",
        "funding_model": "keep",
    }
    assert totals[campaigns[2].pk]["raised_minor"] == 700
    assert campaigns[1].pk not in totals


def test_stale_stripe_events_are_the_pending_ones_older_than_the_cutoff():
    def event(n, status, minutes_ago):
        stored = StripeEvent.objects.create(
            event_id=f"evt_stale_{n}", type="charge.refunded", payload={}, status=status
        )
        StripeEvent.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timedelta(minutes=minutes_ago))
        return stored.pk

    old_pending = [event(1, StripeEvent.Status.PENDING, 10), event(2, StripeEvent.Status.PENDING, 30)]
    event(3, StripeEvent.Status.PENDING, 0)  # just arrived: its own task is on the way
    event(4, StripeEvent.Status.FAILED, 30)
    event(5, StripeEvent.Status.PROCESSED, 30)
    assert selectors.stripe_event_ids_stale(older_than=timedelta(minutes=2)) == old_pending
    assert len(selectors.stripe_event_ids_stale(older_than=timedelta(minutes=2), limit=1)) == 1

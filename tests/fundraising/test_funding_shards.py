"""Split counters: a campaign's successes land on FUNDING_SHARDS shard rows (so a burst does not
queue on one row) and every reader gets the exact sum through `campaign_funding_totals`."""

import pytest

from fundraising import selectors
from fundraising.models import FUNDING_SHARDS, CampaignFunding, CampaignFundingShard
from fundraising.services.transitions import _funding_lock_all, _funding_set, donation_mark_succeeded
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def succeed(campaign, amount):
    donation = DonationFactory(campaign=campaign, amount_minor=amount)
    assert donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_shard_{donation.pk}")
    return donation


def test_successes_spread_over_shards_and_sum_exactly():
    campaign = FundraisingCampaignFactory()
    amounts = [1000 + i for i in range(40)]
    for amount in amounts:
        succeed(campaign, amount)
    shards = CampaignFundingShard.objects.filter(campaign=campaign)
    assert shards.count() == FUNDING_SHARDS  # 40 consecutive donations touch every shard
    assert set(shards.values_list("shard", flat=True)) == set(range(FUNDING_SHARDS))
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert (funding.raised_minor, funding.donor_count) == (0, 0)  # the hot row is never written
    totals = selectors.campaign_funding_totals(campaign_ids=[campaign.pk])[campaign.pk]
    assert (totals["raised_minor"], totals["donor_count"]) == (sum(amounts), 40)
    assert selectors.campaign_donation_summary(campaign=campaign) == {"raised_minor": sum(amounts), "donor_count": 40}
    assert selectors.campaign_funding_panel(campaign=campaign)["raised_minor"] == sum(amounts)


def test_a_second_success_of_the_same_donation_moves_nothing():
    campaign = FundraisingCampaignFactory()
    donation = succeed(campaign, 2500)
    assert not donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_shard_{donation.pk}")
    assert selectors.campaign_donation_summary(campaign=campaign) == {"raised_minor": 2500, "donor_count": 1}


def test_a_repair_sets_the_sum_and_folds_the_shards():
    campaign = FundraisingCampaignFactory()
    for amount in (1000, 2000, 3000):
        succeed(campaign, amount)
    _funding_lock_all(campaign_id=campaign.pk)
    assert CampaignFundingShard.objects.filter(campaign=campaign).count() == FUNDING_SHARDS  # all exist, locked
    _funding_set(campaign_id=campaign.pk, raised_minor=5000, donor_count=2)
    assert selectors.campaign_donation_summary(campaign=campaign) == {"raised_minor": 5000, "donor_count": 2}
    assert not CampaignFundingShard.objects.filter(campaign=campaign).exclude(raised_minor=0, donor_count=0).exists()
    succeed(campaign, 700)  # the next success adds on top
    assert selectors.campaign_donation_summary(campaign=campaign) == {"raised_minor": 5700, "donor_count": 3}


def test_totals_of_many_campaigns_cost_one_query(django_assert_num_queries):
    campaigns = [FundraisingCampaignFactory() for _ in range(4)]
    for campaign in campaigns:
        succeed(campaign, 100)
        succeed(campaign, 200)
    with django_assert_num_queries(1):
        totals = selectors.campaign_funding_totals(campaign_ids=[c.pk for c in campaigns])
    assert {pk: row["raised_minor"] for pk, row in totals.items()} == {c.pk: 300 for c in campaigns}

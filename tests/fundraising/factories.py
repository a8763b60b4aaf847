from datetime import timedelta
from types import SimpleNamespace

import factory
from django.utils import timezone

from fundraising.models import CampaignFunding, Donation
from fundraising.selectors import campaign_funding_totals
from tests.factories import CampaignFactory, UserFactory


class FundraisingCampaignFactory(CampaignFactory):
    goal_minor = 1_000_000
    currency = "EUR"
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    campaign = factory.SubFactory(FundraisingCampaignFactory)
    donor_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    visibility = Donation.Visibility.NAME
    amount_minor = 2500
    fee_minor = 0
    currency = factory.LazyAttribute(lambda o: o.campaign.currency)


__all__ = ["DonationFactory", "FundraisingCampaignFactory", "UserFactory", "funding_totals"]


def funding_totals(campaign) -> SimpleNamespace | None:
    """A campaign's totals as every page reads them (the CampaignFunding row plus its shard rows,
    through the one read path), or None when it has no funding row."""
    row = CampaignFunding.objects.filter(campaign_id=campaign.pk).values().first()
    if row is None:
        return None
    return SimpleNamespace(**{**row, **campaign_funding_totals(campaign_ids=[campaign.pk])[campaign.pk]})

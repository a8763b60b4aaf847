from datetime import timedelta

import factory
from django.utils import timezone

from fundraising.models import Donation
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


__all__ = ["DonationFactory", "FundraisingCampaignFactory", "UserFactory"]

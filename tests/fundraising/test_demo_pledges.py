"""The demo seeds pledges through localstripe on one all-or-nothing campaign, once."""

import pytest
from django.urls import reverse

from fundraising import demo, demo_pledges, rules
from fundraising.models import Donation, Pledge
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory
from tests.fundraising.test_demo_donations import Out

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]


def test_demo_pledges_are_real_saved_cards_and_seeded_once(stripe_api, client, settings):
    both = [FundraisingCampaignFactory(), FundraisingCampaignFactory()]
    people = [UserFactory() for _ in range(3)]
    settings.STRIPE_API_BASE = stripe_api

    demo.seed_with_payment_server(Out())
    demo.seed_with_payment_server(Out())  # the demo starts again

    pledges = list(Pledge.objects.select_related("campaign"))
    assert len(pledges) == len(demo_pledges.DEMO_PLEDGES)
    assert {p.state for p in pledges} == {Pledge.State.ACTIVE}
    assert all(p.stripe_payment_method_id.startswith("pm_") for p in pledges)
    campaign = pledges[0].campaign
    assert rules.funding_model_of(campaign) == rules.ALL_OR_NOTHING
    kept = next(c for c in both if c.pk != campaign.pk)
    assert rules.funding_model_of(kept) == rules.KEEP_WHAT_YOU_RAISE  # the donations went there
    assert not Donation.objects.filter(campaign=campaign).exists()
    assert Donation.objects.filter(campaign=kept, state__in=Donation.PAID_STATES).exists()

    client.force_login(people[0])
    page = client.get(reverse("fundraising:my_giving")).content.decode()
    assert "Pledges" in page and campaign.title in page and "Change or cancel" in page


def test_one_fundraising_campaign_stays_for_donations(stripe_api):
    FundraisingCampaignFactory()
    UserFactory()
    out = Out()
    assert demo_pledges.seed_pledges(out, api_base=stripe_api) == 0
    assert not Pledge.objects.exists()

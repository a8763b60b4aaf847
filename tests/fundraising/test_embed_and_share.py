"""The embeddable widget of a fundraising campaign shows raised/goal and a Donate button; the
thank-you page's share prompt uses the donor's tracked share link (credited clicks)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ShareLink
from fundraising.models import CampaignFunding, Donation
from tests.factories import CampaignFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def embed(client, campaign):
    response = client.get(reverse("campaigns:embed", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_embed_of_a_fundraising_campaign_shows_raised_goal_and_donate(client):
    campaign = FundraisingCampaignFactory(goal_minor=1_000_000)
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=250_000, donor_count=12)
    page = embed(client, campaign)
    assert "€2,500" in page and "€10,000" in page and "12 donors" in page
    assert 'aria-valuenow="25"' in page
    donate = f'href="http://testserver{reverse("fundraising:donate", kwargs={"slug": campaign.slug})}"'
    assert donate in page and ">Donate</a>" in page


def test_embed_without_fundraising_or_after_the_deadline_has_no_donate_button(client):
    petition_only = CampaignFactory(goal_minor=None)
    assert ">Donate</a>" not in embed(client, petition_only)
    ended = FundraisingCampaignFactory()
    type(ended).objects.filter(pk=ended.pk).update(deadline=timezone.now() - timedelta(days=1))
    page = embed(client, type(ended).objects.get(pk=ended.pk))
    assert "raised of" in page and ">Donate</a>" not in page


def paid(campaign, **kwargs):
    donation = DonationFactory(campaign=campaign, **kwargs)
    Donation.objects.filter(pk=donation.pk).update(state="succeeded", succeeded_at=timezone.now())
    return donation


def test_thank_you_share_prompt_uses_the_donors_tracked_link(client):
    campaign = FundraisingCampaignFactory()
    donor = UserFactory()
    donation = paid(campaign, donor=donor)
    client.force_login(donor)
    response = client.get(reverse("fundraising:thanks", kwargs={"public_id": donation.public_id}))
    link = ShareLink.objects.get(campaign=campaign, created_by=donor)
    assert response.context["share_url"] == f"http://testserver{link.get_absolute_url()}"
    assert f"{link.get_absolute_url()}?via=copy" in response.content.decode()

    # Following it is credited to the donor's link.
    client.logout()
    client.get(link.get_absolute_url() + "?via=x", HTTP_USER_AGENT="Mozilla/5.0")
    link.refresh_from_db()
    assert link.click_count == 1

"""The funding model chosen in the campaign create/edit form: a section fundraising adds through
campaigns.hooks.campaign_form_sections (campaigns never imports fundraising)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from fundraising import rules
from fundraising.models import CampaignFunding, Pledge
from tests.factories import CauseFactory, UserFactory
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def form_data(cause, **overrides):
    deadline = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Oven for the bakery",
        "summary": "A wood oven for the neighbourhood bakery.",
        "story": "Bread for everyone.",
        "cause": cause.pk,
        "tags": "",
        "location": "Porto",
        "petition_target": "",
        "goal": "5000",
        "currency": "EUR",
        "deadline": deadline,
        "cover_alt": "",
        "funding-funding_model": "all_or_nothing",
    }
    data.update(overrides)
    return data


def test_create_form_offers_both_models_and_says_what_they_mean(client):
    client.force_login(UserFactory())
    page = client.get(reverse("campaigns:create")).content.decode()
    assert "How this campaign raises money" in page
    assert 'name="funding-funding_model" value="keep"' in page and "checked" in page
    assert "charged only if the goal is met by the deadline" in page


def test_create_all_or_nothing_from_the_campaign_form(client):
    organizer = UserFactory()
    client.force_login(organizer)
    response = client.post(reverse("campaigns:create"), form_data(CauseFactory()))
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(title="Oven for the bakery")
    assert rules.funding_model_of(campaign) == rules.ALL_OR_NOTHING


def test_all_or_nothing_without_a_deadline_is_a_field_error_and_saves_nothing(client):
    client.force_login(UserFactory())
    response = client.post(reverse("campaigns:create"), form_data(CauseFactory(), deadline=""))
    assert response.status_code == 200
    assert "All-or-nothing needs" in response.content.decode()
    assert not Campaign.objects.filter(title="Oven for the bakery").exists()  # rolled back with it


def test_a_form_without_the_section_keeps_the_model(client):
    client.force_login(UserFactory())
    data = form_data(CauseFactory())
    del data["funding-funding_model"]
    assert client.post(reverse("campaigns:create"), data).status_code == 302
    campaign = Campaign.objects.get(title="Oven for the bakery")
    assert rules.funding_model_of(campaign) == rules.KEEP_WHAT_YOU_RAISE
    assert not CampaignFunding.objects.filter(campaign=campaign).exists()  # nothing written


def test_edit_switches_the_model_until_someone_pledges(client):
    campaign = FundraisingCampaignFactory(goal_minor=500_000)
    client.force_login(campaign.organizer)
    edit_url = reverse("campaigns:edit", kwargs={"slug": campaign.slug})
    data = form_data(campaign.cause, title=campaign.title)
    assert client.post(edit_url, data).status_code == 302
    campaign.refresh_from_db()
    assert rules.funding_model_of(Campaign.objects.get(pk=campaign.pk)) == rules.ALL_OR_NOTHING

    Pledge.objects.create(
        campaign=campaign,
        backer=UserFactory(),
        backer_name="B",
        email="b@example.org",
        amount_minor=1000,
        currency="EUR",
        state=Pledge.State.ACTIVE,
    )
    page = client.get(edit_url).content.decode()
    assert "Fixed once someone gave or pledged." in page and "disabled" in page
    assert client.post(edit_url, {**data, "funding-funding_model": "keep"}).status_code == 302
    assert rules.funding_model_of(Campaign.objects.get(pk=campaign.pk)) == rules.ALL_OR_NOTHING


def test_campaign_pages_say_which_model_it_is(client):
    keep = FundraisingCampaignFactory()
    page = client.get(keep.get_absolute_url()).content.decode()
    assert "Keep what you raise: your card is charged when you give" in page

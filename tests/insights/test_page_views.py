"""The server-side daily page-view counter and its beacon."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.services.sharing import share_link_get_or_create
from insights.models import CampaignDailyViews
from insights.services import page_view_record
from tests.campaigns.factories import DraftCampaignFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"


def test_views_are_counted_once_per_request_in_one_row_per_day():
    campaign = CampaignFactory()
    for _ in range(3):
        assert page_view_record(campaign_id=campaign.pk, user_agent=BROWSER, day=date(2026, 3, 1))
    page_view_record(campaign_id=campaign.pk, user_agent=BROWSER, day=date(2026, 3, 2))
    rows = dict(CampaignDailyViews.objects.filter(campaign=campaign).values_list("day", "views"))
    assert rows == {date(2026, 3, 1): 3, date(2026, 3, 2): 1}


@pytest.mark.parametrize("agent", ["", "facebookexternalhit/1.1", "WhatsApp/2.23", "Googlebot/2.1", "curl/8.0"])
def test_bots_and_preview_crawlers_are_not_counted(agent):
    campaign = CampaignFactory()
    assert page_view_record(campaign_id=campaign.pk, user_agent=agent) is False
    assert not CampaignDailyViews.objects.exists()


def test_beacon_counts_public_campaigns_and_always_answers_a_pixel(client):
    campaign, draft = CampaignFactory(), DraftCampaignFactory()
    response = client.get(reverse("insights:page_view", args=[campaign.pk]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.get(reverse("insights:page_view", args=[draft.pk]), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert client.get(reverse("insights:page_view", args=[999999]), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert list(CampaignDailyViews.objects.values_list("campaign_id", "views")) == [(campaign.pk, 1)]
    assert client.post(reverse("insights:page_view", args=[campaign.pk])).status_code == 405


def test_campaign_page_carries_the_beacon_except_for_its_organizer(client):
    campaign = CampaignFactory()
    beacon = reverse("insights:page_view", args=[campaign.pk])
    assert beacon in client.get(campaign.get_absolute_url()).content.decode()
    client.force_login(campaign.organizer)
    assert beacon not in client.get(campaign.get_absolute_url()).content.decode()


def test_campaign_page_makes_a_referred_sharers_link_a_child(client):
    campaign = CampaignFactory()
    ana_link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    client.get(ana_link.get_absolute_url() + "?via=x", HTTP_USER_AGENT=BROWSER)
    bo = UserFactory()
    client.force_login(bo)
    client.get(campaign.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert campaign.share_links.get(created_by=bo).parent_id == ana_link.pk

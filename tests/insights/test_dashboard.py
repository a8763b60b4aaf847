"""The campaign dashboard: who may see it, what it shows, its CSVs, its query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.services.sharing import share_link_get_or_create
from insights.models import CampaignDailyViews
from tests.campaigns.factories import SignatureFactory
from tests.factories import UserFactory
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _url(campaign, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("insights:campaign", args=[campaign.slug]) + (f"?{query}" if query else "")


@pytest.fixture
def campaign():
    campaign = FundraisingCampaignFactory()
    CampaignDailyViews.objects.create(campaign=campaign, day=timezone.localdate(), views=17)
    shown = share_link_get_or_create(
        campaign=campaign, user=UserFactory(display_name="Ana Shown", show_as_advocate=True)
    )
    hidden = share_link_get_or_create(campaign=campaign, user=UserFactory(display_name="Hidden Harry"))
    SignatureFactory.create_batch(2, campaign=campaign, share_link=shown)
    SignatureFactory.create_batch(3, campaign=campaign, share_link=hidden)
    return campaign


def test_strangers_get_403_and_guests_are_sent_to_sign_in(client, campaign):
    response = client.get(_url(campaign))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(_url(campaign)).status_code == 403
    assert client.get(_url(campaign, csv="activity")).status_code == 403


def test_unknown_campaign_is_404(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("insights:campaign", args=["no-such-campaign"])).status_code == 404


@pytest.mark.parametrize("who", ["organizer", "staff"])
def test_organizer_and_staff_see_the_figures_and_charts(client, campaign, who):
    client.force_login(campaign.organizer if who == "organizer" else UserFactory(is_staff=True))
    response = client.get(_url(campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>17</strong> page views" in html and "<strong>5</strong> signatures" in html
    assert html.count('<svg class="chart"') >= 4
    assert "Ana Shown" in html
    assert "Hidden Harry" not in html and "Anonymous supporter" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_csv_downloads_keep_anonymous_sharers_anonymous(client, campaign):
    client.force_login(campaign.organizer)
    response = client.get(_url(campaign, csv="advocates"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "Ana Shown" in body and "Hidden Harry" not in body and "Anonymous supporter" in body
    activity = b"".join(client.get(_url(campaign, csv="activity")).streaming_content).decode()
    assert activity.splitlines()[0].startswith("day,page_views,share_clicks,signatures")
    last = activity.splitlines()[-1].split(",")
    assert last[0] == timezone.localdate().isoformat() and last[1:4] == ["17", "0", "5"]
    assert client.get(_url(campaign, csv="nope")).status_code == 404


def test_bad_dates_show_a_message_over_the_default_period(client, campaign):
    client.force_login(campaign.organizer)
    today = timezone.localdate()
    response = client.get(_url(campaign, start=today.isoformat(), end=(today - timedelta(days=3)).isoformat()))
    assert response.status_code == 200 and "start date must be on or before" in response.content.decode()
    assert client.get(_url(campaign, start="2020-01-01", end=today.isoformat())).status_code == 200
    assert client.get(_url(campaign, start="garbage")).status_code == 200


def test_dashboard_query_count_is_flat_as_data_grows(client, campaign, django_assert_max_num_queries):
    client.force_login(campaign.organizer)
    with django_assert_max_num_queries(40) as few:
        client.get(_url(campaign))
    for n in range(10):
        link = share_link_get_or_create(campaign=campaign, user=UserFactory())
        SignatureFactory.create_batch(3, campaign=campaign, share_link=link)
        CampaignDailyViews.objects.create(campaign=campaign, day=timezone.localdate() - timedelta(days=n + 1), views=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(campaign))


def test_campaign_page_links_the_dashboard_for_its_organizer_only(client, campaign):
    link = reverse("insights:campaign", args=[campaign.slug])
    assert link not in client.get(campaign.get_absolute_url()).content.decode()
    client.force_login(campaign.organizer)
    assert link in client.get(campaign.get_absolute_url()).content.decode()

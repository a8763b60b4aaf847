"""The dashboard's donation and pledge figures are cached under the campaign's page-cache scope
(`campaign:<id>`): a repeat view reads no donation or pledge row; a new gift shows on the next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fundraising.models import Donation
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db

MONEY_TABLES = ("fundraising_donation", "fundraising_pledge")


def _money_queries(client, url) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in MONEY_TABLES)]
    return sql, response.content.decode()


def test_a_repeat_view_reads_no_donation_and_a_new_gift_shows_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        DonationFactory(
            campaign=campaign, amount_minor=1000, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now()
        )
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])

    first, html = _money_queries(client, url)
    assert len(first) >= 6 and "<strong>1</strong> donations" in html
    repeat, html = _money_queries(client, url)
    assert repeat == [] and "<strong>1</strong> donations" in html  # from the cache

    with django_capture_on_commit_callbacks(execute=True):  # the gift's commit renews the scope's token
        DonationFactory(
            campaign=campaign, amount_minor=500, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now()
        )
    after, html = _money_queries(client, url)
    assert after and "<strong>2</strong> donations" in html
    # The sum of all gifts before the period cannot move: summed on the first view only.
    assert any(_sums_before(sql) for sql in first) and not any(_sums_before(sql) for sql in after)


def _sums_before(sql: str) -> bool:
    return "SUM(" in sql and '"succeeded_at" <' in sql and '"succeeded_at" >=' not in sql


def test_another_period_or_campaign_is_not_served_from_this_cache(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    DonationFactory(campaign=campaign, amount_minor=1000, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now())
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])
    _money_queries(client, url)
    today = timezone.localdate().isoformat()
    other_period, _html = _money_queries(client, f"{url}?start={today}&end={today}")
    assert other_period  # computed for that period

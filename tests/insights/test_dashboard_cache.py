"""The dashboard's caches: the donation and pledge figures under the campaign's page-cache scope
(`campaign:<id>`), the rendered body and the viewer's copy of the whole page under it and its
events' scopes for at most the stated minute (insights/dashboard_page.py)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from causeweb.core import viewer_page_cache
from fundraising.models import Donation
from insights.services import page_view_record
from tests.campaigns.factories import SignatureFactory
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db

MONEY_TABLES = ("fundraising_donation", "fundraising_pledge")


@pytest.fixture(autouse=True)
def early_in_a_minute():
    """The kept copies end with the clock's minute: start each test early in one, so two views
    of a test are not parted by a minute's end."""
    start = timezone.now().replace(second=5, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=True) as clock:
        yield clock


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


# The whole page: the viewer's own copy (causeweb.core.viewer_page_cache), renewed exactly by a
# signature, gift or RSVP, at most a minute late for page views, never another person's.


def _page(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _read_figures(sql: list[str]) -> bool:
    """Whether the view read the campaign or any figure (a served copy reads only the session and
    the user)."""
    return any(table in q for q in sql for table in ("campaigns_campaign", "campaigns_signature", "events_rsvp"))


def test_a_repeat_view_is_a_copy_renewed_by_a_signature_a_gift_or_an_rsvp(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory(campaign=campaign)
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])

    html, sql = _page(client, url)
    assert _read_figures(sql) and "<strong>0</strong> signatures" in html and "Figures as of" in html
    html, sql = _page(client, url)
    assert not _read_figures(sql) and "<strong>0</strong> signatures" in html  # the copy

    with django_capture_on_commit_callbacks(execute=True):
        SignatureFactory(campaign=campaign)
    html, sql = _page(client, url)
    assert _read_figures(sql) and "<strong>1</strong> signatures" in html

    with django_capture_on_commit_callbacks(execute=True):
        DonationFactory(
            campaign=campaign, amount_minor=700, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now()
        )
    assert "<strong>1</strong> donations" in _page(client, url)[0]

    _page(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # renews the event's scope, not the campaign's
        RSVPFactory(event=event)
    html, sql = _page(client, url)
    assert _read_figures(sql) and "<strong>1</strong> RSVPs" in html

    with django_capture_on_commit_callbacks(execute=True):  # a new event is watched from then on
        later = EventFactory(campaign=campaign)
    _page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        RSVPFactory(event=later)
    assert "<strong>2</strong> RSVPs" in _page(client, url)[0]


def test_page_views_show_within_the_minute_the_page_states(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])
    start = timezone.now().replace(second=5, microsecond=0) + timedelta(minutes=2)
    with time_machine.travel(start, tick=False) as clock:
        assert "<strong>0</strong> page views" in _page(client, url)[0]
        page_view_record(campaign_id=campaign.pk, user_agent="Mozilla/5.0")  # an UPDATE: no token renewed
        clock.shift(timedelta(seconds=50))
        html, sql = _page(client, url)
        assert not _read_figures(sql) and "<strong>0</strong> page views" in html
        assert f"Figures as of {formats.time_format(timezone.localtime(start), 'TIME_FORMAT')} " in html
        clock.shift(timedelta(seconds=10))  # the next minute
        assert "<strong>1</strong> page views" in _page(client, url)[0]


def test_another_person_never_gets_the_organizers_copy(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory(organizer__display_name="Olga Organizer")
    url = reverse("insights:campaign", args=[campaign.slug])
    client.force_login(campaign.organizer)
    _page(client, url)
    assert "Olga Organizer" in _page(client, url)[0]  # her copy, her name in the header

    staff = UserFactory(is_staff=True, display_name="Sam Staff")
    client.force_login(staff)
    html, sql = _page(client, url)
    assert _read_figures(sql) and "Sam Staff" in html and "Olga Organizer" not in html
    assert "Sam Staff" in _page(client, url)[0]  # now a copy of his own

    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    staff.is_staff = False
    staff.save()
    client.force_login(staff)
    assert client.get(url).status_code == 403  # his copy is not served once he may not see it


def test_a_copy_carries_the_requests_own_csrf_token(settings):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    url = reverse("insights:campaign", args=[campaign.slug])
    tokens = []
    for _ in range(2):  # two browsers of the organizer's: the second gets the copy
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(campaign.organizer)
        html, sql = _page(browser, url)
        assert viewer_page_cache.CSRF_MARKER.decode() not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
        response = browser.post(
            reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": tokens[-1]}
        )
        assert response.status_code == 302  # the page's token is valid for this browser
    assert not _read_figures(sql) and tokens[0] != tokens[1]


def test_no_copy_is_served_while_a_message_waits(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    campaign = FundraisingCampaignFactory()
    url = reverse("insights:campaign", args=[campaign.slug])
    client.force_login(campaign.organizer)
    _page(client, url)
    _page(client, url)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Your campaign is saved.")])
    html, sql = _page(client, url)
    assert "Your campaign is saved." in html and _read_figures(sql)
    html, sql = _page(client, url)
    assert "Your campaign is saved." not in html

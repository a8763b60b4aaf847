"""The API and the HTML pages answer the same question the same way: the same rows, in the same
order, for the public lists (campaigns, events, groups) and for a donor's monthly gifts ("My
giving" and /api/v1/monthly-gifts/). Both go through the same selectors; this holds them to it
when one side gets a filter or an ordering of its own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign
from communities.models import Group
from events.models import Event
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.fundraising.test_monthly_views import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def on_page(html: str, urls: dict[str, str]) -> list[str]:
    """The keys of `urls` whose link is on the page, in the order the page first links them."""
    found = [(html.find(f'href="{url}"'), key) for key, url in urls.items()]
    return [key for index, key in sorted(found) if index >= 0]


def api_list(path: str, *, key: str, user=None) -> list[str]:
    api = APIClient()
    if user:
        api.force_authenticate(user)
    response = api.get(path)
    assert response.status_code == 200, response.content[:300]
    return [row[key] for row in response.json()["results"]]


@pytest.fixture
def campaigns():
    now = timezone.now()
    made = []
    for n, status in enumerate(
        [
            Campaign.Status.PUBLISHED,
            Campaign.Status.DRAFT,
            Campaign.Status.PUBLISHED,
            Campaign.Status.PENDING_REVIEW,
            Campaign.Status.CLOSED,
            Campaign.Status.REJECTED,
            Campaign.Status.PUBLISHED,
        ]
    ):
        made.append(CampaignFactory(status=status, title=f"Campaign {n}", deadline=now + timedelta(days=10 + n)))
    return made


@pytest.mark.parametrize("query", ["", "?sort=newest", "?sort=closing", "?status=closed", "?q=Campaign"])
def test_campaigns_page_and_api_list_the_same_campaigns_in_the_same_order(client, campaigns, query):
    urls = {c.slug: c.get_absolute_url() for c in Campaign.objects.all()}
    page = client.get(f"/campaigns/{query}")
    assert page.status_code == 200
    shown = on_page(page.content.decode(), urls)
    listed = api_list(f"/api/v1/campaigns/{query}", key="slug")
    assert shown == listed and listed  # each question has an answer here: an empty one proves nothing
    if not query:
        assert shown and all(Campaign.objects.get(slug=s).status in ("published", "closed") for s in shown)


def test_events_page_and_api_list_the_same_events_in_the_same_order(client):
    soon = timezone.now() + timedelta(days=3)
    for n in range(5):
        EventFactory(title=f"Rally {n}", starts_at=soon + timedelta(hours=7 - n))
    EventFactory(title="Called off", status=Event.Status.CANCELLED)
    past = EventFactory(title="Last year")
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=300), ends_at=timezone.now() - timedelta(days=300)
    )
    hidden = EventFactory(title="Hidden rally")
    Event.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    urls = {e.slug: e.get_absolute_url() for e in Event.objects.all()}
    shown = on_page(client.get("/events/").content.decode(), urls)
    listed = api_list("/api/v1/events/", key="slug")
    assert shown == listed and len(shown) >= 5
    assert hidden.slug not in listed and past.slug not in listed


def test_groups_page_and_api_list_the_same_groups_in_the_same_order(client):
    for n in range(4):
        GroupFactory(name=f"Cyclists {n}")
    GroupFactory(name="Invite only", visibility=Group.Visibility.PRIVATE)
    GroupFactory(name="Ask first", visibility=Group.Visibility.REQUEST)
    hidden = GroupFactory(name="Hidden")
    Group.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    urls = {g.slug: g.get_absolute_url() for g in Group.objects.all()}
    shown = on_page(client.get("/groups/").content.decode(), urls)
    listed = api_list("/api/v1/groups/", key="slug")
    assert shown == listed and len(shown) >= 4
    assert hidden.slug not in listed and not any("invite" in s for s in listed)


def test_my_giving_and_the_api_list_the_same_monthly_gifts():
    donor = UserFactory()
    plans = [make_plan(donor=donor) for _ in range(3)]
    make_plan(donor=UserFactory())
    web = Client()
    web.force_login(donor)
    html = web.get("/donate/me/giving/").content.decode()
    urls = {str(p.public_id): str(p.public_id) for p in plans}
    shown = [key for index, key in sorted((html.find(key), key) for key in urls) if index >= 0]
    assert shown == api_list("/api/v1/monthly-gifts/", key="id", user=donor)
    assert len(shown) == 3

"""GET /api/v1/campaigns/ at scale: anonymous reads come from the page cache (exact invalidation,
throttling still counts) and the count is capped (`count_is_capped`), never a COUNT(*) of all."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from campaigns.services.signatures import signature_create
from causeweb.core import page_cache, ratelimits
from causeweb.core.api_pagination import CappedPageNumberPagination
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def test_an_anonymous_read_is_served_from_the_cache_with_the_same_body(api, django_assert_num_queries):
    CampaignFactory.create_batch(3)
    first = api.get(URL, {"sort": "newest"})
    assert first.status_code == 200 and first[page_cache.HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = api.get(URL, {"sort": "newest"})
    assert second.status_code == 200 and second[page_cache.HIT_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"].startswith("application/json")
    # Another query string, another copy.
    assert api.get(URL, {"sort": "supported"})[page_cache.HIT_HEADER] == "miss"


def test_a_write_invalidates_the_copy(api, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    api.get(URL)
    assert api.get(URL)[page_cache.HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=campaign, user=UserFactory(), name="", email="", comment="")
    fresh = api.get(URL)
    assert fresh[page_cache.HIT_HEADER] == "miss"
    assert fresh.json()["results"][0]["signature_count"] == 1
    assert api.get(URL)[page_cache.HIT_HEADER] == "hit"


def test_languages_and_signed_in_readers_get_their_own_answer(api):
    CampaignFactory()
    api.get(URL)
    assert api.get(URL, HTTP_ACCEPT_LANGUAGE="es")[page_cache.HIT_HEADER] == "miss"
    api.force_authenticate(UserFactory())
    response = api.get(URL)
    assert response.status_code == 200 and page_cache.HIT_HEADER not in response
    api.force_authenticate(None)
    assert api.get(URL, {"format": "api"}).status_code == 200
    assert page_cache.HIT_HEADER not in api.get(URL, {"format": "api"})


def test_throttling_still_counts_cache_hits(api, monkeypatch):
    monkeypatch.setattr(ratelimits.AnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    CampaignFactory()
    answers = [api.get(URL) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2][page_cache.HIT_HEADER] == "hit"


def test_the_count_is_capped(api, monkeypatch):
    monkeypatch.setattr(CappedPageNumberPagination, "cap", 3)
    CampaignFactory.create_batch(5)
    body = api.get(URL).json()
    assert body["count"] == 3 and body["count_is_capped"] is True
    assert len(body["results"]) == 3 and body["next"] is None
    assert api.get(URL, {"page": 2}).status_code == 404
    monkeypatch.setattr(CappedPageNumberPagination, "cap", 10)
    cache.clear()
    body = api.get(URL).json()
    assert body["count"] == 5 and body["count_is_capped"] is False


def test_the_schema_documents_count_is_capped(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedCampaignListList"]
    assert page["properties"]["count_is_capped"]["type"] == "boolean"
    assert "count_is_capped" in page["required"]
    assert page["properties"]["count"]["maximum"] == 1000

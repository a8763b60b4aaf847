"""Redis down (the cache pointed at a closed port): requests are answered normally and quickly,
never a 500; money rate limits count in process memory, the others fail open (docs/reliability.md)."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from causeweb.core import ratelimits
from fundraising import gateway
from tests.fundraising.factories import FundraisingCampaignFactory

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "causeweb.core.cache.FailSoftRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.REDIS_URL = CLOSED_PORT
    # Counts another test left in this process's fallback (tests/foundation/test_limits.py runs one
    # limited request with the cache down) would make the limits here bite early.
    ratelimits._local_counts.clear()
    yield
    ratelimits._local_counts.clear()


def test_the_cache_answers_misses_without_redis(redis_down, caplog):
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    cache.set("k", "v")
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is True and cache.incr("k") == 1
    assert time.monotonic() - started < 1
    assert "cache unavailable" in caplog.text


def test_a_non_money_limit_fails_open_with_a_log_line(redis_down, caplog):
    caplog.set_level(logging.WARNING)
    assert [ratelimits.hit("comment_user", key="user:1") for _ in range(30)] == [None] * 30  # limit 10/5m
    assert "allowing the action (fail open)" in caplog.text


@pytest.mark.django_db
def test_donation_starts_are_limited_in_process_memory_while_redis_is_down(redis_down, client, monkeypatch):
    monkeypatch.setattr(gateway, "customer_create", lambda **kw: "cus_x")
    monkeypatch.setattr(
        gateway, "setup_intent_create", lambda **kw: {"id": "seti_x", "client_secret": "s", "status": "x"}
    )
    campaign = FundraisingCampaignFactory()
    url = reverse("fundraising:start", kwargs={"slug": campaign.slug})
    form = {"amount": "25.00", "donor_name": "Ada", "visibility": "name"}
    statuses = []
    started = time.monotonic()
    for n in range(21):  # donation_start_ip is 20/10m; each from its own email so only the IP limit bites
        statuses.append(client.post(url, {**form, "email": f"a{n}@example.org"}).status_code)
    assert time.monotonic() - started < 10
    assert statuses[:20] == [200] * 20  # never a 500
    assert statuses[-1] == 429  # the money limit still holds, counted locally
    assert 500 not in statuses


@pytest.mark.django_db
def test_api_lists_and_pages_answer_while_redis_is_down(redis_down, client):
    FundraisingCampaignFactory()
    started = time.monotonic()
    assert client.get("/api/v1/campaigns/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # readiness reports Redis down
    assert time.monotonic() - started < 5

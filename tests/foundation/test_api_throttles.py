"""API throttles: per person (`user`) and, whoever is signed in, per client address (`ip`, from
causeweb.core.clientip, never a client-supplied X-Forwarded-For)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from causeweb.core.ratelimits import AnonThrottle, ClientIPThrottle, UserThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(monkeypatch):
    cache.clear()
    monkeypatch.setattr(ClientIPThrottle, "THROTTLE_RATES", {**ClientIPThrottle.THROTTLE_RATES, "ip": "3/min"})
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {**UserThrottle.THROTTLE_RATES, "user": "1000/min"})
    yield
    cache.clear()


def test_many_accounts_behind_one_address_share_its_limit(tight):
    answers = []
    for _ in range(4):
        api = APIClient(REMOTE_ADDR="203.0.113.7")
        api.force_authenticate(UserFactory())
        answers.append(api.get("/api/v1/me/signatures/"))
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == "throttled" and answers[-1].has_header("Retry-After")
    # Another address is not held back, and a forged X-Forwarded-For does not make one.
    other = APIClient(REMOTE_ADDR="198.51.100.9")
    other.force_authenticate(UserFactory())
    assert other.get("/api/v1/me/signatures/").status_code == 200
    forged = APIClient(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    forged.force_authenticate(UserFactory())
    assert forged.get("/api/v1/me/signatures/").status_code == 429


def test_one_person_is_limited_across_addresses(monkeypatch):
    cache.clear()
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {**UserThrottle.THROTTLE_RATES, "user": "2/min"})
    person = UserFactory()
    codes = []
    for n in range(3):
        api = APIClient(REMOTE_ADDR=f"198.51.100.{n + 1}")
        api.force_authenticate(person)
        codes.append(api.get("/api/v1/me/signatures/").status_code)
    cache.clear()
    assert codes == [200, 200, 429]


def test_an_anonymous_caller_is_held_by_the_anon_rate_not_the_per_person_one(monkeypatch):
    """The `user` rate is per account: counting anonymous callers there too repeated the anon
    counter (two more cache round trips per anonymous request)."""
    cache.clear()
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {**UserThrottle.THROTTLE_RATES, "user": "1/min"})
    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {**AnonThrottle.THROTTLE_RATES, "anon": "3/min"})
    api = APIClient(REMOTE_ADDR="203.0.113.40")
    codes = [api.get("/api/v1/campaigns/").status_code for _ in range(4)]
    cache.clear()
    assert codes == [200, 200, 200, 429]

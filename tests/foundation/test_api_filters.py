"""Datetime filters accept any ISO 8601 offset the parser reads and compare in UTC: PostgreSQL
refuses offsets past ±15:59 (a DataError, so a 500), found by the token fuzz run."""

import pytest

from causeweb.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _get(client, query):
    _, secret = api_token_create(user=UserFactory(), name="filters", scope="read")
    return client.get(f"/api/v1/donations/?{query}", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_an_offset_postgres_cannot_store_is_compared_in_utc(client):
    response = _get(client, "created_after=0270-11-01T20%3A34%3A01-22%3A07&created_before=8674-10-11T16%3A40%3A30Z")
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_datetime_outside_what_utc_can_hold_is_a_400(client):
    response = _get(client, "created_after=0001-01-01T00%3A10%3A00%2B01%3A00")
    assert response.status_code == 400 and "created_after" in response.json()["errors"]

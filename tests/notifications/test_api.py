import pytest
from rest_framework.test import APIClient

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification, NotificationPreference
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_gets_401():
    client = APIClient()
    assert client.get("/api/v1/notifications/").status_code == 401
    assert client.post("/api/v1/notifications/read-all/").status_code == 401


def test_list_is_mine_only_paginated_and_bounded(api, user, other_user, django_assert_max_num_queries):
    NotificationFactory.create_batch(25, recipient=user)
    NotificationFactory(recipient=other_user, title="Not yours")
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/notifications/")
    body = response.json()
    assert len(body["results"]) == 20 and body["next"]  # cursor pages, newest first
    assert len(api.get(body["next"]).json()["results"]) == 5
    assert "Not yours" not in str(body)
    assert set(body["results"][0]) == {"id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"}


def test_mark_read_and_unread_count(api, user, other_user):
    mine = NotificationFactory.create_batch(2, recipient=user)
    theirs = NotificationFactory(recipient=other_user)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert api.post(f"/api/v1/notifications/{mine[0].pk}/read/").json() == {"unread": 1}
    api.post(f"/api/v1/notifications/{theirs.pk}/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert len(api.get("/api/v1/notifications/", {"unread": "1"}).json()["results"]) == 1
    assert len(api.get("/api/v1/notifications/", {"unread": "false"}).json()["results"]) == 2
    assert api.post("/api/v1/notifications/read-all/").json()["marked"] == 1
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_preferences_read_and_write(api, user):
    listed = api.get("/api/v1/notifications/preferences/").json()
    assert {"kind": Kind.MENTION, "email": True, "digest": False} in listed
    assert all(row["kind"] != Kind.DONATION_RECEIPT for row in listed)

    response = api.put(
        "/api/v1/notifications/preferences/", [{"kind": Kind.MENTION, "email": False, "digest": False}], format="json"
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, kind=Kind.MENTION).email_enabled is False

    refused = api.put(
        "/api/v1/notifications/preferences/",
        [{"kind": Kind.DONATION_RECEIPT, "email": False, "digest": False}],
        format="json",
    )
    assert refused.status_code == 400
    assert "cannot be switched off" in str(refused.json())
    assert not NotificationPreference.objects.filter(kind=Kind.DONATION_RECEIPT).exists()


def test_filter_by_kind_and_refuse_unknown_kinds(api, user, other_user):
    NotificationFactory(recipient=user, kind=Kind.CAMPAIGN_UPDATE)
    receipt = NotificationFactory(recipient=user, kind=Kind.DONATION_RECEIPT)
    NotificationFactory(recipient=other_user, kind=Kind.DONATION_RECEIPT)
    rows = api.get("/api/v1/notifications/", {"kind": Kind.DONATION_RECEIPT}).json()["results"]
    assert [r["id"] for r in rows] == [receipt.pk]
    bad = api.get("/api/v1/notifications/", {"kind": "nonsense"})
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]

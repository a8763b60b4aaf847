"""The API's contract (issue #15): one error body on every path and status, the schema valid and
true to what the endpoints answer."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from communities.services import discussions as discussion_services
from tests.campaigns.factories import CommentFactory
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "errors", "code"}


@pytest.fixture
def api():
    return APIClient()


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code and isinstance(body["detail"], str)
    return body


def test_spectacular_validate_fail_on_warn_is_clean(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`: no enum-name collisions, no guessed types."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "CampaignStatusEnum" in text and "EventStatusEnum" in text and "'429':" in text


def test_one_error_body_for_400_401_404_405(api):
    campaign = CampaignFactory()
    # 401 with a Bearer challenge (personal tokens authenticate first), not the session's 403.
    body = _error(api.post("/api/v1/donations/", {}, format="json"), 401, "not_authenticated")
    assert body["errors"] == {}
    api.force_authenticate(UserFactory())
    body = _error(api.post("/api/v1/donations/", {"amount_minor": 500}, format="json"), 400, "invalid")
    assert "campaign" in body["errors"]
    unknown = _error(
        api.post("/api/v1/donations/", {"campaign": "nope", "amount_minor": 500}, format="json"), 400, "invalid"
    )
    assert unknown["errors"] == {"campaign": ["No such campaign."]}
    _error(api.get("/api/v1/campaigns/no-such-slug/"), 404, "not_found")
    _error(api.get("/api/v1/no-such-resource/"), 404, "not_found")  # the resolver's 404
    _error(api.get("/api/v1/threads/1.5/"), 404, "not_found")
    _error(api.delete(f"/api/v1/campaigns/{campaign.slug}/"), 405, "method_not_allowed")


def test_anonymous_delete_on_a_list_is_405_not_403(api):
    _error(api.delete("/api/v1/campaigns/"), 405, "method_not_allowed")
    _error(api.put("/api/v1/events/"), 405, "method_not_allowed")


def test_an_unhandled_error_is_a_json_500(api, monkeypatch):
    from campaigns import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "campaign_search", broken)
    api.raise_request_exception = False
    body = _error(api.get("/api/v1/campaigns/"), 500, "server_error")
    assert "boom" not in body["detail"]


def test_campaign_comments_are_paginated(api):
    campaign = CampaignFactory()
    CommentFactory.create_batch(22, campaign=campaign)
    body = api.get(f"/api/v1/campaigns/{campaign.slug}/comments/").json()
    assert len(body["results"]) == 20 and body["next"]  # cursor pages (comments grow without bound)
    rest = api.get(body["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    assert not {c["id"] for c in body["results"]} & {c["id"] for c in rest["results"]}


def test_events_filter_on_an_unknown_campaign_is_an_empty_list_not_a_400(api):
    campaign = CampaignFactory()
    event = EventFactory(campaign=campaign)
    EventFactory()
    for value in ("0", "999999"):
        response = api.get("/api/v1/events/", {"campaign": value})
        assert response.status_code == 200 and response.json()["count"] == 0
    listed = api.get("/api/v1/events/", {"campaign": campaign.pk}).json()["results"]
    assert [row["slug"] for row in listed] == [event.slug] and listed[0]["campaign"] == campaign.slug
    assert api.get("/api/v1/events/", {"lat": "91", "lng": "0"}).status_code == 400  # still validated


def test_delete_reaction_takes_kind_from_the_query_string(api):
    owner = UserFactory()
    group = GroupFactory(owner=owner)
    thread = discussion_services.thread_create(author=owner, group=group, title="Hello", body="First")
    post = thread.posts.get(is_opening=True)
    api.force_authenticate(owner)
    api.post(f"/api/v1/posts/{post.pk}/reactions/", {"kind": "like"}, format="json")
    removed = api.delete(f"/api/v1/posts/{post.pk}/reactions/?kind=like")
    assert removed.status_code == 200 and removed.json()["reactions"]["like"]["count"] == 0


def test_notification_read_answers_match_their_schema(api):
    user = UserFactory()
    note = NotificationFactory(recipient=user)
    api.force_authenticate(user)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert api.post(f"/api/v1/notifications/{note.pk}/read/").json() == {"unread": 0}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0, "unread": 0}
    schema = APIClient().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    ok = paths["/api/v1/notifications/unread-count/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/UnreadCount")
    prefs = paths["/api/v1/notifications/preferences/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert prefs["schema"]["type"] == "array"
    sign = paths["/api/v1/campaigns/{slug}/sign/"]["post"]["responses"]
    assert {"400", "404", "429"} <= set(sign)

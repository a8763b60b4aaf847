"""/api/v1/flags/: anyone signed in reports what they can see, through the site's flag service;
content they cannot see (a private group's thread) is the same 404 as an id that does not exist."""

import pytest
from rest_framework.test import APIClient

from causeweb.moderation.models import Flag
from communities.models import Group
from communities.services.discussions import thread_create
from tests.campaigns.factories import CommentFactory
from tests.communities.factories import GroupFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


def test_flag_a_comment_once(user):
    comment = CommentFactory()
    body = {"content_type": "campaigns.comment", "object_id": comment.pk, "reason": "spam", "note": "Ads"}
    first = api_for(user).post("/api/v1/flags/", body, format="json")
    assert first.status_code == 201 and Flag.objects.filter(reporter=user, object_id=comment.pk).count() == 1
    again = api_for(user).post("/api/v1/flags/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_flagged"
    assert api_for().post("/api/v1/flags/", body, format="json").status_code == 401


def test_what_you_cannot_see_or_flag_is_a_404(user):
    owner = UserFactory()
    private = GroupFactory(owner=owner, visibility=Group.Visibility.PRIVATE)
    thread = thread_create(author=owner, group=private, title="Plans", body="Secret")
    for content_type, object_id in [
        ("communities.thread", thread.pk),  # exists, but not for this person
        ("communities.thread", 999_999),  # does not exist
        ("accounts.user", owner.pk),  # not flaggable
        ("nope.nothing", 1),
    ]:
        response = api_for(user).post(
            "/api/v1/flags/", {"content_type": content_type, "object_id": object_id, "reason": "abuse"}, format="json"
        )
        assert response.status_code == 404, content_type
    assert not Flag.objects.exists()


def test_a_bad_reason_is_a_field_error(user):
    comment = CommentFactory()
    response = api_for(user).post(
        "/api/v1/flags/", {"content_type": "campaigns.comment", "object_id": comment.pk, "reason": "meh"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]

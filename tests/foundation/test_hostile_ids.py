"""Hostile ids and numbers never reach the database unchecked: a non-numeric or out-of-range id in a
path, a query parameter or a form/API field is a 404 or a 400 with a message, never a 500.

Postgres rejects integers above 2**31-1 (integer) / 2**63-1 (bigint) with a DataError and SQLite
above 2**63-1 with an OverflowError; the sweep runs on both (CI runs it on Postgres)."""

import pytest
from django.test import Client

from campaigns.models import Comment
from communities.models import Invitation, Membership
from communities.services import discussions as discussion_services
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

HUGE = "99999999999999999999999999"
BIG = str(2**31)  # one past a Postgres integer column
HOSTILE = ["abc", "1.5", "-1", HUGE, BIG, "1e9", "%00"]
NOT_AN_ID = ["abc", "1.5", "-1", "0", HUGE, str(2**63), "1e9", "%00", "%E2%80%AE1"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    owner = UserFactory(is_staff=True, is_superuser=True)
    campaign = CampaignFactory(organizer=owner, slug="water")
    group = GroupFactory(owner=owner, name="Air")
    event = EventFactory(host=owner, slug="rally")
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return {"owner": owner, "campaign": campaign, "group": group, "event": event, "client": client}


def _no_500(response):
    assert response.status_code < 500, (response.status_code, response.content[:300])


# --- HTML paths with an id segment ------------------------------------------------------------------
ID_PATHS = [
    ("post", "/notifications/{id}/read/"),
    ("get", "/notifications/{id}/open/"),
    ("post", "/moderation/flag/campaigns/campaign/{id}/"),
    ("post", "/campaigns/water/comments/{id}/edit/"),
    ("post", "/campaigns/water/comments/{id}/delete/"),
    ("post", "/campaigns/water/comments/{id}/hide/"),
    ("post", "/campaigns/water/comments/{id}/flag/"),
    ("post", "/groups/air/members/{id}/role/"),
    ("post", "/groups/air/members/{id}/remove/"),
    ("post", "/groups/air/members/{id}/ban/"),
    ("post", "/groups/air/bans/{id}/lift/"),
    ("post", "/groups/air/invitations/{id}/revoke/"),
    ("post", "/groups/air/campaigns/{id}/remove/"),
    ("get", "/groups/air/threads/{id}/"),
    ("post", "/groups/air/threads/{id}/reply/"),
    ("post", "/groups/air/threads/{id}/pin/"),
    ("post", "/groups/air/posts/{id}/edit/"),
    ("post", "/groups/air/posts/{id}/delete/"),
    ("post", "/groups/air/posts/{id}/hide/"),
    ("post", "/groups/air/posts/{id}/react/"),
    # API detail routes keyed by a numeric id
    ("post", "/api/v1/notifications/{id}/read/"),
    ("get", "/api/v1/threads/{id}/"),
    ("post", "/api/v1/threads/{id}/posts/"),
    ("get", "/api/v1/posts/{id}/"),
    ("post", "/api/v1/posts/{id}/reactions/"),
    # uuid-keyed donation routes
    ("post", "/api/v1/donations/{id}/charge/"),
    ("post", "/api/v1/donations/{id}/refresh/"),
]


@pytest.mark.parametrize("value", NOT_AN_ID)
@pytest.mark.parametrize(("method", "template"), ID_PATHS)
def test_hostile_path_id_is_404_or_400(world, method, template, value):
    response = getattr(world["client"], method)(template.format(id=value))
    _no_500(response)
    assert response.status_code in (400, 404), response.status_code
    if template.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]


# --- Query parameters -------------------------------------------------------------------------------
QUERY_PATHS = [
    "/campaigns/?page={v}",
    "/campaigns/water/?comments={v}",
    "/campaigns/water/news/?page={v}",
    "/events/?page={v}",
    "/events/?campaign={v}",
    "/events/?lat={v}&lng={v}",
    "/events/?radius_km={v}&lat=1&lng=1",
    "/groups/?page={v}",
    "/groups/air/members/?page={v}",
    "/groups/air/threads/?page={v}",
    "/notifications/?page={v}",
    "/donate/water/donations/?page={v}",
    "/api/v1/events/?campaign={v}",
    "/api/v1/events/?lat={v}&lng={v}",
    "/api/v1/campaigns/?page={v}",
    "/api/v1/events/?page={v}",
    "/api/v1/groups/?page={v}",
    "/api/v1/notifications/?page={v}",
]


@pytest.mark.parametrize("value", [*HOSTILE, "nan", "inf", "-inf"])
@pytest.mark.parametrize("template", QUERY_PATHS)
def test_hostile_query_parameter_is_never_a_500(world, template, value):
    _no_500(world["client"].get(template.format(v=value)))


# --- Integer fields in forms and API bodies -----------------------------------------------------------
def _post_json(client, path, body):
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize("value", [HUGE, BIG, "-1", "abc"])
def test_invitation_max_uses_is_bounded(world, value):
    response = world["client"].post("/groups/air/invitations/", {"days": "7", "max_uses": value, "note": ""})
    _no_500(response)
    assert response.status_code == 200  # the form again, with the error
    assert "max_uses" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("value", [HUGE, BIG])
def test_invitation_days_is_bounded(world, value):
    response = world["client"].post("/groups/air/invitations/", {"days": value})
    _no_500(response)
    assert "days" in response.context["form"].errors


@pytest.mark.parametrize("value", [HUGE, str(2**63), BIG, "abc"])
def test_reply_parent_is_bounded(world, value):

    thread = discussion_services.thread_create(author=world["owner"], group=world["group"], title="Hi", body="First")
    response = world["client"].post(f"/groups/air/threads/{thread.pk}/reply/", {"body": "hello", "parent": value})
    _no_500(response)


@pytest.mark.parametrize("value", [int(HUGE), 2**63, -1])
def test_api_post_parent_is_bounded(world, value):

    thread = discussion_services.thread_create(author=world["owner"], group=world["group"], title="Hi", body="First")
    response = _post_json(world["client"], f"/api/v1/threads/{thread.pk}/posts/", {"body": "x", "parent": value})
    _no_500(response)
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]


@pytest.mark.parametrize("value", [int(HUGE), 2**63, -1])
def test_api_comment_parent_is_bounded(world, value):
    response = _post_json(world["client"], "/api/v1/campaigns/water/comments/", {"body": "x", "parent": value})
    _no_500(response)
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value", [HUGE, str(2**63), "abc"])
def test_comment_form_parent_is_never_a_500(world, value):
    _no_500(world["client"].post("/campaigns/water/comments/", {"body": "hello", "parent": value}))


@pytest.mark.parametrize("value", [HUGE, str(2**63), "abc"])
def test_check_in_rsvp_id_is_never_a_500(world, value):
    _no_500(world["client"].post("/events/rally/check-in/", {"rsvp_id": value}))


@pytest.mark.parametrize(
    ("field", "value"),
    [("capacity", HUGE), ("capacity", BIG), ("turnout_minimum", HUGE), ("turnout_minimum", BIG)],
)
def test_event_form_integers_are_bounded(world, field, value):
    from events.forms import EventForm

    form_class = EventForm
    field_obj = form_class.base_fields[field]
    assert field_obj.max_value is not None and field_obj.max_value <= 2**31 - 1
    with pytest.raises(Exception):  # noqa: B017,PT011 - any django ValidationError
        field_obj.clean(value)


def test_membership_role_with_huge_id_keeps_members(world):
    member = add_member(world["group"])
    world["client"].post(f"/groups/air/members/{HUGE}/remove/")
    assert Membership.objects.filter(group=world["group"], user=member).exists()

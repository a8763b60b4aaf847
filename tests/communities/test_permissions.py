"""The permission matrix: every action, for every kind of person, in every kind of group.

Each cell runs the real service (or view, for reading) on a fresh group and asserts the outcome:
"ok" (it happened), "forbidden" (PermissionDenied), "invalid" (ValidationError) or "conflict".
"""

import pytest
from django.urls import reverse

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from communities.models import Invitation, JoinRequest, Membership, Post, Thread
from communities.services import announcements as announcement_services
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services import groups as group_services
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "non_member", "member", "moderator", "owner", "banned", "staff", "site_moderator"]
VISIBILITIES = ["public", "request", "private"]
# Plain site staff are outsiders in groups; only staff with communities.moderate_any_group moderate.
MODERATORS = {"moderator", "owner", "site_moderator"}
MEMBERS = {"member", "moderator", "owner"}


def _target_member(group):
    return Membership.objects.get(group=group, user=add_member(group))


def _thread(group, owner):
    return discussion_services.thread_create(author=owner, group=group, title="A thread", body="Opening")


def _pending_request(group):
    return JoinRequest.objects.create(group=group, user=UserFactory())


# Each action: (run(group, actor, owner) -> None, expected(role, visibility) -> outcome)
ACTIONS = {
    "join": (
        lambda g, a, o: membership_services.group_join(user=a, group=g),
        lambda role, vis: (
            "ok"
            if role in MEMBERS or (vis == "public" and role in {"non_member", "staff", "site_moderator"})
            else "forbidden"
        ),
    ),
    "request_to_join": (
        lambda g, a, o: membership_services.join_request_create(user=a, group=g),
        lambda role, vis: (
            "forbidden"
            if role in {"visitor", "banned"}
            else "conflict"
            if role in MEMBERS
            else {"public": "invalid", "request": "ok", "private": "forbidden"}[vis]
        ),
    ),
    "leave": (
        lambda g, a, o: membership_services.group_leave(user=a, group=g),
        lambda role, vis: "forbidden" if role == "visitor" else "conflict" if role == "owner" else "ok",
    ),
    "accept_invitation": (
        lambda g, a, o: membership_services.invitation_accept(
            user=a, token=Invitation.objects.create(group=g, expires_at="2999-01-01T00:00Z").token
        ),
        lambda role, vis: "forbidden" if role in {"visitor", "banned"} else "ok",
    ),
    "decide_request": (
        lambda g, a, o: membership_services.join_request_approve(actor=a, join_request=_pending_request(g)),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "create_invitation": (
        lambda g, a, o: membership_services.invitation_create(actor=a, group=g),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "revoke_invitation": (
        lambda g, a, o: membership_services.invitation_revoke(
            actor=a, invitation=Invitation.objects.create(group=g, expires_at="2999-01-01T00:00Z")
        ),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "promote": (
        lambda g, a, o: membership_services.membership_change_role(
            actor=a, membership=_target_member(g), role="moderator"
        ),
        lambda role, vis: "ok" if role == "owner" else "forbidden",
    ),
    "demote": (
        lambda g, a, o: membership_services.membership_change_role(
            actor=a, membership=Membership.objects.get(group=g, user__display_name="Mia Moderator"), role="member"
        ),
        lambda role, vis: "ok" if role == "owner" else "forbidden",
    ),
    "remove_member": (
        lambda g, a, o: membership_services.membership_remove(actor=a, membership=_target_member(g)),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "ban": (
        lambda g, a, o: membership_services.member_ban(actor=a, group=g, user=_target_member(g).user),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "edit_settings": (
        lambda g, a, o: group_services.group_update(
            actor=a, group=g, name="New name", description="", visibility=vis_of(g)
        ),
        lambda role, vis: "ok" if role == "owner" else "forbidden",
    ),
    "start_thread": (
        lambda g, a, o: discussion_services.thread_create(author=a, group=g, title="Mine", body="Hello"),
        lambda role, vis: "ok" if role in MEMBERS else "forbidden",
    ),
    "reply": (
        lambda g, a, o: discussion_services.post_create(author=a, thread=_thread(g, o), body="Reply"),
        lambda role, vis: "ok" if role in MEMBERS else "forbidden",
    ),
    "react": (
        lambda g, a, o: discussion_services.reaction_add(
            user=a, post=Post.objects.get(thread=_thread(g, o), is_opening=True), kind="like"
        ),
        lambda role, vis: "ok" if role in MEMBERS else "forbidden",
    ),
    "edit_others_post": (
        lambda g, a, o: discussion_services.post_edit(
            actor=a, post=Post.objects.get(thread=_thread(g, add_member(g)), is_opening=True), body="Changed"
        ),
        lambda role, vis: "forbidden",  # not even owners, moderators or staff edit someone else's words
    ),
    "hide_post": (
        lambda g, a, o: discussion_services.post_set_hidden(
            actor=a, post=Post.objects.get(thread=_thread(g, o), is_opening=True), hidden=True
        ),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "pin_thread": (
        lambda g, a, o: discussion_services.thread_set_pinned(actor=a, thread=_thread(g, o), pinned=True),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "lock_thread": (
        lambda g, a, o: discussion_services.thread_set_locked(actor=a, thread=_thread(g, o), locked=True),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "hide_thread": (
        lambda g, a, o: discussion_services.thread_set_hidden(actor=a, thread=_thread(g, o), hidden=True),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "announce": (
        lambda g, a, o: announcement_services.announcement_create(actor=a, group=g, subject="News", body="Body"),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
    "support_campaign": (
        lambda g, a, o: group_campaign_services.group_campaign_add(
            actor=a, group=g, campaign_slug=CampaignFactory().slug
        ),
        lambda role, vis: "ok" if role in MODERATORS else "forbidden",
    ),
}


def vis_of(group):
    return group.visibility


def outcome(run):
    try:
        run()
    except PermissionDenied:
        return "forbidden"
    except ValidationError:
        return "invalid"
    except Conflict:
        return "conflict"
    return "ok"


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(action, role, visibility, owner, cast, django_capture_on_commit_callbacks):
    group = GroupFactory(owner=owner, visibility=visibility)
    actors = cast(group)
    run, expected = ACTIONS[action]
    with django_capture_on_commit_callbacks(execute=True):
        result = outcome(lambda: run(group, actors[role], owner))
    assert result == expected(role, visibility), f"{role} {action} in a {visibility} group"


def _expected_read(role, visibility):
    if visibility == "private" and role not in MEMBERS | {"site_moderator"}:
        return 404
    if visibility == "public" or role in MEMBERS | {"site_moderator"}:
        return 200
    return 403  # request groups: visible page, members-only discussions


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_reading_discussions_matrix(client, role, visibility, owner, cast):
    group = GroupFactory(owner=owner, visibility=visibility)
    actors = cast(group)
    thread = _thread(group, owner)
    if actors[role] is not None:
        client.force_login(actors[role])
    expected = _expected_read(role, visibility)
    assert client.get(thread.get_absolute_url()).status_code == expected
    assert client.get(reverse("communities:threads", kwargs={"slug": group.slug})).status_code == expected
    page = client.get(group.get_absolute_url())
    assert page.status_code == (404 if expected == 404 else 200)
    assert Thread.objects.filter(group=group).count() == 1

"""/api/v1/me/groups/: my groups (private ones only to me), starting and editing a group, the
member list, roles, removals and join requests, each as the group's policies allow, both ways."""

import pytest
from rest_framework.test import APIClient

from communities.models import Group, JoinRequest, Membership
from communities.services.membership import join_request_create
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


def test_start_and_edit_a_group(user):
    created = api_for(user).post(
        "/api/v1/me/groups/", {"name": "Cyclists of Porto", "visibility": "request"}, format="json"
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert created.json()["my_role"] == "owner"
    edited = api_for(user).patch(f"/api/v1/me/groups/{slug}/", {"location": "Porto"}, format="json")
    assert edited.status_code == 200 and edited.json()["location"] == "Porto"
    assert edited.json()["name"] == "Cyclists of Porto" and edited.json()["visibility"] == "request"


def test_only_owners_edit_members_cannot_and_private_groups_do_not_exist_for_outsiders(user, other_user):
    group = GroupFactory(owner=user)
    add_member(group, other_user)
    member = api_for(other_user)
    assert member.patch(f"/api/v1/me/groups/{group.slug}/", {"name": "Taken"}, format="json").status_code == 403
    private = GroupFactory(owner=user, visibility=Group.Visibility.PRIVATE)
    outsider = api_for(UserFactory())
    assert outsider.patch(f"/api/v1/me/groups/{private.slug}/", {"name": "x"}, format="json").status_code == 404
    assert outsider.get(f"/api/v1/me/groups/{private.slug}/members/").status_code == 404
    group.refresh_from_db()
    assert group.name != "Taken"


def test_my_groups_include_private_ones_for_me_only(user, other_user):
    private = GroupFactory(owner=user, visibility=Group.Visibility.PRIVATE, name="Secret garden")
    GroupFactory(owner=other_user, name="Someone else's")
    mine = api_for(user).get("/api/v1/me/groups/").json()
    assert [(g["slug"], g["my_role"]) for g in mine] == [(private.slug, "owner")]
    assert "Secret garden" not in api_for(other_user).get("/api/v1/me/groups/").content.decode()
    assert "Secret garden" not in api_for(other_user).get("/api/v1/groups/").content.decode()
    assert api_for().get("/api/v1/me/groups/").status_code == 401


def test_member_list_for_members_only_and_without_emails(user, other_user):
    group = GroupFactory(owner=user, visibility=Group.Visibility.REQUEST)
    add_member(group, other_user)
    rows = api_for(other_user).get(f"/api/v1/me/groups/{group.slug}/members/").json()
    assert [r["role"] for r in rows] == ["owner", "member"]
    assert user.email not in str(rows) and other_user.email not in str(rows)
    assert api_for(UserFactory()).get(f"/api/v1/me/groups/{group.slug}/members/").status_code == 403


def test_roles_by_owners_removals_by_moderators(user, other_user):
    group = GroupFactory(owner=user)
    moderator, member = UserFactory(), UserFactory()
    add_member(group, moderator, role=Membership.Role.MODERATOR)
    add_member(group, member)
    member_row = Membership.objects.get(group=group, user=member)
    base = f"/api/v1/me/groups/{group.slug}/members/{member_row.pk}/"
    assert api_for(moderator).post(base + "role/", {"role": "owner"}, format="json").status_code == 403
    assert api_for(member).delete(base).status_code == 403
    promoted = api_for(user).post(base + "role/", {"role": "moderator"}, format="json")
    assert promoted.status_code == 200 and promoted.json()["role"] == "moderator"
    assert api_for(moderator).delete(base).status_code == 403  # only owners remove moderators
    assert api_for(user).delete(base).status_code == 204
    assert not Membership.objects.filter(pk=member_row.pk).exists()
    owner_row = Membership.objects.get(group=group, user=user)
    last_owner = api_for(user).post(
        f"/api/v1/me/groups/{group.slug}/members/{owner_row.pk}/role/", {"role": "member"}, format="json"
    )
    assert last_owner.status_code == 409 and last_owner.json()["code"] == "last_owner"
    assert api_for(user).delete(f"/api/v1/me/groups/{group.slug}/members/999999/").status_code == 404


def test_join_requests_are_decided_by_moderators(user, other_user):
    group = GroupFactory(owner=user, visibility=Group.Visibility.REQUEST)
    request = join_request_create(user=other_user, group=group, message="I cycle daily.")
    member = UserFactory()
    add_member(group, member)
    assert api_for(member).get(f"/api/v1/me/groups/{group.slug}/join-requests/").status_code == 403
    decide = f"/api/v1/me/groups/{group.slug}/join-requests/{request.pk}/decide/"
    assert api_for(member).post(decide, {"approve": True}, format="json").status_code == 403
    pending = api_for(user).get(f"/api/v1/me/groups/{group.slug}/join-requests/").json()
    assert [(r["id"], r["message"]) for r in pending] == [(request.pk, "I cycle daily.")]
    approved = api_for(user).post(decide, {"approve": True}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == JoinRequest.Status.APPROVED
    assert Membership.objects.filter(group=group, user=other_user).exists()
    assert api_for(user).post(decide, {"approve": False}, format="json").status_code == 409


def test_my_groups_query_count_is_constant(user, django_assert_max_num_queries):
    for _ in range(15):
        add_member(GroupFactory(), user)
    with django_assert_max_num_queries(4):
        rows = api_for(user).get("/api/v1/me/groups/").json()
    assert len(rows) == 15 and {r["my_role"] for r in rows} == {"member"}


def test_moderators_make_list_and_revoke_invitation_links_and_someone_joins_a_private_group(user, other_user):
    group = GroupFactory(owner=user, visibility=Group.Visibility.PRIVATE)
    made = api_for(user).post(
        f"/api/v1/me/groups/{group.slug}/invitations/", {"days": 3, "max_uses": 1, "note": "For Ana"}, format="json"
    )
    assert made.status_code == 201, made.content
    link = made.json()
    assert link["is_usable"] and link["max_uses"] == 1 and link["url"].startswith("http")
    token = link["url"].rstrip("/").rsplit("/", 1)[-1]
    listed = api_for(user).get(f"/api/v1/me/groups/{group.slug}/invitations/").json()
    assert [i["note"] for i in listed] == ["For Ana"]
    accept = api_for(other_user).post(
        "/api/v1/me/groups/accept-invitation/", {"token": token, "accept_code_of_conduct": True}, format="json"
    )
    assert accept.status_code == 201, accept.content
    assert accept.json()["my_role"] == "member"
    assert Membership.objects.filter(group=group, user=other_user).exists()
    used_up = api_for(UserFactory()).post(
        "/api/v1/me/groups/accept-invitation/", {"token": token, "accept_code_of_conduct": True}, format="json"
    )
    assert used_up.status_code == 400  # one use only
    revoked = api_for(user).post(f"/api/v1/me/groups/{group.slug}/invitations/{link['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] and not revoked.json()["is_usable"]


def test_members_cannot_see_or_make_invitations_and_bad_input_is_a_400(user, other_user):
    group = GroupFactory(owner=user)
    add_member(group, other_user)
    member = api_for(other_user)
    assert member.get(f"/api/v1/me/groups/{group.slug}/invitations/").status_code == 403
    assert member.post(f"/api/v1/me/groups/{group.slug}/invitations/", {}, format="json").status_code == 403
    owner = api_for(user)
    too_long = owner.post(f"/api/v1/me/groups/{group.slug}/invitations/", {"days": 400}, format="json")
    assert too_long.status_code == 400 and "days" in str(too_long.json())
    assert owner.post(f"/api/v1/me/groups/{group.slug}/invitations/999999/revoke/").status_code == 404
    assert (
        api_for(other_user)
        .post("/api/v1/me/groups/accept-invitation/", {"token": "nonsense"}, format="json")
        .status_code
        == 404
    )


def test_a_ban_keeps_someone_out_until_it_is_lifted(user, other_user):
    group = GroupFactory(owner=user)
    add_member(group, other_user)
    membership = Membership.objects.get(group=group, user=other_user)
    owner = api_for(user)
    banned = owner.post(
        f"/api/v1/me/groups/{group.slug}/bans/", {"member": membership.pk, "reason": "spam"}, format="json"
    )
    assert banned.status_code == 201, banned.content
    assert banned.json()["reason"] == "spam" and not Membership.objects.filter(group=group, user=other_user).exists()
    assert [b["name"] for b in owner.get(f"/api/v1/me/groups/{group.slug}/bans/").json()] == [other_user.public_name]
    assert api_for(other_user).post(f"/api/v1/groups/{group.slug}/join/").status_code == 403
    assert owner.delete(f"/api/v1/me/groups/{group.slug}/bans/{banned.json()['id']}/").status_code == 204
    assert api_for(other_user).post(f"/api/v1/groups/{group.slug}/join/").status_code == 201


def test_members_cannot_ban_or_read_bans(user, other_user):
    group = GroupFactory(owner=user)
    add_member(group, other_user)
    owner_membership = Membership.objects.get(group=group, user=user)
    member = api_for(other_user)
    assert member.get(f"/api/v1/me/groups/{group.slug}/bans/").status_code == 403
    attempt = member.post(f"/api/v1/me/groups/{group.slug}/bans/", {"member": owner_membership.pk}, format="json")
    assert attempt.status_code == 403
    assert Membership.objects.filter(group=group, user=user).exists()

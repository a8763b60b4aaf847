"""Site staff in groups: `is_staff` alone grants nothing; `communities.moderate_any_group` grants
moderator powers everywhere, and every use of it lands in the moderation audit log."""

import pytest
from django.urls import reverse

from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.services import flag_create
from communities.models import Group, Invitation, Membership, Post
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from tests.communities.conftest import site_group_moderator
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(owner):
    return GroupFactory(owner=owner, visibility=Group.Visibility.PRIVATE)


@pytest.fixture
def thread(private, owner):
    return discussion_services.thread_create(author=owner, group=private, title="Members only", body="Secret plans")


def _actions(user, prefix="site_group_"):
    return list(
        ModerationAction.objects.filter(moderator=user, action__startswith=prefix).values_list("action", flat=True)
    )


def test_plain_staff_are_outsiders_of_private_groups(client, private, thread):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(reverse("communities:members", kwargs={"slug": private.slug})).status_code == 404
    assert client.get(reverse("communities:flags", kwargs={"slug": private.slug})).status_code == 404
    assert client.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        membership_services.invitation_create(actor=staff, group=private)
    assert not Invitation.objects.exists()


def test_plain_staff_cannot_moderate_a_public_group(owner):
    group = GroupFactory(owner=owner, visibility=Group.Visibility.PUBLIC)
    thread = discussion_services.thread_create(author=owner, group=group, title="T", body="Hello")
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        discussion_services.thread_set_hidden(actor=staff, thread=thread, hidden=True)
    with pytest.raises(PermissionDenied):
        membership_services.membership_remove(
            actor=staff, membership=Membership.objects.get(group=group, user=add_member(group))
        )


def test_the_permission_without_staff_status_grants_nothing(private):
    person = site_group_moderator()
    person.is_staff = False
    person.save()
    with pytest.raises(PermissionDenied):
        membership_services.invitation_create(actor=type(person).objects.get(pk=person.pk), group=private)


def test_site_moderator_writes_are_audited(private, thread):
    mod = site_group_moderator()
    invitation = membership_services.invitation_create(actor=mod, group=private)
    discussion_services.thread_set_locked(actor=mod, thread=thread, locked=True)
    target = Membership.objects.get(group=private, user=add_member(private))
    membership_services.membership_remove(actor=mod, membership=target)
    assert invitation.group == private
    assert sorted(_actions(mod)) == sorted(
        ["site_group_invitation_create", "site_group_group_thread_locked", "site_group_member_remove"]
    )
    rows = ModerationAction.objects.filter(moderator=mod, action="site_group_invitation_create")
    assert rows.count() == 1 and rows.get().object_id == private.pk


def test_a_refused_site_moderator_action_leaves_no_audit_row(private):
    mod = site_group_moderator()
    with pytest.raises(ValidationError):
        membership_services.invitation_create(actor=mod, group=private, days=0)
    assert _actions(mod) == []


def test_the_groups_own_moderators_are_not_logged_as_site_moderators(private, thread, owner):
    staff_moderator = site_group_moderator()
    add_member(private, staff_moderator, role=Membership.Role.MODERATOR)
    membership_services.invitation_create(actor=staff_moderator, group=private)
    membership_services.invitation_create(actor=owner, group=private)
    assert _actions(staff_moderator) == [] and _actions(owner) == []


def test_site_moderator_reads_of_private_groups_are_audited(client, private, thread):
    mod = site_group_moderator()
    client.force_login(mod)
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert client.get(reverse("communities:members", kwargs={"slug": private.slug})).status_code == 200
    assert client.get(reverse("communities:invitations", kwargs={"slug": private.slug})).status_code == 200
    assert client.get(f"/api/v1/threads/{thread.pk}/").status_code == 200
    actions = set(_actions(mod))
    assert {
        "site_group_view_thread",
        "site_group_view_members",
        "site_group_view_invitations",
        "site_group_view_api",
    } <= actions


def test_site_moderator_reading_a_public_group_is_not_logged(client, owner):
    group = GroupFactory(owner=owner, visibility=Group.Visibility.PUBLIC)
    thread = discussion_services.thread_create(author=owner, group=group, title="T", body="Hello")
    mod = site_group_moderator()
    client.force_login(mod)
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert _actions(mod) == []
    # ...but its moderator-only pages are.
    assert client.get(reverse("communities:flags", kwargs={"slug": group.slug})).status_code == 200
    assert _actions(mod) == ["site_group_view_flags"]


def test_flag_queue_still_works_for_site_moderators(client, private, thread):
    member = add_member(private)
    post = Post.objects.get(thread=thread, is_opening=True)
    flag_create(reporter=member, target=post, reason=Flag.Reason.SPAM)
    mod = site_group_moderator()
    client.force_login(mod)
    page = client.get(reverse("communities:flags", kwargs={"slug": private.slug}))
    assert page.status_code == 200 and "Secret plans" in page.content.decode()
    discussion_services.post_set_hidden(actor=mod, post=post, hidden=True)
    post.refresh_from_db()
    assert post.is_hidden
    assert {"site_group_view_flags", "site_group_post_set_hidden"} <= set(_actions(mod))

"""Double submits under real concurrency: threads with their own PostgreSQL connections, released
together by a barrier. Joins, requests and reactions never duplicate; counts stay exact; a group
never loses its last owner however its owners race to leave."""

import pytest

from causeweb.core.exceptions import Conflict
from communities.models import Group, JoinRequest, Membership, Post, Reaction
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_double_join_creates_one_membership_and_counts_once():
    group = GroupFactory()
    person = UserFactory()
    others = [UserFactory() for _ in range(8)]
    calls = [lambda: membership_services.group_join(user=person, group=group) for _ in range(6)]
    calls += [(lambda u=u: membership_services.group_join(user=u, group=group)) for u in others]
    results, errors = run_concurrently(calls)
    assert errors == [None] * len(calls)
    assert Membership.objects.filter(group=group, user=person).count() == 1
    assert len({r.pk for r in results[:6]}) == 1
    group.refresh_from_db()
    assert group.member_count == 1 + 1 + 8 == Membership.objects.filter(group=group).count()


def test_double_join_request_creates_one_request():
    group = GroupFactory(visibility=Group.Visibility.REQUEST)
    person = UserFactory()
    results, errors = run_concurrently(
        [lambda: membership_services.join_request_create(user=person, group=group, message="hi") for _ in range(6)]
    )
    assert errors == [None] * 6
    assert JoinRequest.objects.filter(group=group, user=person).count() == 1


def test_double_reactions_never_duplicate():
    group = GroupFactory()
    people = [add_member(group) for _ in range(4)]
    thread = discussion_services.thread_create(author=people[0], group=group, title="T", body="x")
    post = Post.objects.get(thread=thread)
    calls = [
        (lambda u=u, k=k: discussion_services.reaction_add(user=u, post=post, kind=k))
        for u in people
        for k in ("like", "like", "like", "support")
    ]
    results, errors = run_concurrently(calls)
    assert errors == [None] * len(calls)
    assert Reaction.objects.filter(post=post).count() == len(people) * 2


def test_racing_owners_cannot_both_leave():
    owner = UserFactory()
    group = GroupFactory(owner=owner)
    second = add_member(group, role=Membership.Role.OWNER)
    results, errors = run_concurrently(
        [
            lambda: membership_services.group_leave(user=owner, group=group),
            lambda: membership_services.group_leave(user=second, group=group),
        ]
    )
    assert sorted(type(e).__name__ for e in errors if e) == ["Conflict"]
    assert Membership.objects.filter(group=group, role="owner").count() == 1
    assert all(e is None or isinstance(e, Conflict) for e in errors)


def test_concurrent_approvals_add_the_member_once():
    owner = UserFactory()
    group = GroupFactory(owner=owner, visibility=Group.Visibility.REQUEST)
    moderator = add_member(group, role=Membership.Role.MODERATOR)
    join_request = membership_services.join_request_create(user=UserFactory(), group=group)
    results, errors = run_concurrently(
        [
            lambda: membership_services.join_request_approve(actor=owner, join_request=join_request),
            lambda: membership_services.join_request_approve(actor=moderator, join_request=join_request),
        ]
    )
    assert sorted(type(e).__name__ for e in errors if e) == ["Conflict"]
    group.refresh_from_db()
    assert group.member_count == 3

"""The discussion rules of communities.policies, asked by services, selectors, views and the API:
pure functions over a group, a membership and a thread or post (no database)."""

from types import SimpleNamespace

import pytest

from communities.models import Group, Membership, Post, Thread
from communities.policies import access_for

GROUP = Group(pk=1, name="Air", slug="air", visibility=Group.Visibility.PUBLIC)


def person(pk, *, is_active=True):
    return SimpleNamespace(pk=pk, is_authenticated=True, is_active=is_active, is_staff=False, has_perm=lambda p: False)


def access(role=None, *, user=None, banned=False, group=GROUP):
    user = user or person(10)
    membership = Membership(group=group, user_id=user.pk, role=role) if role else None
    return access_for(group=group, user=user, membership=membership, is_banned=banned)


def visitor(group=GROUP):
    return access_for(group=group, user=None, membership=None, is_banned=False)


def thread(**flags):
    return Thread(pk=5, group=GROUP, author_id=10, title="T", **flags)


@pytest.mark.parametrize(
    "who,hidden,expected",
    [
        (lambda: visitor(), False, True),
        (lambda: visitor(), True, False),
        (lambda: access(Membership.Role.MEMBER), True, False),
        (lambda: access(Membership.Role.MODERATOR), True, True),
        (lambda: access(Membership.Role.OWNER), True, True),
    ],
)
def test_a_hidden_thread_exists_only_for_moderators(who, hidden, expected):
    assert who().can_see_thread(thread(is_hidden=hidden)) is expected
    assert who().can_see_hidden_threads is (who().can_moderate)


def test_locked_threads_take_moderators_replies_only():
    locked, open_ = thread(is_locked=True), thread()
    member, moderator = access(Membership.Role.MEMBER), access(Membership.Role.MODERATOR)
    assert member.can_reply_in(open_) and not member.can_reply_in(locked)
    assert moderator.can_reply_in(locked)
    assert not visitor().can_reply_in(open_)
    assert not access(Membership.Role.MEMBER, banned=True).can_reply_in(open_)
    assert not access(Membership.Role.MEMBER, user=person(10, is_active=False)).can_reply_in(open_)


def test_the_author_while_a_participant_or_a_moderator_retitles():
    own = thread()  # written by person 10
    assert access(Membership.Role.MEMBER).can_retitle(own)
    assert not access(Membership.Role.MEMBER, user=person(11)).can_retitle(own)
    assert not access(user=person(10)).can_retitle(own)  # the author, no longer a member
    assert not access(Membership.Role.MEMBER, banned=True).can_retitle(own)
    assert access(Membership.Role.MODERATOR, user=person(11)).can_retitle(own)
    assert not visitor().can_retitle(own)


def test_hidden_posts_and_posts_in_hidden_threads():
    in_open, in_hidden = thread(), thread(is_hidden=True)
    post = Post(pk=7, thread=in_open, author_id=10)
    hidden_post = Post(pk=8, thread=in_open, author_id=10, is_hidden=True)
    assert visitor().can_see_post(post)
    assert not visitor().can_see_post(Post(pk=9, thread=in_hidden, author_id=10))
    assert access(Membership.Role.MODERATOR, user=person(11)).can_see_post(Post(pk=9, thread=in_hidden, author_id=10))
    assert access(Membership.Role.MEMBER).can_see_post(hidden_post)  # its author
    assert not access(Membership.Role.MEMBER, user=person(11)).can_see_post(hidden_post)
    # Its text is for moderators only, its author included sees the tombstone.
    assert not access(Membership.Role.MEMBER).can_read_post_body(hidden_post)
    assert access(Membership.Role.MODERATOR, user=person(11)).can_read_post_body(hidden_post)
    assert access(Membership.Role.MEMBER).can_read_post_body(post)


def test_posts_of_a_members_only_group_are_not_for_visitors():
    closed = Group(pk=2, name="Closed", slug="closed", visibility=Group.Visibility.REQUEST)
    post = Post(pk=7, thread=Thread(pk=6, group=closed, author_id=10, title="T"), author_id=10)
    assert not visitor(closed).can_see_post(post)
    assert access(Membership.Role.MEMBER, group=closed).can_see_post(post)

"""A group's own moderators keep their queue (communities: /groups/<slug>/flags/), and site staff
see the same items in the site queue with what the group moderators already did."""

import pytest

from causeweb.moderation import selectors, services
from causeweb.moderation.roles import MODERATOR
from communities.models import Membership, Post
from communities.services import discussions
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory, staff_with_role

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/flag/queue/"


@pytest.fixture
def flagged_post():
    group = GroupFactory()
    group_moderator = add_member(group, role=Membership.Role.MODERATOR)
    member = add_member(group)
    thread = discussions.thread_create(author=member, group=group, title="Offers", body="Hello")
    post = discussions.post_create(author=member, thread=thread, body="Buy followers cheap")
    for _ in range(2):
        reporter = add_member(group)
        services.flag_create(reporter=reporter, target=post, reason="spam")
    return group, group_moderator, post


def test_group_moderator_action_shows_in_the_site_queue(client, flagged_post):
    group, group_moderator, post = flagged_post
    client.force_login(group_moderator)
    assert "Buy followers cheap" in client.get(f"/groups/{group.slug}/flags/").content.decode()
    discussions.post_set_hidden(actor=group_moderator, post=post, hidden=True, reason="spam, obviously")
    # Still in the group's queue (flags stay open for site staff) and marked hidden there.
    assert "Hidden" in client.get(f"/groups/{group.slug}/flags/").content.decode()
    item = next(i for i in selectors.flag_queue() if i.object_id == post.pk)
    assert [(a.action, a.by_group_moderator, a.moderator) for a in item.history] == [
        ("group_post_hidden", True, group_moderator)
    ]
    client.force_login(staff_with_role(MODERATOR))
    html = client.get(QUEUE).content.decode()
    assert "group_post_hidden by" in html and "(group moderator)" in html and "spam, obviously" in html


def test_site_decision_clears_the_group_queue_too(client, flagged_post):
    group, group_moderator, post = flagged_post
    moderator = staff_with_role(MODERATOR)
    flag = selectors.open_flag_for(content_type_id=selectors.flag_queue()[0].content_type.pk, object_id=post.pk)
    assert flag is not None
    services.flag_dismiss(flag=flag, moderator=moderator, reason="not spam")
    client.force_login(group_moderator)
    assert "Buy followers cheap" not in client.get(f"/groups/{group.slug}/flags/").content.decode()
    assert Post.objects.get(pk=post.pk).is_hidden is False


def test_group_queue_refuses_members_and_outsiders(client, flagged_post):
    group, _, _ = flagged_post
    client.force_login(add_member(group))
    assert client.get(f"/groups/{group.slug}/flags/").status_code in (403, 404)
    client.force_login(UserFactory())
    assert client.get(f"/groups/{group.slug}/flags/").status_code in (403, 404)

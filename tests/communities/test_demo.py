import io

import pytest

from communities import demo
from communities.models import Group, JoinRequest, Post, Reaction, Thread

pytestmark = pytest.mark.django_db


def test_demo_seed_makes_groups_of_every_visibility_and_is_idempotent(django_capture_on_commit_callbacks):
    demo.seed(stdout=io.StringIO())
    counts = {v: Group.objects.filter(visibility=v).count() for v in Group.Visibility.values}
    assert all(n >= 2 for n in counts.values()), counts
    assert all(g.member_count >= 3 for g in Group.objects.all())
    assert Post.objects.filter(parent__isnull=False).exists()
    assert Reaction.objects.exists()
    assert JoinRequest.objects.filter(status="pending").exists()
    before = (Group.objects.count(), Thread.objects.count(), Post.objects.count(), Reaction.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (Group.objects.count(), Thread.objects.count(), Post.objects.count(), Reaction.objects.count()) == before


def test_demo_announcements_link_to_their_group_page(django_capture_on_commit_callbacks):
    """QA: the demo's announcement notification linked to /groups/ (a fake in the platform's demo)."""
    from causeweb.notifications import demo as notification_demo
    from causeweb.notifications.kinds import Kind
    from causeweb.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
        notification_demo.seed(stdout=io.StringIO())
    announcements = Notification.objects.filter(kind=Kind.ANNOUNCEMENT)
    assert announcements.exists()
    group_urls = {g.get_absolute_url() for g in Group.objects.filter(visibility="public")}
    assert set(announcements.values_list("url", flat=True)) <= group_urls
    assert not Notification.objects.filter(url="/groups/").exists()

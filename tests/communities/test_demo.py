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

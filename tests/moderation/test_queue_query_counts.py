"""The flag change list and the moderation queue load the flagged content in bulk: the same
number of queries with one flag per content type as with 200+ flags over every type (one query per
type, with what each type's link needs joined in)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from causeweb.moderation.models import Flag
from communities.services import discussions
from tests.campaigns.factories import CommentFactory, UpdateFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

FLAGS = "/admin/moderation/flag/"
QUEUE = "/admin/moderation/flag/queue/"


def _targets(per_type: int) -> list:
    group = GroupFactory()
    threads = [  # a member each: one person starting many discussions is rate-limited
        discussions.thread_create(author=add_member(group), group=group, title=f"T{n}", body="b")
        for n in range(per_type)
    ]
    posts = [discussions.post_create(author=thread.author, thread=thread, body="spam") for thread in threads]
    campaign = CampaignFactory()
    return [
        *threads,
        *posts,
        *[GroupFactory() for _ in range(per_type)],
        *[EventFactory() for _ in range(per_type)],
        *[CampaignFactory() for _ in range(per_type)],
        *[CommentFactory(campaign=campaign) for _ in range(per_type)],
        *[UpdateFactory(campaign=campaign) for _ in range(per_type)],
    ]


def _flag_all(targets) -> None:
    reporter = UserFactory()
    Flag.objects.bulk_create(
        Flag(reporter=reporter, content_type=ContentType.objects.get_for_model(t), object_id=t.pk, reason="spam")
        for t in targets
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_flag_list_and_queue_query_counts_do_not_grow_with_flags(superuser_client):
    _flag_all(_targets(1))
    for url in (FLAGS, QUEUE):  # warm the session and content-type caches
        _queries(superuser_client, url)
    small = {url: _queries(superuser_client, url) for url in (FLAGS, QUEUE)}
    _flag_all(_targets(30))  # 217 flags over 7 types
    assert Flag.objects.count() == 7 * 31
    large = {url: _queries(superuser_client, url) for url in (FLAGS, QUEUE)}
    assert all(large[url] <= small[url] for url in small), (small, large)
    assert small[FLAGS] <= 25 and small[QUEUE] <= 25

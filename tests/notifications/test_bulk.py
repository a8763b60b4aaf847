import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from causeweb.accounts.models import User
from causeweb.notifications import services, tasks
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification, NotificationPreference
from causeweb.notifications.services import notify_bulk

pytestmark = pytest.mark.django_db

RECIPIENTS = 5000
CONTEXT = {"title": "Group announcement: march on Saturday", "body": "Meet at noon.", "url": "/groups/g/"}


def max_queries() -> int:
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    inserts_per_batch = -(-services.BATCH_SIZE // connection.ops.bulk_batch_size(fields, [None] * services.BATCH_SIZE))
    return (RECIPIENTS // services.BATCH_SIZE) * (3 + inserts_per_batch) + 1


@pytest.fixture
def members():
    User.objects.bulk_create(User(email=f"member{i}@example.org", display_name=f"M {i}") for i in range(RECIPIENTS))
    return User.objects.filter(email__startswith="member").order_by("pk")


@pytest.fixture
def queued(monkeypatch):
    """Record delivery tasks instead of running them: this test is about the fan-out."""
    calls = []
    monkeypatch.setattr(tasks.deliver_emails, "apply_async", lambda args, **kwargs: calls.append(args[0]))
    return calls


def test_5000_recipients_in_batched_queries_and_batched_tasks(
    members, queued, run_on_commit, django_assert_max_num_queries
):
    opted_out = list(members[:100])
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=u, kind=Kind.ANNOUNCEMENT, email_enabled=False) for u in opted_out
    )
    # 10 batches of 500: 3 lookups and the INSERT(s) each, plus reading the recipients. That is
    # 41 queries on PostgreSQL; SQLite splits each INSERT further (999 bound parameters).
    with django_assert_max_num_queries(max_queries()), run_on_commit():
        created = notify_bulk(recipients=members, kind=Kind.ANNOUNCEMENT, context=CONTEXT, dedupe_key="ann:big")
    assert created == RECIPIENTS
    assert Notification.objects.filter(kind=Kind.ANNOUNCEMENT).count() == RECIPIENTS
    assert Notification.objects.filter(email_status="skipped").count() == 100

    # Delivery fans out in tasks of TASK_BATCH_SIZE ids, covering every pending row exactly once.
    assert all(len(batch) <= services.TASK_BATCH_SIZE for batch in queued)
    assert len(queued) == (RECIPIENTS - 100) // services.TASK_BATCH_SIZE
    all_ids = [pk for batch in queued for pk in batch]
    assert len(all_ids) == len(set(all_ids)) == RECIPIENTS - 100
    assert set(all_ids) == set(Notification.objects.filter(email_status="pending").values_list("pk", flat=True))


def test_query_count_does_not_grow_with_recipients(members, queued, run_on_commit):
    def count(recipients, key):
        with CaptureQueriesContext(connection) as ctx, run_on_commit():
            notify_bulk(recipients=recipients, kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key=key)
        return len(ctx.captured_queries)

    small = count(members[:500], "upd:small")
    large = count(members[500:5000], "upd:large")  # nine times the people
    assert large <= small * 9 + 1
    assert large <= max_queries()


def test_repeat_call_creates_nothing_and_queues_nothing(members, queued, run_on_commit):
    subset = list(members[:600])
    with run_on_commit():
        assert notify_bulk(recipients=subset, kind=Kind.ANNOUNCEMENT, context=CONTEXT, dedupe_key="ann:r") == 600
    queued.clear()
    with run_on_commit():
        assert notify_bulk(recipients=subset, kind=Kind.ANNOUNCEMENT, context=CONTEXT, dedupe_key="ann:r") == 0
    assert queued == []

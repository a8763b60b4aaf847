"""A transactional outbox for Celery tasks that follow a database change.

`outbox.enqueue(task, *args, **kwargs)` writes an `OutboxMessage` row in the caller's transaction
(so the task exists if and only if the change committed) and, after commit, tries to publish it at
once. When the broker (Redis) is down the publish fails fast (one retry, 2 s connect timeout), the
row stays, and the request answers normally; `relay_pending` (the `core.outbox_relay` beat task,
every 15 s, and `manage.py` callers) publishes what is left once the broker answers.

Exactly one relayer publishes a row: it first *claims* it with a conditional UPDATE (unsent and not
claimed, or its claim expired); only the process whose UPDATE changed the row publishes it. A
process that dies between the publish and marking the row sent leaves a claim that expires after
CLAIM_SECONDS, and the row is published again: the tasks behind the outbox are idempotent (they
load by id and re-check under a lock), so that rare second delivery is harmless.

Backoff: a row whose publish failed is held back (its `claimed_until` pushed forward) for
`backoff_seconds(attempts)`: 15 s, 30 s, 60 s, then every 120 s. While the broker is down the relay
stops at the first refusal (the rest would fail too), so an outage costs one probe per run; a row
that can never be published (a task name no longer registered) waits out its backoff instead of
blocking the rows behind it. Worst case after the broker returns: the oldest row within ~135 s
(120 s backoff + one 15 s tick), the others within ~30 s.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from causeweb.core.models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 60  # far above one publish (about 2.5 s at worst with the broker down)
RELAY_BATCH = 200
BACKOFF_BASE_SECONDS = 15
BACKOFF_MAX_SECONDS = 120
KEEP_SENT = timedelta(days=2)  # sent rows are kept this long for inspection, then purged


def backoff_seconds(attempts: int) -> int:
    """How long a row waits after its `attempts`-th failed publish."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def _publish_retry_policy() -> dict:
    return {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction; publish it after commit.
    Arguments must be JSON-serialisable (ids, not objects)."""
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: relay_one(message.pk))
    return message


def _claim(message_id: int, now) -> bool:
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    return claimed == 1


SENT, BUSY, REFUSED, UNKNOWN_TASK = "sent", "busy", "refused", "unknown task"


def _relay(message_id: int) -> str:
    if not _claim(message_id, timezone.now()):
        return BUSY
    message = OutboxMessage.objects.get(pk=message_id)
    task = current_app.tasks.get(message.task_name)
    if task is None:
        # Renamed or removed in a deploy: kept (an operator can republish it under its new name)
        # and retried at the slowest pace, without holding up the rows behind it.
        hold = timezone.now() + timedelta(seconds=BACKOFF_MAX_SECONDS)
        OutboxMessage.objects.filter(pk=message_id).update(claimed_until=hold, last_error="unknown task")
        logger.error("outbox message %s names an unknown task %r", message_id, message.task_name)
        return UNKNOWN_TASK
    try:
        task.apply_async(args=message.args, kwargs=message.kwargs, retry=True, retry_policy=_publish_retry_policy())
    except Exception as exc:
        if current_app.conf.task_always_eager:
            # Eager (tests, the embedded demo): the task itself failed; do not hide it.
            OutboxMessage.objects.filter(pk=message_id).update(claimed_until=None, last_error=repr(exc)[:500])
            raise
        hold = timezone.now() + timedelta(seconds=backoff_seconds(message.attempts))
        OutboxMessage.objects.filter(pk=message_id).update(claimed_until=hold, last_error=repr(exc)[:500])
        logger.warning(
            "broker unavailable; outbox message %s (%s) kept for the relay (attempt %s, next after %s)",
            message_id,
            message.task_name,
            message.attempts,
            hold.isoformat(timespec="seconds"),
        )
        return REFUSED
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    return SENT


def relay_one(message_id: int) -> bool:
    """Claim and publish one row. True if this call published it; False if another relayer holds
    it, it was already sent, it is waiting out its backoff, or the broker refused (the row is then
    held back for `backoff_seconds(attempts)`)."""
    return _relay(message_id) == SENT


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Publish unsent rows that are not claimed or backing off, oldest first; stop at the first
    broker refusal (the rest would fail too). Returns how many were published. Also purges rows
    sent more than KEEP_SENT ago."""
    now = timezone.now()
    OutboxMessage.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    candidates = (
        OutboxMessage.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for message_id in list(candidates):
        outcome = _relay(message_id)
        if outcome == SENT:
            published += 1
        elif outcome == REFUSED:
            break  # the broker is down: leave the rest for the next run
    return published


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()

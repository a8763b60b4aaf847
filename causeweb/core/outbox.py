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
KEEP_SENT = timedelta(days=2)  # sent rows are kept this long for inspection, then purged


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


def relay_one(message_id: int) -> bool:
    """Claim and publish one row. True if this call published it; False if another relayer holds
    it, it was already sent, or the broker refused (the claim is then released for the sweep)."""
    if not _claim(message_id, timezone.now()):
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        current_app.tasks[message.task_name].apply_async(
            args=message.args, kwargs=message.kwargs, retry=True, retry_policy=_publish_retry_policy()
        )
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(claimed_until=None, last_error=repr(exc)[:500])
        if current_app.conf.task_always_eager:
            raise  # eager (tests, the embedded demo): the task itself failed; do not hide it
        logger.warning("broker unavailable; outbox message %s (%s) kept for the relay", message_id, message.task_name)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    return True


def relay_pending(*, limit: int = RELAY_BATCH) -> int:
    """Publish unsent rows, oldest first; stop at the first broker failure (the rest would fail
    too). Returns how many were published. Also purges rows sent more than KEEP_SENT ago."""
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
        if relay_one(message_id):
            published += 1
        elif OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True, claimed_until__isnull=True).exists():
            break  # the broker refused this one: leave the rest for the next run
    return published


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()

"""notify(): the one way any app tells someone something. It records the in-app notification
and, after the surrounding transaction commits, enqueues the email on the `notifications` queue.

Callers pass a `dedupe_key` naming the event (e.g. "rsvp-confirmed:123"): a repeat with the same
key is a no-op, so retries and double-fired beats never notify twice.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from causeweb.notifications.models import Notification

BATCH_SIZE = 500


def _queue_email(notification_ids: list[int]) -> None:
    from causeweb.notifications import tasks

    def enqueue():
        for start in range(0, len(notification_ids), BATCH_SIZE):
            try:
                tasks.deliver_emails.delay(notification_ids[start : start + BATCH_SIZE])
            except Exception:  # broker down: the periodic sweep delivers pending rows later
                import logging

                logging.getLogger(__name__).warning("broker unavailable; email left for the sweep")
                return

    transaction.on_commit(enqueue)


def notify(*, recipient=None, email: str = "", kind: str, context: dict, dedupe_key: str) -> Notification | None:
    """Tell `recipient` (a User) or a guest `email` about something.

    `context` must be JSON-serialisable and carry `title` (one line), and may carry `body`
    (plain text) and `url` (path or absolute URL of the thing notified about), plus any
    kind-specific keys the templates use. Returns None when `dedupe_key` was already used.
    """
    address = email or (recipient.email if recipient else "")
    if not address and recipient is None:
        raise ValueError("notify() needs a recipient or an email address.")
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                email=address,
                kind=kind,
                title=str(context.get("title", ""))[:200],
                body=str(context.get("body", "")),
                url=str(context.get("url", ""))[:500],
                context=context,
                dedupe_key=dedupe_key[:200],
            )
    except IntegrityError:
        return None
    _queue_email([notification.pk])
    return notification


def notify_bulk(*, recipients: Iterable, kind: str, context: dict, dedupe_key: str) -> int:
    """Notify many users of one thing (a campaign update to its followers) in batched inserts,
    not one query per recipient. Each recipient's key is `<dedupe_key>:<user id>`."""
    created_ids: list[int] = []
    batch: list[Notification] = []

    def flush():
        keys = [n.dedupe_key for n in batch]
        Notification.objects.bulk_create(batch, batch_size=BATCH_SIZE, ignore_conflicts=True)
        created_ids.extend(
            Notification.objects.filter(dedupe_key__in=keys, email_status=Notification.EmailStatus.PENDING).values_list(
                "pk", flat=True
            )
        )
        batch.clear()

    for user in recipients:
        batch.append(
            Notification(
                recipient=user,
                email=user.email,
                kind=kind,
                title=str(context.get("title", ""))[:200],
                body=str(context.get("body", "")),
                url=str(context.get("url", ""))[:500],
                context=context,
                dedupe_key=f"{dedupe_key}:{user.pk}"[:200],
            )
        )
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    if created_ids:
        _queue_email(created_ids)
    return len(created_ids)


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())

"""The host's message to everyone going: written under the event's lock (rate-limited per event),
delivered once by a Celery task."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core import outbox
from causeweb.core.exceptions import ValidationError
from causeweb.core.markdown import plain_text
from causeweb.notifications.kinds import Kind
from events import tasks
from events.models import RSVP, EventMessage
from events.services._common import _event_context, _lock_event, _notify_rsvps, _require_host

MESSAGE_MIN_INTERVAL = timedelta(minutes=10)
MESSAGES_PER_DAY = 5


@transaction.atomic
def event_message_create(*, event_id: int, actor, subject: str, body: str, now: datetime | None = None) -> EventMessage:
    """The host writes to everyone going; delivery is a Celery task. Rate-limited per event
    (one every 10 minutes, five a day), checked under the event's lock."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = [gettext("Give the message a subject.")]
    if not body:
        errors["body"] = [gettext("Write a message.")]
    if errors:
        raise ValidationError(errors)
    recent = event.messages.filter(created_at__gte=now - timedelta(days=1)).values_list("created_at", flat=True)
    recent = list(recent)
    if len(recent) >= MESSAGES_PER_DAY:
        raise ValidationError(
            gettext("You can send at most %(count)s messages a day to attendees.") % {"count": MESSAGES_PER_DAY}
        )
    if any(sent > now - MESSAGE_MIN_INTERVAL for sent in recent):
        raise ValidationError(gettext("You just sent a message; wait a few minutes before the next one."))
    message = EventMessage.objects.create(event=event, sender=actor, subject=subject[:140], body=body[:5000])
    # created_at is auto_now_add; make the rate limit use the caller's clock in tests and tasks.
    EventMessage.objects.filter(pk=message.pk).update(created_at=now)

    outbox.enqueue(tasks.deliver_event_message, message.pk)  # kept in Postgres if the broker is down
    return message


@transaction.atomic
def event_message_deliver(*, message_id: int, now: datetime | None = None) -> int:
    """Send one host message to everyone going. Once: the message row is locked and stamped."""
    message = EventMessage.objects.select_for_update().select_related("event").filter(pk=message_id).first()
    if message is None or message.sent_at is not None:
        return 0
    event = message.event
    rsvps = event.rsvps.filter(status=RSVP.Status.GOING, hold_expires_at__isnull=True).select_related("user")
    count = _notify_rsvps(
        rsvps,
        kind=Kind.EVENT_MESSAGE,
        context=lambda: _event_context(event, title=f"{event.title}: {message.subject}", body=plain_text(message.body)),
        dedupe_key=f"event-message:{message.pk}",
    )
    message.sent_at = now or timezone.now()
    message.recipient_count = count
    message.save(update_fields=["sent_at", "recipient_count"])
    return count

"""Time-driven event writes: the minimum-turnout decision at the commitment deadline, and the
reminders before the start. Each is safe to run from overlapping beats."""

import functools
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.notifications.kinds import Kind
from events.models import RSVP, Event
from events.services._common import _event_context, _lock_event, _notify_rsvps, _online_line
from events.services._seats import _promote_waitlist, _release_expired_holds, _unconfirmed_seats
from events.services.events import _cancel_event_locked


@transaction.atomic
def event_turnout_decide(*, event_id: int, now: datetime | None = None) -> str | None:
    """At the commitment deadline: confirm the event if enough people committed, else cancel it.
    Runs once per event whatever the beat does: the decision is recorded under the row lock and
    a second call returns None."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    if (
        event.turnout_minimum is None
        or event.turnout_decided_at is not None
        or event.is_cancelled
        or event.commitment_deadline > now
    ):
        return None
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    event.turnout_decided_at = now
    # Only confirmed people count as committed: a guest who never confirmed their email is not.
    committed = event.going_seats - _unconfirmed_seats(event)
    if committed >= event.turnout_minimum:
        event.status = Event.Status.CONFIRMED
        event.save(update_fields=["turnout_decided_at", "status", "updated_at"])
        # "See you there" is for people with a place: not the waitlist, not an offer still to
        # be claimed, not a guest hold whose address was never confirmed.
        rsvps = event.rsvps.filter(status=RSVP.Status.GOING, hold_expires_at__isnull=True).select_related("user")
        _notify_rsvps(
            rsvps,
            kind=Kind.EVENT_CONFIRMED,
            context=lambda: _event_context(
                event,
                title=gettext("It's on: %(event)s") % {"event": event.title},
                body=gettext("%(committed)s people committed (the minimum was %(minimum)s). See you there!")
                % {"committed": committed, "minimum": event.turnout_minimum},
            ),
            dedupe_key=f"event-confirmed:{event.pk}",
        )
        return "confirmed"
    event.save(update_fields=["turnout_decided_at", "updated_at"])
    _cancel_event_locked(
        event,
        reason=gettext("Only %(committed)s of the %(minimum)s people needed committed by the deadline.")
        % {"committed": committed, "minimum": event.turnout_minimum},
        now=now,
    )
    return "cancelled"


def event_turnout_decide_due(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    due = Event.objects.filter(
        turnout_minimum__isnull=False,
        turnout_decided_at__isnull=True,
        commitment_deadline__lte=now,
        status=Event.Status.SCHEDULED,
    ).values_list("pk", flat=True)
    outcome = {"confirmed": 0, "cancelled": 0}
    for event_id in list(due):
        result = event_turnout_decide(event_id=event_id, now=now)
        if result:
            outcome[result] += 1
    return outcome


# --- reminders -------------------------------------------------------------------------------------

REMINDER_WINDOWS = (
    ("24h", timedelta(hours=24), "reminder_24h_sent_at"),
    ("1h", timedelta(hours=1), "reminder_1h_sent_at"),
)


def _reminder_context(event: Event, *, label: str, rsvp: RSVP) -> dict:
    """A reminder's text in the active language; `rsvp` stands for its batch's online-link line."""
    if label == "24h":
        title = gettext("Reminder: %(event)s starts tomorrow") % {"event": event.title}
        body = gettext("%(event)s starts tomorrow.") % {"event": event.title}
    else:
        title = gettext("Reminder: %(event)s starts in an hour") % {"event": event.title}
        body = gettext("%(event)s starts in an hour.") % {"event": event.title}
    return _event_context(event, title=title, body=body + _online_line(event, rsvp))


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Remind those going 24 hours and 1 hour before the start. Each event's reminder is claimed
    with a conditional UPDATE (only one run can flip the flag from empty) inside the transaction
    that writes the notifications, and each notification has a dedupe key: exactly once, however
    many beats overlap. An event created less than an hour before the 24h mark gets only the 1h one."""
    now = now or timezone.now()
    sent = 0
    for label, lead, flag in REMINDER_WINDOWS:
        due = Event.objects.filter(
            status__in=[Event.Status.SCHEDULED, Event.Status.CONFIRMED],
            starts_at__gt=now,
            starts_at__lte=now + lead,
            **{f"{flag}__isnull": True},
        )
        if label == "24h":
            due = due.filter(starts_at__gt=now + timedelta(hours=1))
        for event_id in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                if not Event.objects.filter(pk=event_id, **{f"{flag}__isnull": True}).update(**{flag: now}):
                    continue  # another run got it first
                event = Event.objects.get(pk=event_id)
                rsvps = event.rsvps.filter(status=RSVP.Status.GOING, hold_expires_at__isnull=True)
                rsvps = rsvps.select_related("user")
                # One batch per online-link line: those the policy lets see the link, and the rest
                # (none today, as only the confirmed are reminded). Keys are per person.
                batches: dict[str, list] = {}
                for rsvp in rsvps:
                    batches.setdefault(_online_line(event, rsvp), []).append(rsvp)
                for batch in batches.values():
                    sent += _notify_rsvps(
                        batch,
                        kind=Kind.EVENT_REMINDER,
                        # Called under each recipient language (the beat has none of its own).
                        context=functools.partial(_reminder_context, event, label=label, rsvp=batch[0]),
                        dedupe_key=f"event-reminder-{label}:{event.pk}:{int(event.starts_at.timestamp())}",
                    )
    return sent

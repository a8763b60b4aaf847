"""Seats and the waitlist, for the events services. Every function here expects the caller to hold
the event's row lock. Internal to events.services."""

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext

from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from events.models import RSVP, Event, new_check_in_code
from events.page_scopes import event_changed
from events.services._common import (
    HOLD_EXPIRED,
    _event_context,
    _hold_line,
    _hold_until,
    _online_line,
    rsvp_language,
)
from events.services.links import rsvp_manage_url
from events.timezones import format_local


def _new_code_for(event: Event) -> str:
    while True:
        code = new_check_in_code()
        if not RSVP.objects.filter(event=event, check_in_code=code).exists():
            return code


def _next_waitlist_position(event: Event) -> int:
    event.waitlist_sequence += 1
    Event.objects.filter(pk=event.pk).update(waitlist_sequence=F("waitlist_sequence") + 1)
    return event.waitlist_sequence


def _add_seats(event: Event, *, going: int = 0, offered: int = 0) -> None:
    event.going_seats += going
    event.offered_seats += offered
    Event.objects.filter(pk=event.pk).update(
        going_seats=F("going_seats") + going, offered_seats=F("offered_seats") + offered
    )
    event_changed(event)


def _fits(event: Event, seats: int) -> bool:
    """Whether a newcomer gets in now: seats are free and nobody is already waiting for them."""
    if event.capacity is None:
        return True
    waitlist_waiting = event.rsvps.filter(status=RSVP.Status.WAITLISTED).exists()
    return event.capacity - event.seats_taken >= seats and not waitlist_waiting


def _unconfirmed_seats(event: Event) -> int:
    """Seats in `going_seats` that are only held for guests who have not confirmed their email."""
    held = event.rsvps.filter(status=RSVP.Status.GOING, hold_expires_at__isnull=False)
    return sum(1 + guests for guests in held.values_list("guests", flat=True))


def _release_expired_holds(event: Event, *, now: datetime) -> int:
    """Give back the seats of guests whose hold ran out unconfirmed. The caller holds the event's
    row lock and, when this returns more than 0, promotes the waitlist. Every capacity decision
    calls this first, so an expired hold never counts, whether or not the beat has run yet."""
    stale = list(event.rsvps.select_for_update().filter(status=RSVP.Status.GOING, hold_expires_at__lte=now))
    for rsvp in stale:
        _release_rsvp(event, rsvp, reason=HOLD_EXPIRED, now=now)
    return len(stale)


def _promote_waitlist(event: Event, *, now: datetime) -> list[RSVP]:
    """Fill free seats from the head of the waitlist, strictly in order. The caller holds the
    event's row lock. Automatic mode makes them going; claim mode offers the seat (held for them)
    until the window closes."""
    promoted = []
    if event.is_cancelled or now >= event.starts_at:
        return promoted
    waiting = event.rsvps.filter(status=RSVP.Status.WAITLISTED).select_related("user").order_by("waitlist_position")
    for rsvp in waiting:
        if event.capacity is not None and event.capacity - event.seats_taken < rsvp.seats:
            break
        # Written in the person's language, whoever's request (or the beat) freed the seat.
        with translation.override(rsvp_language(rsvp)):
            if event.waitlist_mode == Event.WaitlistMode.CLAIM:
                rsvp.status = RSVP.Status.OFFERED
                rsvp.offer_expires_at = min(now + timedelta(hours=event.claim_window_hours), event.starts_at)
                rsvp.save(update_fields=["status", "offer_expires_at", "updated_at"])
                _add_seats(event, offered=rsvp.seats)
                local_expiry = format_local(rsvp.offer_expires_at, event.zone, gettext("l d F, H:i"))
                title = gettext("A spot opened up: %(event)s") % {"event": event.title}
                body = gettext(
                    "It is held for you: confirm it before %(until)s (%(zone)s), or it passes to the next person."
                ) % {"until": local_expiry, "zone": event.timezone}
                key = f"waitlist-offer:{rsvp.pk}"
            else:
                rsvp.status = RSVP.Status.GOING
                rsvp.hold_expires_at = _hold_until(rsvp, now=now)
                rsvp.save(update_fields=["status", "hold_expires_at", "updated_at"])
                _add_seats(event, going=rsvp.seats)
                title = gettext("You're in: %(event)s") % {"event": event.title}
                body = gettext("You moved from the waitlist to the attendee list. See you there!") + _online_line(
                    event, rsvp
                )
                if rsvp.is_unconfirmed:
                    body += _hold_line(event, rsvp)
                key = f"waitlist-promotion:{rsvp.pk}"
            manage_url = rsvp_manage_url(rsvp)
            notify(
                recipient=rsvp.user,
                email=rsvp.email,
                kind=Kind.WAITLIST_PROMOTION,
                context=_event_context(event, title=title, body=body, url=manage_url, manage_url=manage_url),
                dedupe_key=key,
            )
        promoted.append(rsvp)
    return promoted


def _release_rsvp(event: Event, rsvp: RSVP, *, reason: str, now: datetime) -> None:
    if rsvp.status == RSVP.Status.GOING:
        _add_seats(event, going=-rsvp.seats)
    elif rsvp.status == RSVP.Status.OFFERED:
        _add_seats(event, offered=-rsvp.seats)
    rsvp.status = RSVP.Status.CANCELLED
    rsvp.cancel_reason = reason
    rsvp.cancelled_at = now
    rsvp.checked_in_at = None
    rsvp.hold_expires_at = None
    rsvp.save(
        update_fields=["status", "cancel_reason", "cancelled_at", "checked_in_at", "hold_expires_at", "updated_at"]
    )

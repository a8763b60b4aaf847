"""The host's tools at the door and after: check-in by code or from the list, walk-ins (over
capacity when the host says so), removing an RSVP, and the attendee export."""

from collections.abc import Iterator
from datetime import datetime

from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from events import selectors
from events.models import RSVP, Event
from events.services._common import _event_context, _lock_event, _require_host, rsvp_language
from events.services._seats import (
    _add_seats,
    _new_code_for,
    _promote_waitlist,
    _release_expired_holds,
    _release_rsvp,
)


@transaction.atomic
def rsvp_check_in(
    *, event_id: int, actor, code: str = "", rsvp_id: int | None = None, now: datetime | None = None
) -> RSVP:
    """The host marks someone arrived, by their short code (or QR) or from the list."""
    event = Event.objects.get(pk=event_id)
    _require_host(event, actor)
    rsvps = RSVP.objects.select_for_update().filter(event=event)
    if rsvp_id is not None:
        rsvp = rsvps.filter(pk=rsvp_id).first()
    else:
        normalized = "".join((code or "").split()).upper()
        rsvp = rsvps.filter(check_in_code=normalized).first() if normalized else None
    if rsvp is None:
        raise ValidationError({"code": gettext("No RSVP with that code for this event.")})
    if rsvp.status != RSVP.Status.GOING:
        raise ValidationError(
            {
                "code": gettext("%(name)s is not confirmed (%(status)s).")
                % {"name": rsvp.name, "status": rsvp.get_status_display().lower()}
            }
        )
    if rsvp.checked_in_at:
        local = timezone.localtime(rsvp.checked_in_at, event.zone)
        raise Conflict(
            gettext("%(name)s was already checked in at %(time)s.") % {"name": rsvp.name, "time": f"{local:%H:%M}"},
            code="already_checked_in",
        )
    now = now or timezone.now()
    if rsvp.is_unconfirmed and rsvp.hold_expires_at <= now:
        raise ValidationError(
            {"code": gettext("%(name)s never confirmed their email and their hold ran out.") % {"name": rsvp.name}}
        )
    rsvp.checked_in_at = now
    # The host sees them at the door: that confirms an unconfirmed guest as well as an email would.
    rsvp.hold_expires_at = None
    rsvp.save(update_fields=["checked_in_at", "hold_expires_at", "updated_at"])
    return rsvp


@transaction.atomic
def rsvp_add_walk_in(
    *,
    event_id: int,
    actor,
    name: str,
    email: str = "",
    guests: int = 0,
    over_capacity: bool = False,
    now: datetime | None = None,
) -> RSVP:
    """Someone turns up without an RSVP: the host adds them, checked in, if a seat is free, or
    beyond the capacity when the host explicitly admits them over it (a full hall often has room
    for one more at the back). Admitting over capacity raises the capacity by what was missing: the
    host has just shown the room holds that many, and seats going + held never exceed capacity (a
    database constraint)."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    if event.is_cancelled:
        raise ValidationError(gettext("This event was cancelled."))
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": gettext("Give the walk-in's name.")})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": gettext("That email address is not valid.")})
        if event.rsvps.filter(email__iexact=email, status__in=RSVP.ACTIVE_STATUSES).exists():
            raise Conflict(gettext("That person already has an RSVP; check them in by their code."))
    try:
        guests = int(guests or 0)
    except (TypeError, ValueError):
        raise ValidationError({"guests": gettext("The number of guests must be a whole number.")})
    if not 0 <= guests <= event.max_guests_per_rsvp:
        raise ValidationError(
            {
                "guests": ngettext(
                    "Each person may bring up to %(count)d guest.",
                    "Each person may bring up to %(count)d guests.",
                    event.max_guests_per_rsvp,
                )
                % {"count": event.max_guests_per_rsvp}
            }
        )
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    seats = 1 + guests
    if event.capacity is not None and event.capacity - event.seats_taken < seats and not over_capacity:
        raise Conflict(gettext("The event is full. Tick “Admit over capacity” to let them in anyway."), code="full")
    if event.capacity is not None and event.capacity - event.seats_taken < seats:
        event.capacity = event.seats_taken + seats
        event.save(update_fields=["capacity", "updated_at"])
    rsvp = RSVP.objects.create(
        event=event,
        name=name[:120],
        email=email,
        guests=seats - 1,
        status=RSVP.Status.GOING,
        is_walk_in=True,
        checked_in_at=now,
        check_in_code=_new_code_for(event),
    )
    _add_seats(event, going=seats)
    return rsvp


@transaction.atomic
def rsvp_remove_by_host(*, event_id: int, rsvp_id: int, actor, reason: str = "", now: datetime | None = None) -> RSVP:
    """The host takes someone off the list (a duplicate, a no-show's seat, a person asked to leave):
    their seats go to the waitlist, and they are told, with the host's reason when given."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    rsvp = RSVP.objects.select_for_update().filter(pk=rsvp_id, event=event).first()
    if rsvp is None:
        raise ValidationError(gettext("This RSVP is not on this event's list."))
    if rsvp.status == RSVP.Status.CANCELLED:
        raise Conflict(gettext("This RSVP is already cancelled."))
    _release_rsvp(event, rsvp, reason="host", now=now)
    _promote_waitlist(event, now=now)
    reason = " ".join((reason or "").split())[:300]
    with translation.override(rsvp_language(rsvp)):  # the host's language is not theirs
        body = gettext("The host removed your RSVP, so your spot has gone to someone else.")
        if reason:
            body += " " + gettext("Their reason: %(reason)s") % {"reason": reason}
        notify(
            recipient=rsvp.user,
            email=rsvp.email,
            kind=Kind.RSVP_CONFIRMATION,
            context=_event_context(
                event,
                title=gettext("Your RSVP was removed: %(event)s") % {"event": event.title},
                body=body,
                url=event.get_absolute_url(),
            ),
            dedupe_key=f"rsvp-removed:{rsvp.pk}",
        )
    return rsvp


ATTENDEE_EXPORT_HEADER = (
    "name",
    "email",
    "status",
    "confirmation",
    "guests",
    "waitlist_position",
    "check_in_code",
    "checked_in_at",
    "walk_in",
    "rsvped_at",
)


def attendee_export_rows(*, event: Event, actor) -> Iterator[list]:
    """The host's attendee list as spreadsheet rows (going, unconfirmed, waiting, cancelled), in
    the order of ATTENDEE_EXPORT_HEADER. Only the host may export it (checked before any row)."""
    _require_host(event, actor)
    lists = selectors.event_rsvp_lists(event=event)
    rsvps = [*lists["going"], *lists["unconfirmed"], *lists["waiting"], *lists["cancelled"]]
    return (_export_row(rsvp, event) for rsvp in rsvps)


def _export_row(rsvp: RSVP, event: Event) -> list:
    return [
        rsvp.name,
        rsvp.email,
        rsvp.status,
        _confirmation_label(rsvp, event),
        rsvp.guests,
        rsvp.waitlist_position or "",
        rsvp.check_in_code,
        rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else "",
        "yes" if rsvp.is_walk_in else "",
        rsvp.created_at.isoformat(),
    ]


def _confirmation_label(rsvp: RSVP, event: Event) -> str:
    if rsvp.is_unconfirmed:
        local = timezone.localtime(rsvp.hold_expires_at, event.zone)
        return gettext("unconfirmed (hold until %(time)s)") % {"time": f"{local:%H:%M}"}
    return ""

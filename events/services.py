"""Writes for events. Every function checks who may do it, then writes in one transaction.

Locking rule: anything that changes seats or the waitlist locks the event row first
(`select_for_update`), then reads and writes its RSVPs. One lock per event serialises RSVPs,
cancellations, promotions and offer expiries, so the capacity check and the write can never
interleave, and the same lock order everywhere means no deadlocks.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk
from events.models import RSVP, CalendarFeed, Event, EventMessage, new_check_in_code

RSVP_TOKEN_SALT = "events.rsvp.manage"
# A different salt from the manage link: the manage link is shown in the browser right after a guest
# RSVPs, so holding it proves nothing; the confirmation link only ever travels by email.
RSVP_CONFIRM_SALT = "events.rsvp.confirm-email"
HOLD_EXPIRED = "hold_expired"
MESSAGE_MIN_INTERVAL = timedelta(minutes=10)
MESSAGES_PER_DAY = 5

# Changes to these are announced to everyone with an RSVP.
LOGISTICS_FIELDS = ("starts_at", "ends_at", "timezone", "venue_name", "address", "city", "online_url")

EDITABLE_FIELDS = (
    "title",
    "description",
    "kind",
    "timezone",
    "starts_at",
    "ends_at",
    "venue_name",
    "address",
    "city",
    "latitude",
    "longitude",
    "online_url",
    "accessibility_notes",
    "capacity",
    "max_guests_per_rsvp",
    "rsvp_deadline",
    "waitlist_mode",
    "claim_window_hours",
    "turnout_minimum",
    "commitment_deadline",
    "campaign",
    "group",
    "cause",
)


# --- helpers ---------------------------------------------------------------------------------------


def rsvp_manage_token(rsvp: RSVP) -> str:
    """The signed token in a guest's confirmation link: holding it is permission to manage the RSVP."""
    return signing.dumps({"rsvp": rsvp.pk}, salt=RSVP_TOKEN_SALT, compress=True)


def rsvp_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=RSVP_TOKEN_SALT)["rsvp"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def rsvp_manage_url(rsvp: RSVP) -> str:
    return reverse("events:rsvp_manage", kwargs={"token": rsvp_manage_token(rsvp)})


def rsvp_confirm_token(rsvp: RSVP) -> str:
    """The token in the email that confirms a guest's address; bound to the address it was sent to."""
    return signing.dumps({"rsvp": rsvp.pk, "email": rsvp.email}, salt=RSVP_CONFIRM_SALT, compress=True)


def rsvp_id_from_confirm_token(token: str) -> int | None:
    try:
        payload = signing.loads(token, salt=RSVP_CONFIRM_SALT)
        rsvp_id, email = int(payload["rsvp"]), payload["email"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return rsvp_id if RSVP.objects.filter(pk=rsvp_id, email=email).exists() else None


def rsvp_confirm_url(rsvp: RSVP) -> str:
    return reverse("events:rsvp_confirm", kwargs={"token": rsvp_confirm_token(rsvp)})


def _needs_email_confirmation(rsvp: RSVP) -> bool:
    """Guests typed an address nobody checked; members' and walk-ins' (the host saw them) are trusted."""
    return rsvp.user_id is None and rsvp.email_confirmed_at is None and not rsvp.is_walk_in


def _hold_until(rsvp: RSVP, *, now: datetime) -> datetime | None:
    """When an RSVP becoming going loses its seats unless confirmed; None when it keeps them."""
    return now + settings.GUEST_RSVP_HOLD if _needs_email_confirmation(rsvp) else None


def _hold_line(event: Event, rsvp: RSVP) -> str:
    local = timezone.localtime(rsvp.hold_expires_at, event.zone)
    return (
        f" Confirm your email by {local:%H:%M} ({event.timezone}) to keep your spot, or it is released:"
        f" {rsvp_confirm_url(rsvp)}"
    )


def _is_host(event: Event, actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.pk == event.host_id)


def _require_host(event: Event, actor) -> None:
    if not _is_host(event, actor):
        raise PermissionDenied("Only the event's host can do that.")


def _lock_event(event_id: int) -> Event:
    try:
        return Event.objects.select_for_update().get(pk=event_id)
    except Event.DoesNotExist:
        raise ValidationError("This event does not exist.")


def _may_manage_rsvp(rsvp: RSVP, *, actor, manage_token: str) -> bool:
    if manage_token and rsvp_id_from_token(manage_token) == rsvp.pk:
        return True
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.pk == rsvp.user_id
    return False


def _event_context(event: Event, **extra) -> dict:
    """What the notification templates show: `event`, `starts_at` (in the event's own zone),
    `location`, and `url` (the event page unless the caller points it at the RSVP's page)."""
    from events.calendar import event_location

    local = timezone.localtime(event.starts_at, event.zone)
    return {
        "event_id": event.pk,
        "event": event.title,
        "starts_at": f"{local:%A %d %B %Y, %H:%M} ({event.timezone})",
        "location": event_location(event),
        "url": event.get_absolute_url(),
        **extra,
    }


def _online_line(event: Event) -> str:
    """The online link, for messages that only ever go to people confirmed going."""
    return f" Join online: {event.online_url}" if event.online_url else ""


def _notify_rsvps(rsvps, *, kind: str, context: dict, dedupe_key: str) -> int:
    """Tell a set of RSVPs something: account holders in one batched insert, guests one by one.
    Keys are per person, so a retry notifies nobody twice."""
    rsvps = list(rsvps)
    users = [r.user for r in rsvps if r.user_id]
    sent = notify_bulk(recipients=users, kind=kind, context=context, dedupe_key=dedupe_key) if users else 0
    for rsvp in rsvps:
        if rsvp.user_id is None and rsvp.email:
            guest_context = {**context, "manage_url": rsvp_manage_url(rsvp)}
            if notify(email=rsvp.email, kind=kind, context=guest_context, dedupe_key=f"{dedupe_key}:rsvp{rsvp.pk}"):
                sent += 1
    return sent


def _unique_slug(title: str) -> str:
    base = slugify(title)[:140] or "event"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        if not Event.objects.filter(slug=slug).exists():
            return slug


def _can_host_for_group(actor, group) -> bool:
    """The group's owners and moderators (not banned) may put events under its name."""
    from communities.selectors import group_access

    access = group_access(group=group, user=actor)
    return access.can_moderate and not access.is_banned


def _validate_event(event: Event, *, now: datetime, starts_changed: bool, actor) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        add("ends_at", "The event must end after it starts.")
    if starts_changed and event.starts_at and event.starts_at <= now:
        add("starts_at", "The start must be in the future.")
    if event.kind == Event.Kind.ONLINE and not event.online_url:
        add("online_url", "An online action needs a link.")
    if not event.online_url and not (event.address or event.venue_name):
        add("address", "Give a venue and address, or an online link.")
    if (event.latitude is None) != (event.longitude is None):
        add("latitude", "Give both latitude and longitude, or neither.")
    if event.latitude is not None and not -90 <= event.latitude <= 90:
        add("latitude", "Latitude is between -90 and 90.")
    if event.longitude is not None and not -180 <= event.longitude <= 180:
        add("longitude", "Longitude is between -180 and 180.")
    if event.capacity is not None and event.capacity < 1:
        add("capacity", "Capacity is at least 1 (leave it empty for unlimited).")
    if event.rsvp_deadline and event.starts_at and event.rsvp_deadline > event.starts_at:
        add("rsvp_deadline", "RSVPs must close before the event starts.")
    if event.turnout_minimum is not None:
        if event.turnout_minimum < 1:
            add("turnout_minimum", "The minimum turnout is at least 1.")
        if not event.commitment_deadline:
            add("commitment_deadline", "A minimum turnout needs a commitment deadline.")
        elif event.starts_at and event.commitment_deadline > event.starts_at:
            add("commitment_deadline", "The commitment deadline must be before the start.")
        if event.capacity is not None and event.turnout_minimum > event.capacity:
            add("turnout_minimum", "The minimum turnout cannot exceed the capacity.")
    elif event.commitment_deadline:
        add("turnout_minimum", "Set the minimum turnout the deadline is for.")
    if not 1 <= (event.claim_window_hours or 0) <= 168:
        add("claim_window_hours", "The claim window is between 1 and 168 hours.")
    if event.max_guests_per_rsvp is not None and event.max_guests_per_rsvp > 20:
        add("max_guests_per_rsvp", "At most 20 guests per RSVP.")
    if event.campaign_id and not event.campaign.is_public:
        add("campaign", "Link a published campaign.")
    if event.group_id and not _can_host_for_group(actor, event.group):
        add("group", "Only the group's owners and moderators can host events for it.")
    if errors:
        raise ValidationError(errors)
    try:
        event.full_clean(exclude=["slug", "host", "description_html", "group", "campaign", "cause"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict)


# --- events ----------------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, host, now: datetime | None = None, **fields) -> Event:
    """Anyone signed in may host an event."""
    if host is None or not getattr(host, "is_authenticated", False) or not host.is_active:
        raise PermissionDenied("Sign in to host an event.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown event fields: {sorted(unknown)}")
    now = now or timezone.now()
    event = Event(host=host, **fields)
    if event.cause_id is None and event.campaign_id:
        event.cause_id = event.campaign.cause_id
    _validate_event(event, now=now, starts_changed=True, actor=host)
    event.slug = _unique_slug(event.title)
    event.description_html = render_markdown(event.description)
    event.save()
    return event


@transaction.atomic
def event_update(*, event_id: int, actor, now: datetime | None = None, **changes) -> Event:
    """Only the host edits. Locks the event (capacity may change under waiting RSVPs)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown event fields: {sorted(unknown)}")
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    if event.is_cancelled:
        raise Conflict("This event was cancelled; it can no longer be edited.")
    holds_released = _release_expired_holds(event, now=now)
    old_starts_at, old_capacity = event.starts_at, event.capacity
    old_turnout = (event.turnout_minimum, event.commitment_deadline)
    old_logistics = [getattr(event, field) for field in LOGISTICS_FIELDS]
    for field, value in changes.items():
        setattr(event, field, value)
    if event.capacity is not None and event.capacity < event.seats_taken:
        raise ValidationError(
            {"capacity": f"{event.seats_taken} seats are already taken; the capacity cannot be lower than that."}
        )
    if event.turnout_decided_at and (event.turnout_minimum, event.commitment_deadline) != old_turnout:
        raise ValidationError({"turnout_minimum": "The turnout was already decided; it cannot change now."})
    _validate_event(event, now=now, starts_changed=event.starts_at != old_starts_at, actor=actor)
    if event.starts_at != old_starts_at:
        # Reminders follow the new time (their dedupe keys include the start).
        event.reminder_24h_sent_at = None
        event.reminder_1h_sent_at = None
    event.description_html = render_markdown(event.description)
    event.save()
    if holds_released or (old_capacity is not None and (event.capacity is None or event.capacity > old_capacity)):
        _promote_waitlist(event, now=now)
    if old_logistics != [getattr(event, field) for field in LOGISTICS_FIELDS]:
        # People who said yes planned around the old time and place: tell them what changed.
        context = _event_context(
            event,
            title=f"Changed: {event.title}",
            body=f"The host changed the time or place. It is now {_event_context(event)['starts_at']}"
            + (f" at {_event_context(event)['location']}." if event.address or event.venue_name else "."),
        )
        _notify_rsvps(
            event.rsvps.filter(status__in=RSVP.ACTIVE_STATUSES).select_related("user"),
            kind=Kind.EVENT_MESSAGE,
            context=context,
            dedupe_key=f"event-changed:{event.pk}:{int(now.timestamp())}",
        )
    return event


def _cancel_event_locked(event: Event, *, reason: str, now: datetime) -> int:
    event.status = Event.Status.CANCELLED
    event.cancel_reason = reason[:300]
    event.cancelled_at = now
    event.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    rsvps = event.rsvps.filter(status__in=RSVP.ACTIVE_STATUSES).select_related("user")
    body = f"{event.title} on {_event_context(event)['starts_at']} is cancelled."
    if reason:
        body += f" {reason}"
    return _notify_rsvps(
        rsvps,
        kind=Kind.EVENT_CANCELLED,
        context=_event_context(event, title=f"Cancelled: {event.title}", body=body),
        dedupe_key=f"event-cancelled:{event.pk}",
    )


@transaction.atomic
def event_cancel(*, event_id: int, actor, reason: str = "", now: datetime | None = None) -> Event:
    """Only the host cancels; everyone with an RSVP (going, offered or waitlisted) is told."""
    event = _lock_event(event_id)
    _require_host(event, actor)
    if event.is_cancelled:
        raise Conflict("This event is already cancelled.")
    _cancel_event_locked(event, reason=reason, now=now or timezone.now())
    return event


@transaction.atomic
def event_duplicate(*, event_id: int, actor, starts_at: datetime, now: datetime | None = None) -> Event:
    """A new event with the same details at another time (a recurring action); no RSVPs are copied."""
    source = Event.objects.get(pk=event_id)
    _require_host(source, actor)
    duration = source.ends_at - source.starts_at
    fields = {f: getattr(source, f) for f in EDITABLE_FIELDS}
    fields.update(starts_at=starts_at, ends_at=starts_at + duration)
    shift = starts_at - source.starts_at
    for field in ("rsvp_deadline", "commitment_deadline"):
        if fields[field]:
            fields[field] = fields[field] + shift
    return event_create(host=actor, now=now, **fields)


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
        rsvps = (
            event.rsvps.filter(status__in=RSVP.ACTIVE_STATUSES)
            .exclude(status=RSVP.Status.GOING, hold_expires_at__isnull=False)
            .select_related("user")
        )
        _notify_rsvps(
            rsvps,
            kind=Kind.EVENT_CONFIRMED,
            context=_event_context(
                event,
                title=f"It's on: {event.title}",
                body=f"{committed} people committed (the minimum was {event.turnout_minimum}). See you there!",
            ),
            dedupe_key=f"event-confirmed:{event.pk}",
        )
        return "confirmed"
    event.save(update_fields=["turnout_decided_at", "updated_at"])
    _cancel_event_locked(
        event,
        reason=f"Only {committed} of the {event.turnout_minimum} people needed committed by the deadline.",
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


# --- RSVPs -----------------------------------------------------------------------------------------

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


@transaction.atomic
def rsvp_create(
    *,
    event_id: int,
    user=None,
    name: str = "",
    email: str = "",
    guests: int = 0,
    show_publicly: bool = False,
    now: datetime | None = None,
) -> RSVP:
    """Say yes to an event, signed in (`user`) or as a guest (`name` + `email`).

    Locks the event row, so the seat count read here is the one written: people beyond the
    capacity join the waitlist in the order they arrived. A second RSVP by the same person is a
    Conflict. Anyone may RSVP while RSVPs are open.
    """
    now = now or timezone.now()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None:
        name, email = user.public_name, user.email.lower()
    else:
        name, email = (name or "").strip(), (email or "").strip().lower()
        errors = {}
        if not name:
            errors["name"] = ["Tell the host your name."]
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Give an email address so we can confirm your spot."]
        if errors:
            raise ValidationError(errors)
    try:
        guests = int(guests or 0)
    except (TypeError, ValueError):
        raise ValidationError({"guests": "The number of guests must be a whole number."})

    event = _lock_event(event_id)
    if event.is_cancelled:
        raise ValidationError("This event was cancelled.")
    if not event.rsvp_open(now):
        raise ValidationError("RSVPs for this event are closed.")
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    if not 0 <= guests <= event.max_guests_per_rsvp:
        raise ValidationError({"guests": f"You can bring up to {event.max_guests_per_rsvp} guests."})
    same_person = Q(email__iexact=email) | (Q(user=user) if user is not None else Q(pk__in=[]))
    if event.rsvps.filter(same_person, status__in=RSVP.ACTIVE_STATUSES).exists():
        raise Conflict("You have already RSVPed to this event.", code="duplicate_rsvp")

    seats = 1 + guests
    fits = _fits(event, seats)
    rsvp = RSVP(
        event=event,
        user=user,
        name=name[:120],
        email=email,
        guests=guests,
        show_publicly=bool(show_publicly),
        check_in_code=_new_code_for(event),
    )
    if fits:
        rsvp.status = RSVP.Status.GOING
        rsvp.hold_expires_at = _hold_until(rsvp, now=now)
    else:
        rsvp.status = RSVP.Status.WAITLISTED
        rsvp.waitlist_position = _next_waitlist_position(event)
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        raise Conflict("You have already RSVPed to this event.", code="duplicate_rsvp")
    if fits:
        _add_seats(event, going=seats)

    if rsvp.is_unconfirmed:
        # The code and link go only to the typed address, so whoever reads them controls it.
        title = f"Confirm your spot: {event.title}"
        body = f"Your check-in code is {rsvp.check_in_code}." + _hold_line(event, rsvp) + _online_line(event)
    elif rsvp.status == RSVP.Status.GOING:
        title = f"You're going: {event.title}"
        body = f"Your spot is confirmed. Your check-in code is {rsvp.check_in_code}." + _online_line(event)
    else:
        place = rsvp_waitlist_place(rsvp)
        title, body = f"Waitlisted: {event.title}", f"The event is full; you are number {place} on the waitlist."
    manage_url = rsvp_manage_url(rsvp)
    body += " Manage or cancel your RSVP with the link below (keep it private)."
    notify(
        recipient=user,
        email=email,
        kind=Kind.RSVP_CONFIRMATION,
        context=_event_context(
            event,
            title=title,
            body=body,
            url=manage_url,
            manage_url=manage_url,
            check_in_code=rsvp.check_in_code,
            **({"confirm_url": rsvp_confirm_url(rsvp)} if _needs_email_confirmation(rsvp) else {}),
        ),
        dedupe_key=f"rsvp-confirmation:{rsvp.pk}",
    )
    return rsvp


@transaction.atomic
def rsvp_confirm_email(*, token: str, now: datetime | None = None) -> RSVP:
    """A guest follows the link emailed to them: their address is real, so their seats are theirs
    to keep. Within the hold nothing else changes; after it ran out the seats went back, so the
    RSVP is admitted again as a newcomer (going if seats are free and nobody waits, else waitlisted).
    Confirming twice is a no-op. Locks the event, then the RSVP."""
    now = now or timezone.now()
    rsvp_id = rsvp_id_from_confirm_token(token)
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first() if rsvp_id else None
    if event_id is None:
        raise ValidationError("This confirmation link is not valid.")
    event = _lock_event(event_id)
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if rsvp.status != RSVP.Status.CANCELLED:
        if rsvp.email_confirmed_at is None or rsvp.is_unconfirmed:
            rsvp.email_confirmed_at = rsvp.email_confirmed_at or now
            rsvp.hold_expires_at = None
            rsvp.save(update_fields=["email_confirmed_at", "hold_expires_at", "updated_at"])
        return rsvp
    if rsvp.cancel_reason != HOLD_EXPIRED:
        raise ValidationError("This RSVP was cancelled. RSVP again from the event page.")
    rsvp.email_confirmed_at = now
    if event.is_cancelled:
        raise ValidationError("This event was cancelled.")
    if not event.rsvp_open(now):
        raise ValidationError("RSVPs for this event are closed.")
    if event.rsvps.filter(email__iexact=rsvp.email, status__in=RSVP.ACTIVE_STATUSES).exists():
        raise Conflict("You have already RSVPed to this event.", code="duplicate_rsvp")
    fits = _fits(event, rsvp.seats)
    rsvp.cancel_reason, rsvp.cancelled_at = "", None
    if fits:
        rsvp.status, rsvp.waitlist_position = RSVP.Status.GOING, None
    else:
        rsvp.status, rsvp.waitlist_position = RSVP.Status.WAITLISTED, _next_waitlist_position(event)
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        raise Conflict("You have already RSVPed to this event.", code="duplicate_rsvp")
    if fits:
        _add_seats(event, going=rsvp.seats)
        title = f"You're going: {event.title}"
        body = f"Your spot is confirmed. Your check-in code is {rsvp.check_in_code}." + _online_line(event)
    else:
        place = rsvp_waitlist_place(rsvp)
        title = f"Waitlisted: {event.title}"
        body = f"Your hold ran out and the event filled up; you are number {place} on the waitlist."
    manage_url = rsvp_manage_url(rsvp)
    notify(
        email=rsvp.email,
        kind=Kind.RSVP_CONFIRMATION,
        context=_event_context(event, title=title, body=body, url=manage_url, manage_url=manage_url),
        dedupe_key=f"rsvp-reconfirmed:{rsvp.pk}:{int(now.timestamp())}",
    )
    return rsvp


def rsvp_waitlist_place(rsvp: RSVP) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if rsvp.status != RSVP.Status.WAITLISTED:
        return None
    ahead = RSVP.objects.filter(
        event_id=rsvp.event_id, status=RSVP.Status.WAITLISTED, waitlist_position__lt=rsvp.waitlist_position
    ).count()
    return ahead + 1


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
        if event.waitlist_mode == Event.WaitlistMode.CLAIM:
            rsvp.status = RSVP.Status.OFFERED
            rsvp.offer_expires_at = min(now + timedelta(hours=event.claim_window_hours), event.starts_at)
            rsvp.save(update_fields=["status", "offer_expires_at", "updated_at"])
            _add_seats(event, offered=rsvp.seats)
            local_expiry = timezone.localtime(rsvp.offer_expires_at, event.zone)
            title = f"A spot opened up: {event.title}"
            body = (
                f"Confirm your spot before {local_expiry:%A %d %B, %H:%M} ({event.timezone}), "
                "or it passes to the next person."
            )
            key = f"waitlist-offer:{rsvp.pk}"
        else:
            rsvp.status = RSVP.Status.GOING
            rsvp.hold_expires_at = _hold_until(rsvp, now=now)
            rsvp.save(update_fields=["status", "hold_expires_at", "updated_at"])
            _add_seats(event, going=rsvp.seats)
            title = f"You're in: {event.title}"
            body = "A spot opened up and it is yours. See you there!" + _online_line(event)
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


@transaction.atomic
def rsvp_cancel(*, rsvp_id: int, actor=None, manage_token: str = "", now: datetime | None = None) -> RSVP:
    """The attendee (signed in, or holding the signed link) or the host cancels an RSVP; the
    freed seats go to the waitlist. Locks the event, then the RSVP."""
    now = now or timezone.now()
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first()
    if event_id is None:
        raise ValidationError("This RSVP does not exist.")
    event = _lock_event(event_id)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not (_may_manage_rsvp(rsvp, actor=actor, manage_token=manage_token) or _is_host(event, actor)):
        raise PermissionDenied("You cannot change this RSVP.")
    if rsvp.status == RSVP.Status.CANCELLED:
        raise Conflict("This RSVP is already cancelled.")
    _release_rsvp(
        event, rsvp, reason="host" if _is_host(event, actor) and actor.pk != rsvp.user_id else "attendee", now=now
    )
    _promote_waitlist(event, now=now)
    return rsvp


@transaction.atomic
def rsvp_claim_offer(*, rsvp_id: int, actor=None, manage_token: str = "", now: datetime | None = None) -> RSVP:
    """The person offered a spot takes it before the claim window closes."""
    now = now or timezone.now()
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first()
    if event_id is None:
        raise ValidationError("This RSVP does not exist.")
    event = _lock_event(event_id)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not _may_manage_rsvp(rsvp, actor=actor, manage_token=manage_token):
        raise PermissionDenied("You cannot change this RSVP.")
    if rsvp.status == RSVP.Status.GOING:
        raise Conflict("Your spot is already confirmed.")
    if rsvp.status != RSVP.Status.OFFERED:
        raise ValidationError("There is no spot waiting for you to claim.")
    if rsvp.offer_expires_at <= now:
        raise ValidationError("Sorry, the time to claim this spot has run out.")
    rsvp.status = RSVP.Status.GOING
    rsvp.offer_expires_at = None
    # The manage link that claims is also shown in the browser, so a guest still confirms by email.
    rsvp.hold_expires_at = _hold_until(rsvp, now=now)
    rsvp.save(update_fields=["status", "offer_expires_at", "hold_expires_at", "updated_at"])
    _add_seats(event, going=rsvp.seats, offered=-rsvp.seats)
    if rsvp.is_unconfirmed:
        notify(
            email=rsvp.email,
            kind=Kind.RSVP_CONFIRMATION,
            context=_event_context(
                event, title=f"Confirm your spot: {event.title}", body=_hold_line(event, rsvp).strip()
            ),
            dedupe_key=f"rsvp-claim-hold:{rsvp.pk}",
        )
    return rsvp


def rsvp_expire_offers(*, now: datetime | None = None) -> int:
    """Offers not claimed in time pass to the next person in line. Safe to run any number of
    times: each event is handled under its lock and re-checks what is still expired."""
    now = now or timezone.now()
    event_ids = set(
        RSVP.objects.filter(status=RSVP.Status.OFFERED, offer_expires_at__lte=now).values_list("event_id", flat=True)
    )
    expired = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            stale = list(event.rsvps.select_for_update().filter(status=RSVP.Status.OFFERED, offer_expires_at__lte=now))
            for rsvp in stale:
                _release_rsvp(event, rsvp, reason="offer_expired", now=now)
                expired += 1
            _promote_waitlist(event, now=now)
    return expired


def rsvp_release_expired_holds(*, now: datetime | None = None) -> int:
    """The beat's sweep: guests who did not confirm their email in time lose their seats, which
    go to the waitlist. Idempotent: each event is handled under its lock and re-checks."""
    now = now or timezone.now()
    event_ids = set(
        RSVP.objects.filter(status=RSVP.Status.GOING, hold_expires_at__lte=now).values_list("event_id", flat=True)
    )
    released = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            count = _release_expired_holds(event, now=now)
            if count:
                _promote_waitlist(event, now=now)
            released += count
    return released


@transaction.atomic
def rsvp_set_visibility(*, rsvp_id: int, show_publicly: bool, actor=None, manage_token: str = "") -> RSVP:
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not _may_manage_rsvp(rsvp, actor=actor, manage_token=manage_token):
        raise PermissionDenied("You cannot change this RSVP.")
    rsvp.show_publicly = bool(show_publicly)
    rsvp.save(update_fields=["show_publicly", "updated_at"])
    return rsvp


# --- host tools ------------------------------------------------------------------------------------


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
        raise ValidationError({"code": "No RSVP with that code for this event."})
    if rsvp.status != RSVP.Status.GOING:
        raise ValidationError({"code": f"{rsvp.name} is not confirmed ({rsvp.get_status_display().lower()})."})
    if rsvp.checked_in_at:
        local = timezone.localtime(rsvp.checked_in_at, event.zone)
        raise Conflict(f"{rsvp.name} was already checked in at {local:%H:%M}.", code="already_checked_in")
    now = now or timezone.now()
    if rsvp.is_unconfirmed and rsvp.hold_expires_at <= now:
        raise ValidationError({"code": f"{rsvp.name} never confirmed their email and their hold ran out."})
    rsvp.checked_in_at = now
    # The host sees them at the door: that confirms an unconfirmed guest as well as an email would.
    rsvp.hold_expires_at = None
    rsvp.save(update_fields=["checked_in_at", "hold_expires_at", "updated_at"])
    return rsvp


@transaction.atomic
def rsvp_add_walk_in(
    *, event_id: int, actor, name: str, email: str = "", guests: int = 0, now: datetime | None = None
) -> RSVP:
    """Someone turns up without an RSVP: the host adds them, checked in, if a seat is free."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    if event.is_cancelled:
        raise ValidationError("This event was cancelled.")
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": "Give the walk-in's name."})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": "That email address is not valid."})
        if event.rsvps.filter(email__iexact=email, status__in=RSVP.ACTIVE_STATUSES).exists():
            raise Conflict("That person already has an RSVP; check them in by their code.")
    try:
        guests = int(guests or 0)
    except (TypeError, ValueError):
        raise ValidationError({"guests": "The number of guests must be a whole number."})
    if not 0 <= guests <= event.max_guests_per_rsvp:
        raise ValidationError({"guests": f"Each person may bring up to {event.max_guests_per_rsvp} guests."})
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    seats = 1 + guests
    if event.capacity is not None and event.capacity - event.seats_taken < seats:
        raise Conflict("The event is full. Raise the capacity to admit walk-ins.", code="full")
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
def event_message_create(*, event_id: int, actor, subject: str, body: str, now: datetime | None = None) -> EventMessage:
    """The host writes to everyone going; delivery is a Celery task. Rate-limited per event
    (one every 10 minutes, five a day), checked under the event's lock."""
    now = now or timezone.now()
    event = _lock_event(event_id)
    _require_host(event, actor)
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = ["Give the message a subject."]
    if not body:
        errors["body"] = ["Write a message."]
    if errors:
        raise ValidationError(errors)
    recent = event.messages.filter(created_at__gte=now - timedelta(days=1)).values_list("created_at", flat=True)
    recent = list(recent)
    if len(recent) >= MESSAGES_PER_DAY:
        raise ValidationError(f"You can send at most {MESSAGES_PER_DAY} messages a day to attendees.")
    if any(sent > now - MESSAGE_MIN_INTERVAL for sent in recent):
        raise ValidationError("You just sent a message; wait a few minutes before the next one.")
    message = EventMessage.objects.create(event=event, sender=actor, subject=subject[:140], body=body[:5000])
    # created_at is auto_now_add; make the rate limit use the caller's clock in tests and tasks.
    EventMessage.objects.filter(pk=message.pk).update(created_at=now)
    from events import tasks

    tasks.deliver_event_message.delay_on_commit(message.pk)
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
        context=_event_context(event, title=f"{event.title}: {message.subject}", body=plain_text(message.body)),
        dedupe_key=f"event-message:{message.pk}",
    )
    message.sent_at = now or timezone.now()
    message.recipient_count = count
    message.save(update_fields=["sent_at", "recipient_count"])
    return count


# --- reminders -------------------------------------------------------------------------------------

REMINDER_WINDOWS = (
    ("24h", timedelta(hours=24), "reminder_24h_sent_at"),
    ("1h", timedelta(hours=1), "reminder_1h_sent_at"),
)


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
                when = "tomorrow" if label == "24h" else "in an hour"
                sent += _notify_rsvps(
                    rsvps,
                    kind=Kind.EVENT_REMINDER,
                    context=_event_context(
                        event,
                        title=f"Reminder: {event.title} starts {when}",
                        body=f"{event.title} starts {when}." + _online_line(event),
                    ),
                    dedupe_key=f"event-reminder-{label}:{event.pk}:{int(event.starts_at.timestamp())}",
                )
    return sent


# --- calendar feed ---------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to get your calendar feed.")
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working (for a leaked link)."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed

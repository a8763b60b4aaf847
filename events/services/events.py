"""Events: host, edit, cancel and duplicate one, and what a valid event is. Only the host
changes an event; edits that touch seats lock the event row."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.services.webhooks import EVENT_CANCELLED, webhook_event_emit
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.markdown import render_markdown
from causeweb.core.slugs import unique_slug
from causeweb.notifications.kinds import Kind
from communities.selectors import group_access
from events import policies
from events.models import RSVP, Event
from events.services._common import _event_context, _lock_event, _notify_rsvps, _require_host
from events.services._seats import _promote_waitlist, _release_expired_holds
from events.services.campaign_hosting import campaign_review_for_link

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


def _validate_event(event: Event, *, now: datetime, starts_changed: bool, actor) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        add("ends_at", gettext("The event must end after it starts."))
    if starts_changed and event.starts_at and event.starts_at <= now:
        add("starts_at", gettext("The start must be in the future."))
    if event.kind == Event.Kind.ONLINE and not event.online_url:
        add("online_url", gettext("An online action needs a link."))
    if not event.online_url and not (event.address or event.venue_name):
        add("address", gettext("Give a venue and address, or an online link."))
    if (event.latitude is None) != (event.longitude is None):
        add("latitude", gettext("Give both latitude and longitude, or neither."))
    if event.latitude is not None and not -90 <= event.latitude <= 90:
        add("latitude", gettext("Latitude is between -90 and 90."))
    if event.longitude is not None and not -180 <= event.longitude <= 180:
        add("longitude", gettext("Longitude is between -180 and 180."))
    if event.capacity is not None and event.capacity < 1:
        add("capacity", gettext("Capacity is at least 1 (leave it empty for unlimited)."))
    if event.rsvp_deadline and event.starts_at and event.rsvp_deadline > event.starts_at:
        add("rsvp_deadline", gettext("RSVPs must close before the event starts."))
    if event.turnout_minimum is not None:
        if event.turnout_minimum < 1:
            add("turnout_minimum", gettext("The minimum turnout is at least 1."))
        if not event.commitment_deadline:
            add("commitment_deadline", gettext("A minimum turnout needs a commitment deadline."))
        elif event.starts_at and event.commitment_deadline > event.starts_at:
            add("commitment_deadline", gettext("The commitment deadline must be before the start."))
        if event.capacity is not None and event.turnout_minimum > event.capacity:
            add("turnout_minimum", gettext("The minimum turnout cannot exceed the capacity."))
    elif event.commitment_deadline:
        add("turnout_minimum", gettext("Set the minimum turnout the deadline is for."))
    if not 1 <= (event.claim_window_hours or 0) <= 168:
        add("claim_window_hours", gettext("The claim window is between 1 and 168 hours."))
    if event.max_guests_per_rsvp is not None and event.max_guests_per_rsvp > 20:
        add("max_guests_per_rsvp", gettext("At most 20 guests per RSVP."))
    if event.campaign_id and not event.campaign.is_public:
        add("campaign", gettext("Link a published campaign."))
    if event.group_id and not policies.can_host_for_group(group_access(group=event.group, user=actor)):
        add("group", "Only the group's owners and moderators can host events for it.")
    if errors:
        raise ValidationError(errors)
    try:
        event.full_clean(exclude=["slug", "host", "description_html", "group", "campaign", "cause"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict)


@transaction.atomic
def event_create(*, host, now: datetime | None = None, **fields) -> Event:
    """Anyone signed in may host an event."""
    if not policies.can_host_events(host):
        raise PermissionDenied(gettext("Sign in to host an event."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown event fields: {sorted(unknown)}")
    now = now or timezone.now()
    event = Event(host=host, **fields)
    if event.cause_id is None and event.campaign_id:
        event.cause_id = event.campaign.cause_id
    _validate_event(event, now=now, starts_changed=True, actor=host)
    event.campaign_review = campaign_review_for_link(event, host=host)
    # Events recur under one title (the weekly town hall): every slug gets a random suffix.
    event.slug = unique_slug(
        event.title,
        queryset=Event.objects.all(),
        max_length=Event._meta.get_field("slug").max_length,
        fallback="event",
        always_suffix=True,
    )
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
        raise Conflict(gettext("This event was cancelled; it can no longer be edited."))
    holds_released = _release_expired_holds(event, now=now)
    old_starts_at, old_capacity = event.starts_at, event.capacity
    old_turnout = (event.turnout_minimum, event.commitment_deadline)
    old_logistics = [getattr(event, field) for field in LOGISTICS_FIELDS]
    old_campaign_id = event.campaign_id
    for field, value in changes.items():
        setattr(event, field, value)
    if event.capacity is not None and event.capacity < event.seats_taken:
        raise ValidationError(
            {"capacity": f"{event.seats_taken} seats are already taken; the capacity cannot be lower than that."}
        )
    if event.turnout_decided_at and (event.turnout_minimum, event.commitment_deadline) != old_turnout:
        raise ValidationError({"turnout_minimum": gettext("The turnout was already decided; it cannot change now.")})
    _validate_event(event, now=now, starts_changed=event.starts_at != old_starts_at, actor=actor)
    if event.campaign_id != old_campaign_id:  # a new campaign reviews the event afresh
        event.campaign_review = campaign_review_for_link(event, host=actor)
        event.campaign_reviewed_by, event.campaign_reviewed_at = None, None
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
        def context():
            return _event_context(
                event,
                title=gettext("Changed: %(event)s") % {"event": event.title},
                body=(
                    gettext("The host changed the time or place. It is now %(when)s at %(place)s.")
                    if event.address or event.venue_name
                    else gettext("The host changed the time or place. It is now %(when)s.")
                )
                % {"when": _event_context(event)["starts_at"], "place": _event_context(event)["location"]},
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
    # Partners hear of the whole event once (not one rsvp.cancelled per attendee: the RSVPs stay as
    # they were, only the event is off), whether the host or the turnout rule cancelled it.
    webhook_event_emit(
        campaign_id=event.campaign_id,
        event_type=EVENT_CANCELLED,
        data={
            "event": event.slug,
            "title": event.title,
            "starts_at": event.starts_at,
            "reason": event.cancel_reason,
            "rsvps_told": rsvps.count(),
        },
        event_key=f"event:{event.pk}",
    )

    def context():  # under each recipient's language
        body = gettext("%(event)s on %(when)s is cancelled.") % {
            "event": event.title,
            "when": _event_context(event)["starts_at"],
        }
        if reason:
            body += f" {reason}"
        return _event_context(event, title=gettext("Cancelled: %(event)s") % {"event": event.title}, body=body)

    return _notify_rsvps(
        rsvps,
        kind=Kind.EVENT_CANCELLED,
        context=context,
        dedupe_key=f"event-cancelled:{event.pk}",
    )


@transaction.atomic
def event_cancel(*, event_id: int, actor, reason: str = "", now: datetime | None = None) -> Event:
    """Only the host cancels; everyone with an RSVP (going, offered or waitlisted) is told."""
    event = _lock_event(event_id)
    _require_host(event, actor)
    if event.is_cancelled:
        raise Conflict(gettext("This event is already cancelled."))
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

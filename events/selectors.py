"""Reads for events, each with the joins its page needs so lists run in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone

from causeweb.core import replica
from events.models import RSVP, CalendarFeed, CampaignHosting, Event

EARTH_RADIUS_KM = 6371.0088
PUBLIC_STATUSES = (Event.Status.SCHEDULED, Event.Status.CONFIRMED)
# An event hosted under a campaign by someone else appears only once the campaign approved it.
APPROVED = Event.CampaignReview.APPROVED


def _public_upcoming(now: datetime | None = None) -> QuerySet[Event]:
    now = now or timezone.now()
    return (
        Event.objects.filter(
            status__in=PUBLIC_STATUSES, ends_at__gt=now, hidden_at__isnull=True, campaign_review=APPROVED
        )
        .select_related("campaign", "cause", "group", "host")
        .order_by("starts_at", "id")
    )


@replica.public_read
def event_list_featured(*, limit: int = 4):
    """Upcoming public events for the home page."""
    return list(_public_upcoming()[:limit])


def event_list_for_campaign(*, campaign_id: int, limit: int = 5):
    """Upcoming events linked to a campaign, for the campaign page."""
    return list(_public_upcoming().filter(campaign_id=campaign_id)[:limit])


CAMPAIGN_ACTIONS_LIMIT = 100


def event_list_actions_for_campaign(*, campaign_id: int, limit: int = CAMPAIGN_ACTIONS_LIMIT) -> list[Event]:
    """A distributed campaign's actions: its upcoming public events (approved ones), soonest
    first, for the campaign page's map and list."""
    return list(_public_upcoming().filter(campaign_id=campaign_id)[:limit])


def event_list_awaiting_campaign_review(*, campaign_id: int, limit: int = 50) -> list[Event]:
    """Events hosted under a campaign that wait for its review, oldest request first."""
    return list(
        Event.objects.filter(campaign_id=campaign_id, campaign_review=Event.CampaignReview.PENDING)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("host", "campaign")
        .order_by("created_at", "id")[:limit]
    )


def campaign_hosting_open(*, campaign_id: int | None) -> bool:
    """Whether anyone may host events under the campaign (its organizer opened it)."""
    if not campaign_id:
        return False
    return CampaignHosting.objects.filter(campaign_id=campaign_id, open_to_anyone=True).exists()


def event_list_for_group(*, group_id: int, limit: int = 5):
    """Upcoming events hosted by a group, for the group page."""
    return list(_public_upcoming().filter(group_id=group_id)[:limit])


def distance_km_expression(*, latitude: float, longitude: float):
    """Great-circle (haversine) distance from a point to each event, computed by the database."""
    lat1 = Radians(Value(float(latitude), output_field=FloatField()))
    lat2 = Radians(F("latitude"))
    d_lat = Radians(F("latitude") - Value(float(latitude), output_field=FloatField()))
    d_lng = Radians(F("longitude") - Value(float(longitude), output_field=FloatField()))
    a = Power(Sin(d_lat / 2), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(d_lng / 2), 2)
    # min(1, a) guards asin against rounding just above 1 for antipodal points.
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(Least(a, Value(1.0))))


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""
    campaign_id: int | None = None
    cause_slug: str = ""
    date_from: date | None = None
    date_to: date | None = None
    mode: str = ""  # "online", "in_person" or ""
    latitude: float | None = None
    longitude: float | None = None
    # The typed city a point came from: events whose host gave that city but no coordinates
    # (the geocoder did not know it then) are found by name near that point too.
    place_name: str = ""
    radius_km: float | None = None
    include_past: bool = False


@replica.public_read
def event_list_public(*, filters: EventFilters, now: datetime | None = None) -> QuerySet[Event]:
    """The browse page: upcoming public events (past ones on request), filtered; near a point
    they carry `distance_km` and are sorted nearest first. Dates are days in the viewer's zone."""
    now = now or timezone.now()
    events = Event.objects.filter(
        status__in=PUBLIC_STATUSES, hidden_at__isnull=True, campaign_review=APPROVED
    ).select_related("campaign", "cause", "group", "host")
    if not filters.include_past:
        events = events.filter(ends_at__gt=now)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.campaign_id:
        events = events.filter(campaign_id=filters.campaign_id)
    if filters.cause_slug:
        events = events.filter(Q(cause__slug=filters.cause_slug) | Q(campaign__cause__slug=filters.cause_slug))
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(starts_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
        events = events.filter(starts_at__lt=end)
    if filters.mode == "online":
        events = events.filter(venue_name="", address="").exclude(online_url="")
    elif filters.mode == "in_person":
        events = events.filter(Q(~Q(venue_name="")) | Q(~Q(address="")))
    if filters.latitude is not None and filters.longitude is not None:
        radius = filters.radius_km or 50
        # A bounding box first (uses the coordinates index), then the exact distance.
        lat_delta = radius / 111.0
        in_box = Q(
            latitude__isnull=False,
            latitude__gte=filters.latitude - lat_delta,
            latitude__lte=filters.latitude + lat_delta,
        )
        named_here = Q(latitude__isnull=True, city__iexact=filters.place_name) if filters.place_name else Q(pk__in=[])
        events = (
            events.filter(in_box | named_here)
            .annotate(distance_km=distance_km_expression(latitude=filters.latitude, longitude=filters.longitude))
            .filter(Q(distance_km__lte=radius) | named_here)
            .order_by(F("distance_km").asc(nulls_last=True), "starts_at", "id")
        )
    else:
        events = events.order_by("starts_at", "id")
    return events


CAMPAIGN_FILTER_CHOICES = 50


def event_campaign_filter_choices(*, limit: int | None = None, now: datetime | None = None) -> list:
    """(id, title) of published campaigns that have upcoming public events, by title, at most
    `limit`: the event list's campaign filter offers these rather than every published campaign
    (thousands of <option>s on every page view)."""
    now = now or timezone.now()
    limit = limit or CAMPAIGN_FILTER_CHOICES
    return list(
        Event.objects.filter(
            status__in=PUBLIC_STATUSES, ends_at__gt=now, campaign__status="published", campaign_review=APPROVED
        )
        .order_by("campaign__title", "campaign_id")
        .values_list("campaign_id", "campaign__title")
        .distinct()[:limit]
    )


def event_get_by_slug(*, slug: str) -> Event | None:
    """Any event by slug, cancelled ones included (their page says so)."""
    return (
        Event.objects.select_related("campaign", "campaign__cause", "cause", "group", "host").filter(slug=slug).first()
    )


def event_public_attendees(*, event: Event, limit: int = 50) -> list[str]:
    """Names of people going who opted in to be shown; nobody else."""
    return list(
        event.rsvps.filter(status=RSVP.Status.GOING, hold_expires_at__isnull=True, show_publicly=True)
        .order_by("created_at")
        .values_list("name", flat=True)[:limit]
    )


def event_waitlist_count(*, event: Event) -> int:
    return event.rsvps.filter(status=RSVP.Status.WAITLISTED).count()


def rsvp_active_for_user(*, event: Event, user) -> RSVP | None:
    if user is None or not user.is_authenticated:
        return None
    return event.rsvps.filter(user=user, status__in=RSVP.ACTIVE_STATUSES).first()


def rsvp_get(*, rsvp_id: int) -> RSVP | None:
    return RSVP.objects.select_related("event", "event__host", "user").filter(pk=rsvp_id).first()


def event_rsvp_lists(*, event: Event) -> dict[str, list[RSVP]]:
    """For the host: who is going (confirmed), which guests hold seats without having confirmed
    their email yet, who is offered a spot, who waits (in order), who cancelled."""
    rsvps = list(event.rsvps.select_related("user").order_by("created_at", "id"))
    waiting = sorted(
        (r for r in rsvps if r.status in (RSVP.Status.WAITLISTED, RSVP.Status.OFFERED)),
        key=lambda r: r.waitlist_position or 0,
    )
    return {
        "going": [r for r in rsvps if r.is_confirmed_going],
        "unconfirmed": [r for r in rsvps if r.is_unconfirmed],
        "waiting": waiting,
        "cancelled": [r for r in rsvps if r.status == RSVP.Status.CANCELLED],
    }


def event_going_list(*, event: Event) -> list[RSVP]:
    """The door list: everyone confirmed, in the order they RSVPed."""
    return list(event.rsvps.filter(status=RSVP.Status.GOING).select_related("user").order_by("created_at", "id"))


def event_check_in_counts(*, event: Event) -> dict[str, int]:
    arrived = Q(checked_in_at__isnull=False)
    counts = event.rsvps.filter(status=RSVP.Status.GOING).aggregate(
        rsvps=Count("id"),
        checked_in=Count("id", filter=arrived),
        walk_ins=Count("id", filter=Q(is_walk_in=True)),
        guest_total=Sum("guests"),
        guests_arrived=Sum("guests", filter=arrived),
    )
    counts = {key: value or 0 for key, value in counts.items()}
    # People, not RSVPs: an RSVP checked in brings its guests through the door with it.
    counts["people"] = counts["rsvps"] + counts.pop("guest_total")
    counts["people_checked_in"] = counts["checked_in"] + counts.pop("guests_arrived")
    return counts


def event_list_hosted_by(*, user) -> QuerySet[Event]:
    return Event.objects.filter(host=user).select_related("campaign", "cause", "group", "host").order_by("-starts_at")


def event_list_for_attendee(*, user, now: datetime | None = None) -> QuerySet[Event]:
    """Events a person is going to or hosts (for their calendar feed): upcoming and the last month."""
    now = now or timezone.now()
    going = RSVP.objects.filter(user=user, status=RSVP.Status.GOING).values("event_id")
    return (
        Event.objects.filter(Q(pk__in=going) | Q(host=user), ends_at__gt=now - timedelta(days=30))
        .exclude(status=Event.Status.CANCELLED)
        .select_related("host")
        .order_by("starts_at")
    )


def rsvps_going_by_event(*, user, event_ids) -> dict[int, RSVP]:
    """A person's going RSVPs for the given events, by event id (for their calendar feed)."""
    rsvps = RSVP.objects.filter(user=user, status=RSVP.Status.GOING, event_id__in=list(event_ids))
    return {rsvp.event_id: rsvp for rsvp in rsvps}


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed | None:
    if not token:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token).first()


def rsvp_queryset_for_user(*, user, now: datetime | None = None) -> QuerySet[RSVP]:
    """Someone's active RSVPs (going, offered, waitlisted) to events not yet over, soonest first."""
    now = now or timezone.now()
    return (
        RSVP.objects.filter(user=user, status__in=RSVP.ACTIVE_STATUSES, event__ends_at__gt=now)
        .select_related("event")
        .order_by("event__starts_at", "id")
    )


def event_list_with_user_rsvps(*, user, now: datetime | None = None) -> list[RSVP]:
    return list(rsvp_queryset_for_user(user=user, now=now))


def campaign_update_audience(*, campaign) -> tuple:
    """Who RSVPed to one of the campaign's events ticking "keep me updated": account ids, and
    guest addresses once confirmed (for campaigns.hooks.campaign_update_audiences)."""
    opted_in = RSVP.objects.filter(event__campaign_id=campaign.pk, keep_updated=True)
    account_ids = opted_in.filter(user__isnull=False).values("user_id")
    guest_emails = (
        opted_in.filter(user__isnull=True, email_confirmed_at__isnull=False)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("pk")
        .iterator(chunk_size=1000)
    )
    return account_ids, guest_emails


def rsvp_list_past_for_user(*, user, now: datetime | None = None, limit: int = 10) -> list[RSVP]:
    """Events a person RSVPed to that have ended, newest first (with whether they were checked in)."""
    now = now or timezone.now()
    return list(
        RSVP.objects.filter(user=user, event__ends_at__lte=now)
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("event")
        .order_by("-event__starts_at", "-id")[:limit]
    )


def rsvp_on_event(*, event: Event, rsvp_id: int) -> RSVP | None:
    return event.rsvps.exclude(status=RSVP.Status.CANCELLED).filter(pk=rsvp_id).first()


def campaign_events_for_messages(*, campaign_id: int, now: datetime | None = None, limit: int = 30) -> list[Event]:
    """The campaign's events whose RSVPs the organizer may write to: approved, not cancelled,
    upcoming or ended in the last 30 days, soonest first."""
    now = now or timezone.now()
    return list(
        Event.objects.filter(campaign_id=campaign_id, campaign_review=APPROVED, ends_at__gt=now - timedelta(days=30))
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "id")[:limit]
    )


def event_rsvp_members(*, event_id: int) -> tuple:
    """(account ids, email addresses) of an event's active RSVPs (going, waitlisted, offered)."""
    rsvps = RSVP.objects.filter(event_id=event_id, status__in=RSVP.ACTIVE_STATUSES)
    return (
        rsvps.exclude(user__isnull=True).values_list("user_id", flat=True),
        rsvps.exclude(email="").values_list("email", flat=True),
    )

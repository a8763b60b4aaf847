"""Events for `manage.py seed_scale`: 5,000 at factor 1 (past and upcoming, in person and online,
some tied to a campaign or a group) with 200,000 RSVPs. RSVPs fill each event the way
`rsvp_create` does: going while the seats fit, then the waitlist with increasing ticket numbers;
a few cancelled. `going_seats`, `offered_seats` and `waitlist_sequence` are computed by SQL from
the rows after the COPY (and the database's `event_seats_within_capacity` check holds them to
the capacity)."""

from datetime import timedelta

from django.utils.text import slugify

from causeweb.core import bulk
from causeweb.core.markdown import render_markdown
from causeweb.core.scale_vocabulary import PLACES, TOPICS
from events.models import CHECK_IN_ALPHABET, CHECK_IN_CODE_LENGTH, RSVP, Event

SEED_ORDER = 40
MODELS = [Event, RSVP]
EVENTS = 5_000
RSVPS = 200_000
KINDS = [kind for kind, _label in Event.Kind.choices]
DESCRIPTION = "Join us to talk about {topic}. Bring a friend, a sign and some water.\n\n**Everyone welcome.**"


def _check_in_code(rsvp_id: int) -> str:
    """Distinct per RSVP (base 31 of the id), so the per-event uniqueness holds by construction."""
    digits = []
    for _ in range(CHECK_IN_CODE_LENGTH):
        rsvp_id, digit = divmod(rsvp_id, len(CHECK_IN_ALPHABET))
        digits.append(CHECK_IN_ALPHABET[digit])
    return "".join(reversed(digits))


def _event_rows(rng, count, ids, events, rendered):
    now, users = ids["now"], ids["users"]
    public, groups = ids["public_campaigns"], ids["groups"]
    for event_id in range(1, count + 1):
        place = rng.randrange(len(PLACES))
        city, _country, lat, lon, zone, _currency = PLACES[place]
        kind = rng.choice(KINDS)
        online = kind in (Event.Kind.ONLINE, Event.Kind.PHONE_BANK) and rng.random() < 0.7
        topic = rng.choice(TOPICS)
        title = f"{Event.Kind(kind).label}: {topic} ({city})"
        starts = (now + timedelta(days=rng.uniform(-365, 180))).replace(second=0, microsecond=0)
        status = rng.choices([Event.Status.SCHEDULED, Event.Status.CANCELLED, Event.Status.CONFIRMED], [90, 7, 3])[0]
        turnout = rng.choice([20, 50, 100]) if status == Event.Status.CONFIRMED else None
        capacity = rng.choice([None, None, 30, 50, 100, 250, 500])
        created = starts - timedelta(days=rng.uniform(3, 60))
        campaign = public[rng.randrange(len(public))][0] if public and rng.random() < 0.3 else None
        group = groups[rng.randrange(len(groups))][0] if groups and rng.random() < 0.3 else None
        events.append((event_id, capacity, starts, status))
        yield (
            event_id, users[rng.randrange(len(users))], group, campaign, rng.choice(ids["causes"]), title,
            f"{slugify(title)}-{event_id}", DESCRIPTION.format(topic=topic), rendered[topic], kind, zone, starts,
            starts + timedelta(hours=rng.choice([1, 2, 3])), "" if online else f"{city} community hall",
            "" if online else f"{rng.randrange(1, 200)} Main Street, {city}", "" if online else city,
            None if online else lat + rng.uniform(-0.05, 0.05), None if online else lon + rng.uniform(-0.05, 0.05),
            "https://meet.example.org/seed" if online else "", capacity, status,
            "The venue is no longer available." if status == Event.Status.CANCELLED else "",
            created + timedelta(days=1) if status == Event.Status.CANCELLED else None, turnout,
            starts - timedelta(days=2) if turnout else None, starts - timedelta(days=2) if turnout else None,
            created, created,
        )  # fmt: skip


def _rsvp_rows(rng, ids, events, counts):
    users, names, user_email, now = ids["users"], ids["user_names"], ids["user_email"], ids["now"]
    rsvp_id = 0
    for (event_id, capacity, starts, _status), count in zip(events, counts, strict=True):
        going_seats, position = 0, 0
        signed_in = min(len(users), int(count * 0.6))
        for index in range(count):
            rsvp_id += 1
            guests = rng.choices([0, 1, 2], [70, 20, 10])[0]
            if index < signed_in:  # distinct people per event: a prime stride is a permutation
                user_id = users[(event_id * 7919 + index * 104729) % len(users)]
                name, email = names[user_id - 1], user_email(user_id)
            else:
                user_id, name, email = None, f"Guest {rsvp_id}", f"guest{rsvp_id}@guest.seed.causeweb.test"
            created = starts - timedelta(days=rng.uniform(0.1, 30))
            created = min(created, now)
            waitlist_position, checked_in, cancelled_at = None, None, None
            if rng.random() < 0.05:
                status, cancelled_at = RSVP.Status.CANCELLED, created + timedelta(hours=1)
            elif (capacity is None or going_seats + 1 + guests <= capacity) and not position:
                status = RSVP.Status.GOING
                going_seats += 1 + guests
                if starts < now and rng.random() < 0.6:
                    checked_in = starts + timedelta(minutes=rng.uniform(0, 30))
            else:
                position += 1
                status, waitlist_position = RSVP.Status.WAITLISTED, position
            yield (
                rsvp_id, event_id, user_id, name, email, guests, status, waitlist_position,
                _check_in_code(rsvp_id), checked_in, rng.random() < 0.3, "changed_plans" if cancelled_at else "",
                created, cancelled_at or created, cancelled_at,
            )  # fmt: skip


COUNTERS_SQL = f"""
UPDATE {bulk.table_of(Event)} AS e SET
    going_seats = r.going, offered_seats = r.offered, waitlist_sequence = r.last_ticket
FROM (SELECT event_id,
             COALESCE(SUM(1 + guests) FILTER (WHERE status = 'going'), 0) AS going,
             COALESCE(SUM(1 + guests) FILTER (WHERE status = 'offered'), 0) AS offered,
             COALESCE(MAX(waitlist_position), 0) AS last_ticket
      FROM {bulk.table_of(RSVP)} GROUP BY event_id) AS r
WHERE r.event_id = e.id
"""  # noqa: S608 - table names come from the models


def seed(conn, factor: float, rng, ids: dict, report: bulk.Report) -> None:
    count = bulk.scaled(EVENTS, factor, minimum=10)
    events: list[tuple] = []
    rendered = {topic: str(render_markdown(DESCRIPTION.format(topic=topic))) for topic in TOPICS}
    with report.table("events.Event", count):
        bulk.copy_rows(
            conn, Event,
            ["id", "host", "group", "campaign", "cause", "title", "slug", "description", "description_html", "kind",
             "timezone", "starts_at", "ends_at", "venue_name", "address", "city", "latitude", "longitude",
             "online_url", "capacity", "status", "cancel_reason", "cancelled_at", "turnout_minimum",
             "commitment_deadline", "turnout_decided_at", "created_at", "updated_at"],
            _event_rows(rng, count, ids, events, rendered), report,
        )  # fmt: skip
    counts = bulk.skewed_counts(rng, count, bulk.scaled(RSVPS, factor))
    with report.table("events.RSVP", sum(counts)):
        bulk.copy_rows(
            conn, RSVP,
            ["id", "event", "user", "name", "email", "guests", "status", "waitlist_position", "check_in_code",
             "checked_in_at", "show_publicly", "cancel_reason", "created_at", "updated_at", "cancelled_at"],
            _rsvp_rows(rng, ids, events, counts), report,
        )  # fmt: skip
        bulk.execute(conn, COUNTERS_SQL)

"""Demo events: several kinds, in several cities and online, some nearly full, some with waitlists.
Idempotent: an event already seeded (same host and title) is left alone."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from campaigns import selectors as campaign_selectors
from causeweb.accounts.demo import demo_users
from causeweb.core import ratelimits
from events.models import Event
from events.services import campaign_hosting, rsvps
from events.services import events as events_services
from events.services.links import rsvp_confirm_token
from events.timezones import local_to_utc

# (title, kind, city, zone, lat, lng, venue, address, days ahead, local hour, hours, capacity, going, extra)
DEMO_EVENTS = [
    (
        "Lisbon climate march",
        "march",
        "Lisbon",
        "Europe/Lisbon",
        38.7075,
        -9.1364,
        "Praça do Comércio",
        "Praça do Comércio",
        4,
        17,
        3,
        12,
        11,
        {},
    ),
    (
        "Neukölln town hall: keep the pharmacy open",
        "town_hall",
        "Berlin",
        "Europe/Berlin",
        52.5186,
        13.4081,
        "Rotes Rathaus",
        "Rathausstraße 15",
        6,
        19,
        2,
        8,
        11,
        {"waitlist_mode": "claim", "claim_window_hours": 24},
    ),
    (
        "Madrid clean-air phone bank",
        "phone_bank",
        "Madrid",
        "Europe/Madrid",
        40.4168,
        -3.7038,
        "Casa Encendida",
        "Ronda de Valencia 2",
        3,
        18,
        2,
        None,
        5,
        {},
    ),
    (
        "Tokyo riverbank canvass",
        "canvass",
        "Tokyo",
        "Asia/Tokyo",
        35.7101,
        139.8107,
        "Sumida Park",
        "1 Hanakawado, Taito",
        9,
        10,
        4,
        30,
        7,
        {},
    ),
    (
        "London rally for nurses",
        "rally",
        "London",
        "Europe/London",
        51.5007,
        -0.1246,
        "Parliament Square",
        "Parliament Square, Westminster",
        12,
        12,
        2,
        None,
        6,
        {"turnout_minimum": 50, "commitment_days": 8},
    ),
    (
        "Dublin organisers' meeting",
        "meeting",
        "Dublin",
        "Europe/Dublin",
        53.3498,
        -6.2603,
        "Liberty Hall",
        "Eden Quay",
        5,
        19,
        2,
        20,
        4,
        {},
    ),
    (
        "Paris march for housing",
        "march",
        "Paris",
        "Europe/Paris",
        48.853,
        2.369,
        "Place de la Bastille",
        "Place de la Bastille",
        7,
        14,
        3,
        6,
        9,
        {},
    ),
    (
        "Sintra trail clean-up",
        "canvass",
        "Sintra",
        "Europe/Lisbon",
        38.8029,
        -9.3817,
        "Palácio Nacional",
        "Largo Rainha Dona Amélia",
        10,
        9,
        4,
        25,
        3,
        {},
    ),
    (
        "Online: write to your MEP",
        "online",
        "",
        "Europe/Brussels",
        None,
        None,
        "",
        "",
        2,
        20,
        1,
        None,
        8,
        {"online_url": "https://meet.causeweb.local/write-to-your-mep"},
    ),
    (
        "Online Sunday call-a-thon",
        "phone_bank",
        "",
        "America/New_York",
        None,
        None,
        "",
        "",
        8,
        16,
        2,
        5,
        4,
        {"online_url": "https://meet.causeweb.local/sunday-calls"},
    ),
]

# Which demo campaign (by words in its title) an event mobilizes for, where one fits.
CAMPAIGN_HINTS = {
    "Lisbon climate march": "almirante reis",
    "Neukölln town hall: keep the pharmacy open": "night pharmacy",
    "Madrid clean-air phone bank": "fountains",
    "Online: write to your MEP": "library cards",
    "Online Sunday call-a-thon": "community fridges",
}

DESCRIPTION = (
    "Join us for **{title}**. We will meet, share the plan and act together.\n\n"
    "- Bring water and a friend\n- Stewards will wear green vests\n\n"
    "Questions? Reply to your confirmation email."
)


def _local(days: int, hour: int, zone: str) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return local_to_utc(datetime.combine(day, time(hour, 0)), zone)


def _campaign_for(title: str, campaigns):
    hint = CAMPAIGN_HINTS.get(title)
    if not hint:
        return None
    return next((c for c in campaigns if hint in c.title.lower()), None)


@ratelimits.exempt
def seed(stdout):
    people = demo_users()
    campaigns = list(campaign_selectors.campaign_list_featured(limit=50))
    created = 0
    for index, row in enumerate(DEMO_EVENTS):
        (title, kind, city, zone, lat, lng, venue, address, days, hour, hours, capacity, going, extra) = row
        host = people[index % len(people)]
        if Event.objects.filter(host=host, title=title).exists():
            continue
        extra = dict(extra)
        commitment_days = extra.pop("commitment_days", None)
        starts_at = _local(days, hour, zone)
        fields = {
            "title": title,
            "description": DESCRIPTION.format(title=title),
            "kind": kind,
            "timezone": zone,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "venue_name": venue,
            "address": address,
            "city": city,
            "latitude": lat,
            "longitude": lng,
            "capacity": capacity,
            "accessibility_notes": "Step-free route; seating available; quiet area near the info tent."
            if venue
            else "Live captions on; dial-in number in the confirmation email.",
            "campaign": _campaign_for(title, campaigns),
            **extra,
        }
        if commitment_days:
            fields["commitment_deadline"] = _local(commitment_days, 18, zone)
        campaign = fields["campaign"]
        if campaign is not None and campaign.organizer_id != host.pk:
            # A distributed campaign: its organizer invites hosts and approves their events.
            campaign_hosting.campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
        event = events_services.event_create(host=host, **fields)
        if event.campaign_review == Event.CampaignReview.PENDING:
            event = campaign_hosting.event_campaign_review(event=event, actor=campaign.organizer, approve=True)
        attendees = [p for p in people if p.pk != host.pk]
        for n in range(going):
            if n < len(attendees) // 2:
                rsvps.rsvp_create(event_id=event.pk, user=attendees[n], show_publicly=n % 2 == 0)
            else:
                demo_guest = rsvps.rsvp_create(
                    event_id=event.pk,
                    name=f"Demo guest {n + 1}",
                    email=f"guest{n + 1}.{event.pk}@example.org",
                    show_publicly=n % 3 == 0,
                )
                # Demo guests "clicked" their email link, so their seats do not lapse after the hold.
                rsvps.rsvp_confirm_email(token=rsvp_confirm_token(demo_guest))
        created += 1
    stdout.write(f"Demo events: {Event.objects.count()} ({created} new).")

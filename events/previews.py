"""How an event looks when shared: the words on its preview card, its Open Graph description and
its schema.org `Event` data for search engines. Pure functions over a loaded event."""

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from events.models import Event
from events.timezones import format_local

_SCHEMA_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.CONFIRMED: "https://schema.org/EventScheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_place_label(event: Event) -> str:
    if event.is_online:
        return gettext("Online")
    return ", ".join(part for part in (event.venue_name, event.city) if part) or event.address


def event_when_label(event: Event) -> str:
    """The start in the event's own zone, as people there will read it."""
    starts_at = format_local(event.starts_at, event.zone, gettext("D j M Y, H:i"))
    return f"{starts_at} ({event.timezone})"


def event_card_text(event: Event) -> dict:
    """What the preview card says: kind and cause, title, date and place."""
    eyebrow = event.get_kind_display()
    if event.cause_id:
        eyebrow = f"{eyebrow} · {event.cause.name}"
    if event.is_cancelled:
        eyebrow = gettext("Cancelled · %(eyebrow)s") % {"eyebrow": eyebrow}
    details = [event_when_label(event)]
    place = event_place_label(event)
    if place:
        details.append(place)
    return {"eyebrow": eyebrow, "title": event.title, "details": details}


def event_share_description(event: Event) -> str:
    """When and where first (what a preview card must tell), then the start of the description."""
    facts = " · ".join(
        part for part in (event.get_kind_display(), event_when_label(event), event_place_label(event)) if part
    )
    about = Truncator(strip_tags(event.description_html).strip()).chars(160)
    return f"{facts}. {about}" if about else facts


def event_structured_data(event: Event, *, url: str, image_url: str, organizer_name: str) -> dict:
    """schema.org `Event` (https://developers.google.com/search/docs/appearance/structured-data/event)."""
    if event.is_online:
        attendance = "https://schema.org/OnlineEventAttendanceMode"
        location = {"@type": "VirtualLocation", "url": url}
    else:
        attendance = "https://schema.org/OfflineEventAttendanceMode"
        address = {"@type": "PostalAddress", "streetAddress": event.address, "addressLocality": event.city}
        location = {
            "@type": "Place",
            "name": event.venue_name or event.city or event.address,
            "address": {key: value for key, value in address.items() if value},
        }
        if event.latitude is not None and event.longitude is not None:
            location["geo"] = {"@type": "GeoCoordinates", "latitude": event.latitude, "longitude": event.longitude}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event_share_description(event),
        "url": url,
        "image": [image_url],
        "startDate": timezone.localtime(event.starts_at, event.zone).isoformat(),
        "endDate": timezone.localtime(event.ends_at, event.zone).isoformat(),
        "eventStatus": _SCHEMA_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": attendance,
        "location": location,
        "organizer": {"@type": "Person", "name": organizer_name},
        "isAccessibleForFree": True,
    }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = event.seats_left
    return data

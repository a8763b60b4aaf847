"""iCalendar (RFC 5545) output and Google Calendar links for events, without a dependency:
the subset we need is small, and escaping and line folding are done here."""

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext

from causeweb.core.markdown import plain_text
from events import policies

_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\u0085")


def _escape(text: str) -> str:
    """TEXT value per RFC 5545 3.3.11: backslash, semicolon and comma escaped, every line break
    (CRLF, a bare CR or LF, Unicode separators) as the two characters `\\n`. Other control
    characters are not allowed in a content line and are dropped, so no stored value can start
    a property of its own."""
    value = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = _NEWLINES.sub("\\\\n", value)
    return "".join(char for char in value if char == "\t" or unicodedata.category(char) != "Cc")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_location(event) -> str:
    parts = [event.venue_name, event.address, event.city]
    place = ", ".join(p for p in parts if p)
    return place or (gettext("Online") if event.online_url else "")


def _vevent(event, *, include_online_link: bool) -> list[str]:
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    description = plain_text(event.description, limit=1000)
    if include_online_link and event.online_url:
        description = gettext("Join online: %(url)s") % {"url": event.online_url} + f"\n\n{description}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{settings.SITE_URL.split('://', 1)[-1]}",
        f"DTSTAMP:{_stamp(event.updated_at or event.created_at)}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"DESCRIPTION:{_escape(description + chr(10) + chr(10) + url)}",
        f"LOCATION:{_escape(event_location(event))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if event.is_cancelled else 'CONFIRMED'}",
    ]
    if event.latitude is not None and event.longitude is not None:
        lines.append(f"GEO:{event.latitude:.6f};{event.longitude:.6f}")
    lines.append("END:VEVENT")
    return lines


def calendar_ics(events, *, name: str, viewer=None, viewer_rsvps: dict | None = None) -> str:
    """A calendar of `events` for `viewer` (None: anyone). Each event's online link is in it only
    where the policy lets the viewer see it; `viewer_rsvps` maps event ids to the viewer's RSVP."""
    viewer_rsvps = viewer_rsvps or {}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.SITE_NAME}//Events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        shown = policies.can_see_online_link(event, viewer=viewer, rsvp=viewer_rsvps.get(event.pk))
        lines.extend(_vevent(event, include_online_link=shown))
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"


def google_calendar_url(event) -> str:
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_stamp(event.starts_at)}/{_stamp(event.ends_at)}",
            "details": f"{plain_text(event.description, limit=500)}\n\n{settings.SITE_URL}{event.get_absolute_url()}",
            "location": event_location(event),
            "ctz": event.timezone,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"

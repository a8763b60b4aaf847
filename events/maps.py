"""Events as map markers (causeweb.core.maps): the event list's page and a campaign's actions."""

from django.utils.translation import gettext

from causeweb.core.maps import map_marker, map_markers
from events.timezones import format_local


def event_map_markers(events) -> list[dict]:
    """A marker per event that has coordinates, saying when (in the event's own zone) and where."""
    markers = []
    for event in events:
        starts = format_local(event.starts_at, event.zone, gettext("D j M, H:i"))
        where = event.city or event.venue_name
        markers.append(
            map_marker(
                title=event.title,
                url=event.get_absolute_url(),
                latitude=event.latitude,
                longitude=event.longitude,
                detail=" · ".join(part for part in (starts, where) if part),
            )
        )
    return map_markers(markers)

"""Markers for the maps beside result lists (events, groups, a campaign's actions).

A map shows what the list beside it shows, never more: each app turns the page of results it
already loaded into markers with `map_marker` (a result without coordinates has none), and the
template puts them in the page with `json_script` for static/js/results-map.js. The list is the
page; the map is an addition that appears only when Leaflet loaded (docs/architecture.md, "Maps").
"""

from __future__ import annotations

from decimal import Decimal

# A map of more markers than this is unreadable and a large inline payload; lists are paginated
# well below it, so this only bounds a caller that forgot.
MAX_MARKERS = 200


def map_marker(
    *, title: str, url: str, latitude: float | Decimal | None, longitude: float | Decimal | None, detail: str = ""
) -> dict | None:
    """One marker for the page's JSON, or None when the result has no place on a map."""
    if latitude is None or longitude is None:
        return None
    lat, lng = float(latitude), float(longitude)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return {"title": title, "url": url, "lat": round(lat, 6), "lng": round(lng, 6), "detail": detail}


def map_markers(markers) -> list[dict]:
    """The markers that exist, at most MAX_MARKERS."""
    return [marker for marker in markers if marker is not None][:MAX_MARKERS]

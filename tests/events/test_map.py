"""The map beside the event list: Leaflet served from our own static files, markers for exactly
the events on the page (those with coordinates), tiles from settings, and a list that stands on
its own (the map is hidden until the script draws it)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.events.factories import EventFactory


def _markers(response) -> list[dict]:
    match = re.search(rb'<script id="results-map-markers" type="application/json">(.*?)</script>', response.content)
    return json.loads(match.group(1)) if match else []


def test_leaflet_is_vendored_with_its_licence_and_marker_images():
    for name in ("leaflet.js", "leaflet.css", "LICENSE", "images/marker-icon.png", "images/marker-shadow.png"):
        assert finders.find(f"vendor/leaflet/{name}"), name
    assert "Leaflet" in Path(finders.find("vendor/leaflet/leaflet.js")).read_text(encoding="utf-8")[:400]


@pytest.mark.django_db
def test_event_list_marks_the_listed_events_that_have_coordinates(client):
    lisbon = EventFactory(title="Rally in Lisbon")
    EventFactory(
        title="Online call",
        venue_name="",
        address="",
        city="",
        latitude=None,
        longitude=None,
        kind="online",
        online_url="https://meet.example.org/x",
    )
    response = client.get("/events/")
    assert response.status_code == 200
    markers = _markers(response)
    assert [m["title"] for m in markers] == ["Rally in Lisbon"]
    assert markers[0]["url"] == lisbon.get_absolute_url()
    assert (markers[0]["lat"], markers[0]["lng"]) == (38.7075, -9.1364)
    assert "Lisbon" in markers[0]["detail"]
    html = response.content.decode()
    # Both events are listed whatever the map does; the map waits hidden for the script.
    assert "Online call" in html and "Rally in Lisbon" in html
    assert re.search(r'<div class="results-map"[^>]*\bhidden\b', html)
    assert "/static/vendor/leaflet/leaflet.js" in html and "unpkg" not in html and "cdn" not in html.lower()


@pytest.mark.django_db
def test_markers_are_bounded_to_the_page_and_follow_the_search(client):
    for n in range(23):
        EventFactory(title=f"Lisbon action {n:02d}")
    EventFactory(title="Porto action", city="Porto", latitude=41.1496, longitude=-8.611)
    first_page = _markers(client.get("/events/"))
    assert len(first_page) == 20  # the page size, not every event
    near_porto = _markers(client.get("/events/", {"place": "Porto", "radius_km": 20}))
    assert [m["title"] for m in near_porto] == ["Porto action"]


@pytest.mark.django_db
def test_tile_url_and_attribution_come_from_settings(client, settings):
    EventFactory()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "&copy; Example tiles"
    html = client.get("/events/").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="&amp;copy; Example tiles"' in html


@pytest.mark.django_db
def test_no_map_when_nothing_listed_has_a_place(client):
    EventFactory(
        title="Online call",
        venue_name="",
        address="",
        city="",
        latitude=None,
        longitude=None,
        kind="online",
        online_url="https://meet.example.org/x",
    )
    html = client.get("/events/").content.decode()
    assert "results-map" not in html
    assert "Online call" in html


@pytest.mark.django_db
def test_phone_layout_puts_results_before_the_extra_filters(client):
    """The order is CSS (display: contents + order); the markup must keep the parts it orders."""
    html = client.get("/events/").content.decode()
    assert 'class="filter-main panel"' in html and 'class="more-filters"' in html
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 899px)") :]
    assert ".events-browse > section { order: 2; }" in phone and ".events-browse .more-filters { order: 3; }" in phone

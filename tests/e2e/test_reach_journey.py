"""Reach in headless Chromium, desktop and phone: find an event by typing a city (with the
gazetteer's autocomplete), see it on the map (Leaflet served from our static files; tiles that
cannot load leave the markers and the list), RSVP; a campaign's actions on its own map."""

import re

import pytest

from causeweb.core import geocoding
from events.models import RSVP
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_find_an_event_by_city_see_it_on_the_map_and_rsvp(browser, live_server, artifacts_dir, settings, device):
    # Tiles from a path that does not exist: the journey must not depend on a tile server.
    settings.MAP_TILE_URL = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png"
    host = UserFactory(display_name="Hana Host")
    campaign = CampaignFactory(organizer=host, title="Save the Tagus")
    EventFactory(host=host, title="Lisbon river clean-up", campaign=campaign, latitude=38.7075, longitude=-9.1364)
    EventFactory(host=host, title="Belém banner drop", campaign=campaign, latitude=38.6916, longitude=-9.2160)
    EventFactory(host=host, title="Lisbon, Ohio potluck", city="Lisbon", latitude=40.772, longitude=-80.768)

    geocoding.place_suggestions("Lisb")  # build the gazetteer's index now, not inside the first keystroke
    context = browser.new_context(timezone_id="Europe/Lisbon", **VIEWPORTS[device])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Type a city: the gazetteer suggests it, the search finds Lisbon's events, not Ohio's.
    page.goto(f"{live_server.url}/events/")
    page.locator("#id_place").press_sequentially("Lisb", delay=80)
    page.wait_for_selector("#place-suggestions option", state="attached", timeout=15_000)  # no eval under the CSP
    assert page.locator("#place-suggestions option").first.get_attribute("value") == "Lisbon, PT"
    page.fill("#id_place", "Lisbon")
    page.locator(".filter-main").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*place=Lisbon.*"))
    titles = page.locator("#results-heading ~ .card-grid .card h3").all_inner_texts()
    assert sorted(titles) == ["Belém banner drop", "Lisbon river clean-up"]

    # 2. The map shows exactly those two, drawn by the vendored Leaflet.
    page.wait_for_selector("[data-results-map][data-ready='true']")
    assert page.locator(".leaflet-marker-icon").count() == 2
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    if device == "phone":
        # The results come before the extra filters on a phone.
        results_top = page.locator("#results-heading").bounding_box()["y"]
        filters_top = page.locator(".more-filters").bounding_box()["y"]
        assert results_top < filters_top
    page.screenshot(path=str(artifacts_dir / f"reach-{device}-1-map.png"), full_page=True)

    # 3. A marker's popup leads to the event; RSVP as a visitor.
    page.locator(".leaflet-marker-icon[title='Lisbon river clean-up']").click()
    page.locator(".leaflet-popup-content a").click()
    page.wait_for_url(re.compile(r".*/events/climate-rally-.*|.*/events/lisbon-river.*|.*/events/[^/]+/$"))
    assert "Lisbon river clean-up" in page.locator("h1").inner_text()
    page.fill("#id_name", "Vera Visitor")
    page.fill("#id_email", f"vera.{device}@example.org")
    page.get_by_role("button", name="I'm going").click()
    page.wait_for_url(re.compile(r".*/events/rsvp/.+"))
    assert RSVP.objects.filter(email=f"vera.{device}@example.org", status=RSVP.Status.GOING).exists()
    page.screenshot(path=str(artifacts_dir / f"reach-{device}-2-rsvp.png"), full_page=True)

    # 4. The campaign's actions on one map, with the place search.
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    section = page.locator("#actions")
    assert "Find an action near you" in section.inner_text()
    page.wait_for_selector("[data-results-map][data-ready='true']")
    assert section.locator(".leaflet-marker-icon").count() == 2
    section.locator("#actions-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / f"reach-{device}-3-campaign-actions.png"), full_page=True)

    assert errors == []
    context.close()

"""Events in headless Chromium against the live server: find an event near where you are, RSVP
as a visitor, see your waitlist place on a full event, and check someone in as the host."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import RSVP
from events.services.hosting import rsvp_check_in
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISBON = {"latitude": 38.7369, "longitude": -9.1427}


def test_find_rsvp_waitlist_and_check_in(browser, live_server, artifacts_dir):
    host = UserFactory(display_name="Hana Host")
    march = EventFactory(
        host=host, title="Lisbon climate march", capacity=5, latitude=38.7075, longitude=-9.1364, city="Lisbon"
    )
    full = EventFactory(
        host=host, title="Alfama neighbours meeting", kind="meeting", capacity=1, latitude=38.7118, longitude=-9.1300
    )
    EventFactory(host=host, title="Berlin tenants' town hall", latitude=52.5186, longitude=13.4081, city="Berlin")
    rsvp_create(event_id=full.pk, name="Early Bird", email="early@example.org")

    context = browser.new_context(
        viewport={"width": 1200, "height": 1000},
        geolocation=LISBON,
        permissions=["geolocation"],
        timezone_id="Europe/Lisbon",
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Find events near me: the browser's location fills the form, nearest first, Berlin left out.
    page.goto(f"{live_server.url}/events/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r".*lat=38\.7369.*"))
    results = page.locator("#results-heading ~ .card-grid .card h3").all_inner_texts()
    assert results == ["Lisbon climate march", "Alfama neighbours meeting"] or results == [
        "Alfama neighbours meeting",
        "Lisbon climate march",
    ]
    assert "Berlin tenants' town hall" not in page.locator("main").inner_text()
    assert "km away" in page.locator(".card").first.inner_text()
    page.screenshot(path=str(artifacts_dir / "events-1-near-me.png"), full_page=True)

    # 2. RSVP as a visitor with name and email, bringing one guest.
    page.get_by_role("link", name=re.compile("Lisbon climate march")).click()
    assert "5 spots left" in page.locator("#rsvp").inner_text()
    page.fill("#id_name", "Vera Visitor")
    page.fill("#id_email", "vera@example.org")
    page.fill("#id_guests", "1")
    page.screenshot(path=str(artifacts_dir / "events-2-detail.png"), full_page=True)
    page.get_by_role("button", name="I'm going").click()
    page.wait_for_url(re.compile(r".*/events/rsvp/.+"))
    code = page.locator("#check-in-code").inner_text().strip()
    vera = RSVP.objects.get(email="vera@example.org")
    assert code == vera.check_in_code and vera.status == RSVP.Status.GOING and vera.guests == 1
    assert page.locator("img[alt^='QR code']").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(artifacts_dir / "events-3-rsvp-confirmed.png"), full_page=True)

    # 3. The meeting is full: a visitor joins the waitlist and sees their place.
    page.goto(f"{live_server.url}{full.get_absolute_url()}")
    page.fill("#id_name", "Walt Waiting")
    page.fill("#id_email", "walt@example.org")
    page.get_by_role("button", name="Join the waitlist").click()
    page.wait_for_url(re.compile(r".*/events/rsvp/.+"))
    assert "number 1 on the waitlist" in page.locator("#waitlist-place").inner_text()
    page.screenshot(path=str(artifacts_dir / "events-4-waitlist.png"), full_page=True)

    # 4. The host checks Vera in by her code; the counter updates live when someone else arrives.
    other = rsvp_create(event_id=march.pk, name="Olu Other", email="olu@example.org")
    client = Client()
    client.force_login(host)
    host_context = browser.new_context(viewport={"width": 1200, "height": 1000}, timezone_id="Europe/Lisbon")
    host_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    host_page = host_context.new_page()
    host_page.on("pageerror", lambda exc: errors.append(str(exc)))
    host_page.goto(f"{live_server.url}/events/{march.slug}/check-in/")
    assert "0 of 2 RSVPs checked in" in host_page.locator("#check-in-count").inner_text()
    host_page.fill("#id_code", code.lower())
    host_page.get_by_role("button", name="Check in", exact=True).click()
    host_page.wait_for_load_state()
    assert "Vera Visitor is checked in." in host_page.locator(".messages").inner_text()
    count = host_page.locator("#check-in-count").inner_text()
    assert "1 of 2 RSVPs checked in" in count and "2 of 3 people" in count  # Vera brought a guest
    rsvp_check_in(event_id=march.pk, actor=host, rsvp_id=other.pk)  # a co-host's phone, say
    expect(host_page.locator("#checked-in-number")).to_have_text("2", timeout=15_000)  # no eval under the CSP
    assert "✔" in host_page.locator(f"#rsvp-{other.pk}").inner_text()  # the list refreshed too
    host_page.screenshot(path=str(artifacts_dir / "events-5-check-in.png"), full_page=True)

    # The visitor cannot open the host's check-in page.
    response = page.goto(f"{live_server.url}/events/{march.slug}/check-in/")
    assert "/accounts/login/" in page.url or response.status == 403
    assert errors == []
    context.close()
    host_context.close()


def test_first_visit_shows_the_browsers_own_time(browser, live_server, artifacts_dir):
    from datetime import datetime, timedelta

    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 7, 1, 18, 0), "America/New_York")
    event = EventFactory(
        host=UserFactory(), timezone="America/New_York", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}{event.get_absolute_url()}")  # no tz cookie yet
    line = page.locator("#event-time-viewer")
    line.wait_for(state="visible")
    text = line.inner_text()
    assert "2 July 2030" in text and "07:00 – 09:00" in text and "Asia/Tokyo" in text
    page.reload()  # now the server knows the zone from the cookie
    assert "Your time: Tuesday 2 July 2030, 07:00" in page.locator("#event-time-viewer").inner_text()
    page.screenshot(path=str(artifacts_dir / "events-6-viewer-time.png"), full_page=True)
    context.close()

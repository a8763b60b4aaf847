from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from causeweb.notifications.models import Notification
from events.models import RSVP, Event
from events.services.calendar import calendar_feed_get_or_create
from events.services.hosting import rsvp_check_in
from events.services.links import rsvp_manage_token, rsvp_manage_url
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory, RSVPFactory, confirm_email
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail(event):
    return reverse("events:detail", kwargs={"slug": event.slug})


def test_list_shows_upcoming_hides_past_and_cancelled(client, host):
    upcoming = EventFactory(host=host, title="Upcoming march")
    past = EventFactory(
        host=host,
        title="Old march",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    cancelled = EventFactory(host=host, title="Called off", status=Event.Status.CANCELLED)
    html = client.get(reverse("events:list")).content.decode()
    assert upcoming.title in html and past.title not in html and cancelled.title not in html
    html = client.get(reverse("events:list"), {"past": "on"}).content.decode()
    assert past.title in html and cancelled.title not in html


def test_list_filters_by_kind_mode_campaign_and_cause(client, host):
    campaign = CampaignFactory()
    rally = EventFactory(host=host, title="The rally", campaign=campaign)
    online = EventFactory(
        host=host,
        title="The phone bank",
        kind=Event.Kind.PHONE_BANK,
        venue_name="",
        address="",
        online_url="https://meet.example.org/x",
        latitude=None,
        longitude=None,
    )
    url = reverse("events:list")
    html = client.get(url, {"kind": "phone_bank"}).content.decode()
    assert online.title in html and rally.title not in html
    html = client.get(url, {"mode": "online"}).content.decode()
    assert online.title in html and rally.title not in html
    html = client.get(url, {"mode": "in_person"}).content.decode()
    assert rally.title in html and online.title not in html
    html = client.get(url, {"campaign": campaign.pk}).content.decode()
    assert rally.title in html and online.title not in html
    html = client.get(url, {"cause": campaign.cause.slug}).content.decode()
    assert rally.title in html and online.title not in html


def test_list_bad_filters_are_not_errors(client):
    response = client.get(reverse("events:list"), {"lat": "abc", "lng": "200", "date_from": "yesterday", "page": "x"})
    assert response.status_code == 200


def test_list_near_a_point_sorted_by_distance(client, host):
    lisbon = EventFactory(host=host, title="Lisbon event", latitude=38.7223, longitude=-9.1393)
    sintra = EventFactory(host=host, title="Sintra event", latitude=38.8029, longitude=-9.3817)
    EventFactory(host=host, title="Berlin event", latitude=52.52, longitude=13.405)
    html = client.get(reverse("events:list"), {"lat": "38.7369", "lng": "-9.1427", "radius_km": "40"}).content.decode()
    assert "Berlin event" not in html
    assert html.index(lisbon.title) < html.index(sintra.title)
    assert "km away" in html


def test_list_query_count_is_constant(client, host, django_assert_max_num_queries):
    events = []
    for i in range(30):
        event = EventFactory(host=UserFactory() if i % 2 else host, campaign=CampaignFactory() if i % 3 == 0 else None)
        RSVPFactory.create_batch(2, event=event)
        events.append(event)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    html = response.content.decode()
    # The first page of 20, soonest first; the rest are on page two.
    shown = [event for event in events if f'href="{event.get_absolute_url()}"' in html]
    assert shown == events[:20]
    assert html.index(events[0].title) < html.index(events[19].title)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:list"), {"lat": "38.7", "lng": "-9.1", "radius_km": "100"})
    html = response.content.decode()
    assert response.status_code == 200 and "km away" in html
    assert len([event for event in events if f'href="{event.get_absolute_url()}"' in html]) == 20


def test_home_page_shows_featured_events(client, host):
    EventFactory(host=host, title="Featured rally")
    assert "Featured rally" in client.get("/").content.decode()


def test_detail_shows_times_in_event_and_viewer_zones(client, host):
    # 18:00 in New York on 1 July 2030 is 22:00 UTC and 07:00 the next day in Tokyo.
    from datetime import datetime

    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 7, 1, 18, 0), "America/New_York")
    event = EventFactory(host=host, timezone="America/New_York", starts_at=start, ends_at=start + timedelta(hours=2))
    client.cookies["tz"] = "Asia/Tokyo"
    html = client.get(detail(event)).content.decode()
    assert "Monday 1 July 2030, 18:00" in html and "EDT" in html
    assert "Your time: Tuesday 2 July 2030, 07:00" in html and "Asia/Tokyo" in html


def test_detail_across_dst_shows_standard_time(client, host):
    from datetime import datetime

    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 11, 5, 18, 0), "America/New_York")  # after the November change: EST
    event = EventFactory(host=host, timezone="America/New_York", starts_at=start, ends_at=start + timedelta(hours=1))
    client.cookies["tz"] = "Europe/London"
    html = client.get(detail(event)).content.decode()
    assert "18:00" in html and "EST" in html
    assert "Your time: Tuesday 5 November 2030, 23:00" in html


def test_detail_spots_left_and_online_link_only_for_confirmed_and_host(client, host, user):
    event = EventFactory(host=host, capacity=3, online_url="https://meet.example.org/secret-room")
    rsvp_create(event_id=event.pk, name="A", email="a@example.org")
    html = client.get(detail(event)).content.decode()
    assert "secret-room" not in html
    assert '<strong id="spots-left">2</strong>' in html
    client.force_login(user)
    assert "secret-room" not in client.get(detail(event)).content.decode()
    rsvp_create(event_id=event.pk, user=user)
    assert "secret-room" in client.get(detail(event)).content.decode()
    client.force_login(host)
    assert "secret-room" in client.get(detail(event)).content.decode()


def test_waitlisted_viewer_does_not_see_online_link(client, host, user):
    event = EventFactory(host=host, capacity=1, online_url="https://meet.example.org/secret-room")
    rsvp_create(event_id=event.pk, name="A", email="a@example.org")
    rsvp_create(event_id=event.pk, user=user)
    client.force_login(user)
    html = client.get(detail(event)).content.decode()
    assert "secret-room" not in html and "number <strong>1</strong> on the waitlist" in html


def test_detail_lists_only_opted_in_attendees(client, host):
    event = EventFactory(host=host)
    confirm_email(rsvp_create(event_id=event.pk, name="Visible Vera", email="v@example.org", show_publicly=True))
    rsvp_create(event_id=event.pk, name="Private Pat", email="p@example.org")
    html = client.get(detail(event)).content.decode()
    assert "Visible Vera" in html and "Private Pat" not in html


def test_detail_query_count_is_constant(client, host, user, django_assert_max_num_queries):
    event = EventFactory(host=host, capacity=200, campaign=CampaignFactory())
    for i in range(40):
        rsvp = rsvp_create(event_id=event.pk, name=f"P{i}", email=f"p{i}@example.org", show_publicly=i % 2 == 0)
        if i % 4 == 0:
            confirm_email(rsvp)
    rsvp_create(event_id=event.pk, user=user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(detail(event))
    assert response.status_code == 200
    html = response.content.decode()
    # Listed: people going, confirmed and opted in (P0, P4, ...); nobody else.
    listed = [f"P{i}" for i in range(40) if f'<span class="tag">P{i}</span>' in html]
    assert listed == [f"P{i}" for i in range(0, 40, 4)]
    assert event.campaign.title in html and "You're going" in html


def test_unknown_event_is_404(client):
    assert client.get("/events/no-such-event/").status_code == 404


def test_visitor_rsvp_redirects_to_signed_manage_page(client, event):
    response = client.post(
        reverse("events:rsvp", kwargs={"slug": event.slug}),
        {"name": "Vi Sitor", "email": "vi@example.org", "guests": 1},
    )
    rsvp = RSVP.objects.get()
    assert response.status_code == 302 and response.url == rsvp_manage_url(rsvp)
    page = client.get(response.url).content.decode()
    assert rsvp.check_in_code in page and "qr.svg" in page
    qr = client.get(reverse("events:rsvp_qr", kwargs={"token": rsvp_manage_token(rsvp)}))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_duplicate_visitor_rsvp_is_a_message_not_an_error(client, event):
    url = reverse("events:rsvp", kwargs={"slug": event.slug})
    client.post(url, {"name": "Vi", "email": "vi@example.org"})
    response = client.post(url, {"name": "Vi", "email": "vi@example.org"}, follow=True)
    assert response.status_code == 200
    assert "already RSVPed" in response.content.decode()
    assert RSVP.objects.count() == 1


def test_signed_in_one_click_rsvp(client, event, user):
    client.force_login(user)
    response = client.post(reverse("events:rsvp", kwargs={"slug": event.slug}), {})
    assert response.status_code == 302
    assert RSVP.objects.get().user == user


def test_rsvp_manage_bad_token_is_404(client):
    assert client.get(reverse("events:rsvp_manage", kwargs={"token": "forged"})).status_code == 404


def test_rsvp_manage_cancel_and_claim(client, host):
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM)
    first = rsvp_create(event_id=event.pk, name="A", email="a@example.org")
    second = rsvp_create(event_id=event.pk, name="B", email="b@example.org")
    page = client.get(rsvp_manage_url(second)).content.decode()
    assert 'id="waitlist-place"' in page and "number <strong>1</strong>" in page
    asked = client.post(rsvp_manage_url(first), {"action": "cancel"})
    assert "Yes, cancel my RSVP" in asked.content.decode()
    first.refresh_from_db()
    assert first.status == RSVP.Status.GOING  # one tap only asks
    client.post(rsvp_manage_url(first), {"action": "cancel", "confirm": "yes"})
    second.refresh_from_db()
    assert second.status == RSVP.Status.OFFERED
    assert "Confirm my spot" in client.get(rsvp_manage_url(second)).content.decode()
    client.post(rsvp_manage_url(second), {"action": "claim"})
    second.refresh_from_db()
    assert second.status == RSVP.Status.GOING


def test_host_pages_forbidden_to_others_both_ways(client, event, user):
    pages = ["manage", "check_in", "attendees_csv", "edit", "cancel", "duplicate", "check_in_count"]
    client.force_login(user)
    for name in pages:
        assert client.get(reverse(f"events:{name}", kwargs={"slug": event.slug})).status_code == 403, name
    assert client.post(reverse("events:walk_in", kwargs={"slug": event.slug}), {"walkin-name": "X"}).status_code == 403
    client.force_login(event.host)
    for name in pages:
        assert client.get(reverse(f"events:{name}", kwargs={"slug": event.slug})).status_code == 200, name


def test_host_pages_need_sign_in(client, event):
    response = client.get(reverse("events:manage", kwargs={"slug": event.slug}))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_csv_export_escapes_formulas(client, event):
    rsvp_create(event_id=event.pk, name="=HYPERLINK(1)", email="x@example.org")
    client.force_login(event.host)
    response = client.get(reverse("events:attendees_csv", kwargs={"slug": event.slug}))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("name,email,status")
    assert "'=HYPERLINK(1)" in body


def test_check_in_page_by_code_list_and_walk_in(client, event):
    rsvp = rsvp_create(event_id=event.pk, name="Ana", email="ana@example.org")
    other = rsvp_create(event_id=event.pk, name="Ben", email="ben@example.org")
    client.force_login(event.host)
    url = reverse("events:check_in", kwargs={"slug": event.slug})
    page = client.get(url, {"code": rsvp.check_in_code}).content.decode()
    assert f'value="{rsvp.check_in_code}"' in page  # the QR link pre-fills the code
    client.post(url, {"code": rsvp.check_in_code})
    client.post(url, {"rsvp_id": other.pk})
    again = client.post(url, {"code": rsvp.check_in_code}).content.decode()
    assert "already checked in" in again
    client.post(reverse("events:walk_in", kwargs={"slug": event.slug}), {"walkin-name": "Walk In", "walkin-guests": 0})
    count = client.get(reverse("events:check_in_count", kwargs={"slug": event.slug})).content.decode()
    assert '<strong id="checked-in-number">3</strong> of 3' in count and "1 walk-in" in count


def test_create_event_in_its_own_zone(client, user):
    client.force_login(user)
    response = client.post(
        reverse("events:create"),
        {
            "title": "Town hall",
            "kind": "town_hall",
            "description": "Talk",
            "timezone": "America/New_York",
            "starts_at": "2030-07-01T18:00",
            "ends_at": "2030-07-01T20:00",
            "venue_name": "Library",
            "address": "1 Main St",
            "max_guests_per_rsvp": 2,
            "waitlist_mode": "auto",
            "claim_window_hours": 24,
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.starts_at.isoformat() == "2030-07-01T22:00:00+00:00"


def test_create_event_in_dst_gap_is_a_form_error(client, user):
    client.force_login(user)
    response = client.post(
        reverse("events:create"),
        {
            "title": "Night march",
            "kind": "march",
            "description": "x",
            "timezone": "Europe/Berlin",
            "starts_at": "2030-03-31T02:30",
            "ends_at": "2030-03-31T04:00",
            "address": "Somewhere",
            "max_guests_per_rsvp": 0,
            "waitlist_mode": "auto",
            "claim_window_hours": 24,
        },
    )
    assert response.status_code == 200
    assert "does not exist in Europe/Berlin" in response.content.decode()
    assert not Event.objects.exists()


def test_edit_form_prefills_local_times(client, host):
    from datetime import datetime

    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 7, 1, 18, 0), "America/New_York")
    event = EventFactory(host=host, timezone="America/New_York", starts_at=start, ends_at=start + timedelta(hours=2))
    client.force_login(host)
    html = client.get(reverse("events:edit", kwargs={"slug": event.slug})).content.decode()
    assert 'value="2030-07-01T18:00"' in html


def test_cancel_view_notifies(client, event):
    rsvp_create(event_id=event.pk, name="A", email="a@example.org")
    client.force_login(event.host)
    response = client.post(reverse("events:cancel", kwargs={"slug": event.slug}), {"reason": "Rain"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled
    assert Notification.objects.filter(kind="event_cancelled", email="a@example.org").exists()
    assert "This event is cancelled" in client.get(detail(event)).content.decode()


def test_ics_download_and_google_link(client, event):
    response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and f"DTSTART:{event.starts_at:%Y%m%dT%H%M%SZ}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in client.get(detail(event)).content.decode()


def test_calendar_feed_lists_only_going_events_by_secret_token(client, host, user):
    going = EventFactory(host=host, title="Going one", online_url="https://meet.example.org/room")
    waitlisted = EventFactory(host=host, title="Waiting one", capacity=1)
    rsvp_create(event_id=going.pk, user=user)
    rsvp_create(event_id=waitlisted.pk, name="X", email="x@example.org")
    rsvp_create(event_id=waitlisted.pk, user=user)
    client.force_login(user)
    page = client.get(reverse("events:calendar")).content.decode()
    feed = calendar_feed_get_or_create(user=user)
    assert feed.token in page
    client.logout()
    body = client.get(reverse("events:calendar_feed", kwargs={"token": feed.token})).content.decode()
    assert "Going one" in body and "Waiting one" not in body and "meet.example.org/room" in body
    hosted = EventFactory(host=user, title="Hosted one")
    assert hosted.title in client.get(reverse("events:calendar_feed", kwargs={"token": feed.token})).content.decode()
    assert client.get(reverse("events:calendar_feed", kwargs={"token": "guess"})).status_code == 404


def test_host_pages_query_counts_are_constant(client, host, django_assert_max_num_queries):
    event = EventFactory(host=host, capacity=30, max_guests_per_rsvp=3)
    for i in range(45):
        rsvp_create(event_id=event.pk, name=f"P{i}", email=f"p{i}@example.org", guests=i % 2)
    for rsvp in RSVP.objects.filter(event=event, status="going")[:10]:
        rsvp_check_in(event_id=event.pk, actor=host, rsvp_id=rsvp.pk)
    client.force_login(host)
    rsvps = list(RSVP.objects.filter(event=event).order_by("pk"))
    going = [rsvp for rsvp in rsvps if rsvp.status == RSVP.Status.GOING]
    assert going and len(going) < len(rsvps)  # some wait
    for name in ("manage", "check_in", "check_in_count", "attendees_csv"):
        with django_assert_max_num_queries(10):
            response = client.get(reverse(f"events:{name}", kwargs={"slug": event.slug}))
            if name == "attendees_csv":
                body = b"".join(response.streaming_content).decode()
            else:
                body = response.content.decode()
        assert response.status_code == 200, name
        if name == "manage":  # everyone, going or waiting
            assert all(f"<td>{rsvp.name}</td>" in body for rsvp in rsvps)
        elif name == "attendees_csv":
            assert sorted(row.split(",")[0] for row in body.splitlines()[1:]) == sorted(r.name for r in rsvps)
        else:  # the door list: those going, nobody waiting
            listed = {rsvp.name for rsvp in rsvps if f'id="rsvp-{rsvp.pk}"' in body}
            assert listed == {rsvp.name for rsvp in going}


def test_guest_rsvps_are_capped_per_visitor_per_hour(client, host, settings):
    GUEST_RSVPS_PER_HOUR = int(settings.RATE_LIMITS["rsvp_guest_ip"].split("/")[0])
    events = [EventFactory(host=host) for _ in range(GUEST_RSVPS_PER_HOUR + 1)]
    for n, event in enumerate(events):
        response = client.post(
            reverse("events:rsvp", kwargs={"slug": event.slug}), {"name": "Spam", "email": f"victim{n}@example.org"}
        )
    assert RSVP.objects.count() == GUEST_RSVPS_PER_HOUR
    assert "Too many RSVPs" in client.get(response.url).content.decode()
    # Signed-in people are not capped by this (they cannot type someone else's address).
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("events:rsvp", kwargs={"slug": events[-1].slug}), {})
    assert RSVP.objects.filter(user=user).exists()


def test_host_messages_attendees_from_the_manage_page(client, event, django_capture_on_commit_callbacks):
    confirm_email(rsvp_create(event_id=event.pk, name="A", email="a@example.org"))
    client.force_login(event.host)
    url = reverse("events:manage", kwargs={"slug": event.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"subject": "Bring water", "body": "It will be hot."})
    assert response.status_code == 302
    assert Notification.objects.filter(kind="event_message", email="a@example.org").exists()
    again = client.post(url, {"subject": "Again", "body": "x"})
    assert again.status_code == 200 and "wait a few minutes" in again.content.decode()

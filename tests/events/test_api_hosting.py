"""/api/v1/me/events/ (the host's writes), guest RSVPs with the site's per-visitor limits, and
/api/v1/me/rsvps/: both directions of every permission; attendees' emails only to the host."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import RSVP, Event
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


def _times(days=3):
    start = timezone.now() + timedelta(days=days)
    return start.isoformat(), (start + timedelta(hours=2)).isoformat()


def test_host_creates_edits_and_cancels(user):
    host = client_for(user)
    starts, ends = _times()
    campaign = CampaignFactory(organizer=user)  # someone else's campaign must be opened to hosts first
    created = host.post(
        "/api/v1/me/events/",
        {
            "title": "Beach clean-up",
            "description": "Gloves provided.",
            "kind": "rally",
            "starts_at": starts,
            "ends_at": ends,
            "address": "Praia 1",
            "city": "Lisbon",
            "capacity": 10,
            "campaign": campaign.slug,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    assert created.json()["campaign"] == campaign.slug
    edited = host.patch(f"/api/v1/me/events/{slug}/", {"capacity": 20}, format="json")
    assert edited.status_code == 200 and edited.json()["capacity"] == 20
    cancelled = host.post(f"/api/v1/me/events/{slug}/cancel/", {"reason": "Storm"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    assert host.post(f"/api/v1/me/events/{slug}/cancel/").status_code == 409
    assert [e["slug"] for e in host.get("/api/v1/me/events/").json()["results"]] == [slug]


def test_service_rules_are_field_errors(user):
    starts, _ = _times()
    response = client_for(user).post(
        "/api/v1/me/events/",
        {"title": "T", "description": "D", "kind": "rally", "starts_at": starts, "ends_at": starts},
        format="json",
    )
    assert response.status_code == 400 and {"ends_at", "address"} <= set(response.json()["errors"])
    assert not Event.objects.exists()


def test_nobody_but_the_host_manages_the_event(other_user):
    event = EventFactory()
    rsvp_create(event_id=event.pk, name="Ada", email="ada@example.org")
    stranger = client_for(other_user)
    base = f"/api/v1/me/events/{event.slug}/"
    assert stranger.get(base).status_code == 404
    assert stranger.patch(base, {"capacity": 1}, format="json").status_code == 404
    assert stranger.post(base + "cancel/").status_code == 404
    assert stranger.get(base + "attendees/").status_code == 404
    assert stranger.post(base + "check-in/", {"code": "X"}, format="json").status_code == 404
    assert stranger.post(base + "walk-ins/", {"name": "Eve"}, format="json").status_code == 404
    assert client_for().get(base + "attendees/").status_code == 401
    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED
    # The public event never shows attendees' emails.
    assert "ada@example.org" not in client_for(other_user).get(f"/api/v1/events/{event.slug}/").content.decode()


def test_attendees_check_in_and_walk_ins(user):
    event = EventFactory(host=user)
    member = UserFactory()
    going = rsvp_create(event_id=event.pk, user=member)
    host = client_for(user)
    rows = host.get(f"/api/v1/me/events/{event.slug}/attendees/").json()
    assert [(r["id"], r["email"], r["status"]) for r in rows] == [(going.pk, member.email.lower(), "going")]
    checked = host.post(f"/api/v1/me/events/{event.slug}/check-in/", {"code": going.check_in_code}, format="json")
    assert checked.status_code == 200 and checked.json()["id"] == going.pk
    again = host.post(f"/api/v1/me/events/{event.slug}/check-in/", {"rsvp": going.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
    unknown = host.post(f"/api/v1/me/events/{event.slug}/check-in/", {"code": "NOPE"}, format="json")
    assert unknown.status_code == 400 and "code" in unknown.json()["errors"]
    walk_in = host.post(f"/api/v1/me/events/{event.slug}/walk-ins/", {"name": "Bo", "guests": 1}, format="json")
    assert walk_in.status_code == 201 and RSVP.objects.get(pk=walk_in.json()["id"]).is_walk_in


def test_guest_rsvp_holds_a_seat_and_hides_the_ticket(other_user):
    event = EventFactory()
    response = client_for().post(
        f"/api/v1/events/{event.slug}/guest-rsvp/", {"name": "Ada", "email": "ada@example.org"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["confirm_by_email"] is True and "check_in_code" not in response.json()
    assert RSVP.objects.get(event=event).email == "ada@example.org"
    missing = client_for().post(f"/api/v1/events/{event.slug}/guest-rsvp/", {"name": "Bo"}, format="json")
    assert missing.status_code == 400 and "email" in missing.json()["errors"]


def test_guest_rsvps_share_the_sites_per_visitor_limit(settings, client):
    per_hour = int(settings.RATE_LIMITS["rsvp_guest_ip"].split("/")[0])
    events = [EventFactory() for _ in range(per_hour + 1)]
    api = client_for()
    for n, event in enumerate(events[:-1]):
        # half through the site's form, half through the API: one bucket
        if n % 2:
            client.post(f"/events/{event.slug}/rsvp/", {"name": "Spam", "email": f"v{n}@example.org"})
        else:
            api.post(f"/api/v1/events/{event.slug}/guest-rsvp/", {"name": "Spam", "email": f"v{n}@example.org"})
    assert RSVP.objects.count() == per_hour
    over = api.post(f"/api/v1/events/{events[-1].slug}/guest-rsvp/", {"name": "S", "email": "last@example.org"})
    assert over.status_code == 429 and RSVP.objects.count() == per_hour


def test_my_rsvps_are_mine_and_constant_in_queries(user, other_user, django_assert_max_num_queries):
    for _ in range(25):
        rsvp_create(event_id=EventFactory().pk, user=user)
    rsvp_create(event_id=EventFactory().pk, user=other_user)
    with django_assert_max_num_queries(4):
        body = client_for(user).get("/api/v1/me/rsvps/").json()
    assert body["count"] == 25 and len(body["results"]) == 20
    assert all(RSVP.objects.get(pk=r["id"]).user_id == user.pk for r in body["results"])


def test_hosted_list_query_count_is_constant(user, django_assert_max_num_queries):
    for _ in range(25):
        EventFactory(host=user, campaign=CampaignFactory())
    with django_assert_max_num_queries(4):
        body = client_for(user).get("/api/v1/me/events/").json()
    assert body["count"] == 25 and len(body["results"]) == 20


def test_an_event_under_a_campaign_not_opened_to_hosts_is_a_field_error(user):
    starts, ends = _times()
    refused = client_for(user).post(
        "/api/v1/me/events/",
        {"title": "Under someone else's campaign", "description": "x", "kind": "rally", "starts_at": starts,
         "ends_at": ends, "address": "Praia 1", "city": "Lisbon", "campaign": CampaignFactory().slug},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400 and "campaign" in refused.json()["errors"]

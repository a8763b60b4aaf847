import pytest
from rest_framework.test import APIClient

from events.models import RSVP
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_list_and_filters(api, host):
    EventFactory(host=host, title="Lisbon", latitude=38.72, longitude=-9.14)
    EventFactory(host=host, title="Berlin", latitude=52.52, longitude=13.40, kind="march")
    body = api.get("/api/v1/events/").json()
    assert body["count"] == 2
    near = api.get("/api/v1/events/", {"lat": 38.7, "lng": -9.1, "radius_km": 20}).json()
    assert [e["title"] for e in near["results"]] == ["Lisbon"]
    assert 0 < near["results"][0]["distance_km"] < 20
    assert [e["title"] for e in api.get("/api/v1/events/", {"kind": "march"}).json()["results"]] == ["Berlin"]


def test_bad_filter_is_400_not_500(api):
    response = api.get("/api/v1/events/", {"lat": "north"})
    assert response.status_code == 400


def test_list_query_count_constant(api, host, django_assert_max_num_queries):
    events = []
    for _ in range(25):
        events.append(EventFactory(host=UserFactory()))
        RSVPFactory.create_batch(2, event=events[-1])
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/events/")
    assert response.status_code == 200
    body = response.json()
    # The first page, soonest first, with each event's host read from the join.
    assert body["count"] == 25
    assert [row["slug"] for row in body["results"]] == [event.slug for event in events[:20]]
    assert [row["host"] for row in body["results"]] == [event.host.public_name for event in events[:20]]


def test_detail_hides_online_link_from_others(api, host, user):
    event = EventFactory(host=host, online_url="https://meet.example.org/room")
    url = f"/api/v1/events/{event.slug}/"
    body = api.get(url).json()
    assert body["online_url"] is None and body["my_rsvp"] is None
    assert body["starts_at_local"].endswith(("+00:00", "+01:00"))  # Europe/Lisbon
    api.force_authenticate(user)
    assert api.get(url).json()["online_url"] is None
    rsvp_create(event_id=event.pk, user=user)
    body = api.get(url).json()
    assert body["online_url"] == "https://meet.example.org/room" and body["my_rsvp"]["status"] == "going"
    api.force_authenticate(host)
    assert api.get(url).json()["online_url"] == "https://meet.example.org/room"


def test_rsvp_needs_authentication(api, event):
    assert api.post(f"/api/v1/events/{event.slug}/rsvp/", {}).status_code in (401, 403)
    assert not RSVP.objects.exists()


def test_rsvp_create_duplicate_waitlist_and_cancel(api, host):
    event = EventFactory(host=host, capacity=1)
    first, second = UserFactory(), UserFactory()
    url = f"/api/v1/events/{event.slug}/rsvp/"
    api.force_authenticate(first)
    created = api.post(url, {"guests": 0}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "going"
    duplicate = api.post(url, {}, format="json")
    assert duplicate.status_code == 409 and "already" in duplicate.json()["detail"]
    api.force_authenticate(second)
    waiting = api.post(url, {}, format="json").json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_place"] == 1
    too_many = api.post(url, {"guests": 5}, format="json")
    assert too_many.status_code in (400, 409)
    api.force_authenticate(first)
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert RSVP.objects.get(user=second).status == "going"


def test_rsvp_guest_limit_is_400(api, host, user):
    event = EventFactory(host=host, max_guests_per_rsvp=1)
    api.force_authenticate(user)
    response = api.post(f"/api/v1/events/{event.slug}/rsvp/", {"guests": 3}, format="json")
    assert response.status_code == 400 and "guests" in response.json()["errors"]


def test_unknown_event_is_404(api):
    assert api.get("/api/v1/events/nope/").status_code == 404

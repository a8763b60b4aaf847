"""The host's list at the door: walk-ins over capacity (asked for, name kept), removing an RSVP
(asked first, seats to the waitlist, the person told), and the attendee's own cancel asks first."""

import pytest
from django.core import mail
from django.urls import reverse

from causeweb.core.exceptions import Conflict, PermissionDenied
from events.models import RSVP, Event
from events.services.hosting import rsvp_add_walk_in, rsvp_remove_by_host
from events.services.links import rsvp_manage_url
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_event(host):
    event = EventFactory(host=host, capacity=1)
    rsvp_create(event_id=event.pk, user=UserFactory())
    return event


def test_a_full_event_refuses_a_walk_in_unless_admitted_over_capacity(full_event, host):
    with pytest.raises(Conflict, match="Admit over capacity"):
        rsvp_add_walk_in(event_id=full_event.pk, actor=host, name="Ana")
    walk_in = rsvp_add_walk_in(event_id=full_event.pk, actor=host, name="Ana", guests=1, over_capacity=True)
    full_event.refresh_from_db()
    assert walk_in.status == RSVP.Status.GOING and walk_in.checked_in_at
    assert full_event.going_seats == 3 and full_event.capacity == 3


def test_the_walk_in_form_keeps_the_typed_name_when_the_event_is_full(client, full_event, host):
    client.force_login(host)
    url = reverse("events:walk_in", args=[full_event.slug])
    refused = client.post(url, {"walkin-name": "Ana Lima", "walkin-guests": "0"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert 'value="Ana Lima"' in page and "Admit over capacity" in page
    admitted = client.post(url, {"walkin-name": "Ana Lima", "walkin-guests": "0", "walkin-over_capacity": "on"})
    assert admitted.status_code == 302
    assert full_event.rsvps.filter(name="Ana Lima", is_walk_in=True, status=RSVP.Status.GOING).exists()


def test_a_walk_in_over_capacity_is_for_the_host_only(full_event):
    with pytest.raises(PermissionDenied):
        rsvp_add_walk_in(event_id=full_event.pk, actor=UserFactory(), name="Eve", over_capacity=True)


def test_removing_an_rsvp_frees_the_seat_for_the_waitlist_and_tells_the_person(
    host, django_capture_on_commit_callbacks
):
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.AUTO)
    removed_person, waiting_person = UserFactory(), UserFactory()
    going = rsvp_create(event_id=event.pk, user=removed_person)
    waiting = rsvp_create(event_id=event.pk, user=waiting_person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_remove_by_host(event_id=event.pk, rsvp_id=going.pk, actor=host, reason="Booked twice")
    going.refresh_from_db()
    waiting.refresh_from_db()
    assert going.status == RSVP.Status.CANCELLED and going.cancel_reason == "host"
    assert waiting.status == RSVP.Status.GOING
    (notice,) = [m for m in mail.outbox if removed_person.email in m.to]
    assert "removed your RSVP" in notice.body and "Booked twice" in notice.body


def test_only_the_host_removes_and_only_rsvps_of_this_event(host, full_event):
    other_event = EventFactory(host=host)
    stranger_rsvp = rsvp_create(event_id=other_event.pk, user=UserFactory())
    rsvp = full_event.rsvps.get()
    with pytest.raises(PermissionDenied):
        rsvp_remove_by_host(event_id=full_event.pk, rsvp_id=rsvp.pk, actor=UserFactory())
    with pytest.raises(Exception, match="not on this event"):
        rsvp_remove_by_host(event_id=full_event.pk, rsvp_id=stranger_rsvp.pk, actor=host)
    rsvp_remove_by_host(event_id=full_event.pk, rsvp_id=rsvp.pk, actor=host)
    with pytest.raises(Conflict):
        rsvp_remove_by_host(event_id=full_event.pk, rsvp_id=rsvp.pk, actor=host)


def test_the_remove_page_asks_first_then_removes(client, host, full_event, user):
    rsvp = full_event.rsvps.get()
    url = reverse("events:rsvp_remove", args=[full_event.slug, rsvp.pk])
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(host)
    asked = client.get(url)
    assert asked.status_code == 200 and "Remove and tell them" in asked.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.GOING
    assert client.post(url, {"reason": ""}).status_code == 302
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CANCELLED
    assert client.get(url).status_code == 404  # gone from the list
    assert (
        reverse("events:rsvp_remove", args=[full_event.slug, rsvp.pk])
        not in client.get(reverse("events:manage", args=[full_event.slug])).content.decode()
    )


def test_the_attendee_cancel_asks_before_giving_the_seat_away(client, full_event):
    rsvp = full_event.rsvps.get()
    asked = client.post(rsvp_manage_url(rsvp), {"action": "cancel"})
    assert asked.status_code == 200 and "Yes, cancel my RSVP" in asked.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.GOING
    client.post(rsvp_manage_url(rsvp), {"action": "cancel", "confirm": "yes"})
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CANCELLED

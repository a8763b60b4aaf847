"""events.policies: the one place that says who sees an event's online link and who may act."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from events import policies
from events.models import RSVP, Event
from events.services.calendar import calendar_feed_get_or_create
from events.services.events import event_cancel
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory, RSVPFactory, confirm_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/room"


@pytest.fixture
def online(host):
    return EventFactory(host=host, online_url=LINK)


def test_online_link_host_always_strangers_never(online, host, user):
    assert policies.can_see_online_link(online, viewer=host)
    assert not policies.can_see_online_link(online, viewer=user)
    assert not policies.can_see_online_link(online, viewer=AnonymousUser())
    assert not policies.can_see_online_link(online)


def test_no_link_is_seen_by_nobody(host):
    event = EventFactory(host=host, online_url="")
    assert not policies.can_see_online_link(event, viewer=host)


def test_online_link_for_attendees_by_status_and_channel(online):
    guest = rsvp_create(event_id=online.pk, name="Gia", email="gia@example.org")
    assert guest.is_unconfirmed
    # On a page the manage link proves nothing yet; an email to the guest's own address does.
    assert not policies.can_see_online_link(online, rsvp=guest)
    assert policies.can_see_online_link(online, rsvp=guest, by_email=True)
    confirmed = confirm_email(guest)
    assert policies.can_see_online_link(online, rsvp=confirmed)
    states = [
        {"status": RSVP.Status.WAITLISTED, "waitlist_position": 1},
        {"status": RSVP.Status.OFFERED, "waitlist_position": 2, "offer_expires_at": timezone.now()},
        {"status": RSVP.Status.CANCELLED},
    ]
    for state in states:
        other = RSVPFactory(event=online, **state)
        assert not policies.can_see_online_link(online, rsvp=other)
        assert not policies.can_see_online_link(online, rsvp=other, by_email=True)


def test_an_rsvp_for_another_event_does_not_unlock_the_link(online, host):
    elsewhere = RSVPFactory(event=EventFactory(host=host), status=RSVP.Status.GOING)
    assert not policies.can_see_online_link(online, rsvp=elsewhere)
    assert not policies.can_see_online_link(online, rsvp=elsewhere, by_email=True)


def test_who_may_manage_and_cancel_an_rsvp(online, host, user):
    mine = RSVPFactory(event=online, user=user)
    stranger = UserFactory()
    assert policies.can_manage_rsvp(mine, actor=user)
    assert not policies.can_manage_rsvp(mine, actor=stranger)
    assert not policies.can_manage_rsvp(mine, actor=AnonymousUser())
    assert policies.can_manage_rsvp(mine, actor=None, holds_manage_link=True)
    assert not policies.can_manage_rsvp(mine, actor=host)  # the host drops people, not edits them
    assert policies.can_cancel_rsvp(mine, online, actor=host)
    assert not policies.can_cancel_rsvp(mine, online, actor=stranger)


def test_hosting_needs_an_active_account(user):
    assert policies.can_host_events(user)
    assert not policies.can_host_events(AnonymousUser())
    assert not policies.can_host_events(None)
    user.is_active = False
    assert not policies.can_host_events(user)


def test_rsvp_refusal_says_why(online, host):
    now = timezone.now()
    assert policies.rsvp_refusal(online, now=now) is None and policies.can_rsvp(online, now=now)
    online.rsvp_deadline = now - timedelta(minutes=1)
    assert policies.rsvp_refusal(online, now=now) == "RSVPs for this event are closed."
    online.status = Event.Status.CANCELLED
    assert policies.rsvp_refusal(online, now=now) == "This event was cancelled."


def test_cancelled_event_page_offers_no_rsvp_form(client, online, host):
    """The page asks the same policy as the service: no form for an event nobody can RSVP to."""
    event_cancel(event_id=online.pk, actor=host)
    html = client.get(reverse("events:detail", kwargs={"slug": online.slug})).content.decode()
    assert "This event is cancelled." in html
    assert reverse("events:rsvp", kwargs={"slug": online.slug}) not in html


def test_calendar_feed_carries_the_link_only_where_the_policy_allows(client, host, user):
    going = EventFactory(host=host, title="Going online", online_url="https://meet.example.org/going")
    hosted = EventFactory(host=user, title="Hosted online", online_url="https://meet.example.org/hosted")
    rsvp_create(event_id=going.pk, user=user)
    feed = calendar_feed_get_or_create(user=user)
    body = client.get(reverse("events:calendar_feed", kwargs={"token": feed.token})).content.decode()
    assert "meet.example.org/going" in body and "meet.example.org/hosted" in body
    # The public .ics of the same event knows nobody: no link.
    public = client.get(reverse("events:ics", kwargs={"slug": going.slug})).content.decode()
    assert "meet.example.org" not in public
    assert hosted.title in body

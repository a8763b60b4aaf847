"""Guest RSVPs hold seats only until the email is confirmed (or the short hold runs out)."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from causeweb.core.exceptions import ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from events import selectors, tasks
from events.models import RSVP, Event
from events.services.hosting import rsvp_add_walk_in, rsvp_check_in
from events.services.links import rsvp_confirm_url, rsvp_id_from_confirm_token, rsvp_manage_token, rsvp_manage_url
from events.services.messages import event_message_create
from events.services.rsvps import (
    rsvp_cancel,
    rsvp_claim_offer,
    rsvp_confirm_email,
    rsvp_create,
    rsvp_release_expired_holds,
)
from events.services.turnout import event_reminders_send, event_turnout_decide
from tests.events.factories import EventFactory, confirm_email

pytestmark = pytest.mark.django_db


def guest(event, n, guests=0, **kw):
    return rsvp_create(event_id=event.pk, name=f"Fake {n}", email=f"f{n}@example.org", guests=guests, **kw)


def refresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def thirty(host):
    return EventFactory(host=host, capacity=30, max_guests_per_rsvp=2)


def test_guest_rsvp_is_a_hold_until_the_email_is_confirmed(thirty):
    now = timezone.now()
    rsvp = guest(thirty, 1, guests=2, now=now)
    assert rsvp.status == RSVP.Status.GOING and rsvp.is_unconfirmed
    assert rsvp.hold_expires_at == now + settings.GUEST_RSVP_HOLD
    note = Notification.objects.get(kind=Kind.RSVP_CONFIRMATION)
    confirm_token = note.context["confirm_url"].split("/")[-3]
    assert rsvp_id_from_confirm_token(confirm_token) == rsvp.pk and note.context["confirm_url"] in note.body
    assert refresh(thirty).going_seats == 3
    confirmed = confirm_email(rsvp, now=now + timedelta(minutes=5))
    assert confirmed.is_confirmed_going and confirmed.email_confirmed_at is not None
    # Long after the hold would have run out, a confirmed guest keeps their seats.
    assert rsvp_release_expired_holds(now=now + timedelta(days=1)) == 0
    assert refresh(confirmed).status == RSVP.Status.GOING and refresh(thirty).going_seats == 3
    assert confirm_email(confirmed).pk == confirmed.pk  # a second click is a no-op
    assert refresh(thirty).going_seats == 3


def test_members_are_not_held(thirty, user):
    rsvp = rsvp_create(event_id=thirty.pk, user=user)
    assert rsvp.is_confirmed_going and rsvp.hold_expires_at is None


def test_the_manage_link_does_not_confirm_and_forged_links_fail(thirty):
    rsvp = guest(thirty, 1)
    with pytest.raises(ValidationError):
        rsvp_confirm_email(token=rsvp_manage_token(rsvp))  # shown in the browser
    with pytest.raises(ValidationError):
        rsvp_confirm_email(token="forged:token")
    assert refresh(rsvp).is_unconfirmed


def test_twelve_fake_guests_cannot_fill_the_event_for_good(thirty, user):
    now = timezone.now()
    real = confirm_email(guest(thirty, 99, guests=2, now=now), now=now)
    fakes = [guest(thirty, n, guests=2, now=now) for n in range(12)]  # 12 x 3 seats, never confirmed
    held, late = fakes[:9], fakes[9:]
    assert all(r.is_unconfirmed for r in held) and refresh(thirty).seats_left == 0
    assert [r.status for r in late] == [RSVP.Status.WAITLISTED] * 3

    after_hold = now + settings.GUEST_RSVP_HOLD + timedelta(seconds=1)
    # A newcomer after the hold: expired holds are counted out even before the beat has run.
    member = rsvp_create(event_id=thirty.pk, user=user, now=after_hold)
    assert all(refresh(f).status == RSVP.Status.CANCELLED and f.cancel_reason == "hold_expired" for f in held)
    assert refresh(real).is_confirmed_going  # a confirmed guest keeps their seats
    # The waitlisted fakes were promoted first, into a fresh hold; the newcomer got a free seat.
    assert all(refresh(r).is_unconfirmed for r in late) and member.status == RSVP.Status.GOING
    assert refresh(thirty).going_seats == 3 + 9 + 1
    later = after_hold + settings.GUEST_RSVP_HOLD + timedelta(seconds=1)
    assert rsvp_release_expired_holds(now=later) == 3
    assert refresh(thirty).going_seats == 3 + 1 and refresh(thirty).seats_left == 26
    assert rsvp_release_expired_holds(now=later) == 0


def test_beat_job_releases_lapsed_holds_and_promotes_the_waitlist(small_event, user):
    now = timezone.now()
    guest(small_event, 1, now=now)
    guest(small_event, 2, now=now)
    waiting = rsvp_create(event_id=small_event.pk, user=user, now=now)
    assert waiting.status == RSVP.Status.WAITLISTED
    assert rsvp_release_expired_holds(now=now + timedelta(minutes=5)) == 0
    assert refresh(waiting).status == RSVP.Status.WAITLISTED
    assert rsvp_release_expired_holds(now=now + settings.GUEST_RSVP_HOLD) == 2
    assert refresh(waiting).status == RSVP.Status.GOING
    assert Notification.objects.filter(kind=Kind.WAITLIST_PROMOTION, recipient=user).count() == 1
    assert refresh(small_event).going_seats == 1


def test_release_task_is_scheduled_and_runs_the_service(small_event):
    assert (
        tasks.BEAT_SCHEDULE["events-release-expired-guest-holds"]["task"] == "events.tasks.release_expired_guest_holds"
    )
    past = timezone.now() - settings.GUEST_RSVP_HOLD - timedelta(minutes=1)
    lapsed = guest(small_event, 1, now=past)
    assert tasks.release_expired_guest_holds.delay().get() == 1
    assert tasks.release_expired_guest_holds.delay().get() == 0
    assert refresh(lapsed).status == RSVP.Status.CANCELLED and refresh(small_event).going_seats == 0


def test_confirming_after_the_hold_lapsed_rechecks_capacity(small_event):
    now = timezone.now()
    slow = guest(small_event, 1, now=now)
    after = now + settings.GUEST_RSVP_HOLD + timedelta(minutes=1)
    # Seats still free: confirming late gets the spot back.
    back = confirm_email(slow, now=after)
    assert back.is_confirmed_going and refresh(small_event).going_seats == 1

    slower = guest(small_event, 2, now=now)
    rsvp_release_expired_holds(now=after)  # the beat released it
    assert refresh(slower).status == RSVP.Status.CANCELLED
    confirm_email(guest(small_event, 3, now=after), now=after)  # someone took the seat meanwhile
    late = confirm_email(slower, now=after + timedelta(minutes=1))
    assert late.status == RSVP.Status.WAITLISTED and late.waitlist_position is not None
    assert refresh(small_event).going_seats == 2


def test_confirming_a_cancelled_rsvp_is_refused(event):
    rsvp = guest(event, 1)
    rsvp_cancel(rsvp_id=rsvp.pk, manage_token=rsvp_manage_token(rsvp))
    with pytest.raises(ValidationError):
        confirm_email(rsvp)
    assert refresh(rsvp).status == RSVP.Status.CANCELLED


def test_plus_ones_capped_by_the_event_on_every_path(host):
    event = EventFactory(host=host, capacity=50, max_guests_per_rsvp=1)
    with pytest.raises(ValidationError) as exc:
        guest(event, 1, guests=2)
    assert "guests" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rsvp_add_walk_in(event_id=event.pk, actor=host, name="Walk", guests=2)
    assert "guests" in exc.value.message_dict
    with pytest.raises(ValidationError):
        rsvp_add_walk_in(event_id=event.pk, actor=host, name="Walk", guests="lots")
    assert rsvp_add_walk_in(event_id=event.pk, actor=host, name="Walk", guests=1).guests == 1
    assert not RSVP.objects.filter(guests__gt=1).exists()


def test_walk_in_takes_seats_of_lapsed_holds(small_event):
    now = timezone.now()
    guest(small_event, 1, guests=1, now=now)
    after = now + settings.GUEST_RSVP_HOLD
    walk_in = rsvp_add_walk_in(event_id=small_event.pk, actor=small_event.host, name="W", guests=1, now=after)
    assert walk_in.is_confirmed_going and refresh(small_event).going_seats == 2


def test_unconfirmed_guests_get_no_reminders_messages_or_turnout_credit(host, django_capture_on_commit_callbacks):
    now = timezone.now()
    event = EventFactory(
        host=host,
        starts_at=now + timedelta(hours=23, minutes=50),
        ends_at=now + timedelta(hours=26),
        turnout_minimum=2,
        commitment_deadline=now + timedelta(minutes=20),
    )
    confirmed = confirm_email(guest(event, 1, now=now), now=now)
    guest(event, 2, now=now)  # never confirms; its hold outlives the deadline
    assert event_reminders_send(now=now) == 1
    assert set(Notification.objects.filter(kind=Kind.EVENT_REMINDER).values_list("email", flat=True)) == {
        confirmed.email
    }
    with django_capture_on_commit_callbacks(execute=True):
        message = event_message_create(event_id=event.pk, actor=host, subject="Hi", body="x", now=now)
    assert refresh(message).recipient_count == 1
    assert event_turnout_decide(event_id=event.pk, now=now + timedelta(minutes=21)) == "cancelled"
    assert "Only 1 of the 2" in refresh(event).cancel_reason


def test_turnout_confirmed_email_skips_unconfirmed_guests(host):
    now = timezone.now()
    event = EventFactory(host=host, turnout_minimum=1, commitment_deadline=now + timedelta(minutes=10))
    confirm_email(guest(event, 1, now=now), now=now)
    guest(event, 2, now=now)
    assert event_turnout_decide(event_id=event.pk, now=now + timedelta(minutes=11)) == "confirmed"
    assert list(Notification.objects.filter(kind=Kind.EVENT_CONFIRMED).values_list("email", flat=True)) == [
        "f1@example.org"
    ]


def test_expired_hold_cannot_be_checked_in_and_a_valid_one_is_confirmed_at_the_door(event):
    now = timezone.now()
    lapsed = guest(event, 1, now=now - settings.GUEST_RSVP_HOLD - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        rsvp_check_in(event_id=event.pk, actor=event.host, rsvp_id=lapsed.pk, now=now)
    fresh = guest(event, 2, now=now)
    checked = rsvp_check_in(event_id=event.pk, actor=event.host, rsvp_id=fresh.pk, now=now)
    assert checked.is_confirmed_going and checked.checked_in_at == now


def test_host_sees_unconfirmed_guests_apart_in_lists_page_and_csv(client, event):
    now = timezone.now()
    confirm_email(guest(event, 1, now=now), now=now)
    held = guest(event, 2, now=now)
    lists = selectors.event_rsvp_lists(event=event)
    assert [r.name for r in lists["going"]] == ["Fake 1"] and [r.name for r in lists["unconfirmed"]] == ["Fake 2"]
    client.force_login(event.host)
    page = client.get(reverse("events:manage", kwargs={"slug": event.slug})).content.decode()
    until = f"{timezone.localtime(held.hold_expires_at, event.zone):%H:%M}"
    assert "Unconfirmed guests (1)" in page and f"unconfirmed (hold until {until})" in page
    response = client.get(reverse("events:attendees_csv", kwargs={"slug": event.slug}))
    body = b"".join(response.streaming_content).decode()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["Fake 1"]["confirmation"] == ""
    assert rows["Fake 2"]["confirmation"] == f"unconfirmed (hold until {until})"


def test_public_page_and_manage_page_hide_what_needs_a_confirmed_email(client, host):
    event = EventFactory(host=host, online_url="https://meet.example.org/room")
    held = guest(event, 1, show_publicly=True)
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "Fake 1" not in detail
    manage = client.get(rsvp_manage_url(held)).content.decode()
    assert 'id="online-link"' not in manage and 'id="hold-notice"' in manage
    confirm_email(held)
    assert 'id="online-link"' in client.get(rsvp_manage_url(held)).content.decode()
    assert "Fake 1" in client.get(event.get_absolute_url()).content.decode()


def test_confirm_view_asks_on_get_and_confirms_on_post(client, event):
    held = guest(event, 1)
    url = rsvp_confirm_url(held)
    assert client.get(url).status_code == 200 and refresh(held).is_unconfirmed
    response = client.post(url)
    assert response.status_code == 302 and response.url == rsvp_manage_url(held)
    assert refresh(held).is_confirmed_going
    assert client.post(reverse("events:rsvp_confirm", kwargs={"token": "forged"})).status_code == 404


def test_claimed_offer_by_an_unconfirmed_guest_is_a_hold(host):
    now = timezone.now()
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM)
    first = confirm_email(guest(event, 1, now=now), now=now)
    second = guest(event, 2, now=now)
    rsvp_cancel(rsvp_id=first.pk, manage_token=rsvp_manage_token(first), now=now)
    assert refresh(second).status == RSVP.Status.OFFERED
    claimed = rsvp_claim_offer(rsvp_id=second.pk, manage_token=rsvp_manage_token(second), now=now)
    assert claimed.is_unconfirmed
    rsvp_release_expired_holds(now=now + settings.GUEST_RSVP_HOLD)
    assert refresh(second).status == RSVP.Status.CANCELLED and refresh(event).seats_taken == 0

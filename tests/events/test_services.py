from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from events.models import RSVP, Event, EventMessage
from events.services.calendar import calendar_feed_get_or_create, calendar_feed_reset
from events.services.events import event_cancel, event_create, event_duplicate, event_update
from events.services.hosting import rsvp_add_walk_in, rsvp_check_in
from events.services.links import rsvp_id_from_token, rsvp_manage_token, rsvp_manage_url
from events.services.messages import event_message_create, event_message_deliver
from events.services.rsvps import (
    rsvp_cancel,
    rsvp_claim_offer,
    rsvp_create,
    rsvp_expire_offers,
    rsvp_set_visibility,
    rsvp_waitlist_place,
)
from events.services.turnout import event_reminders_send, event_turnout_decide, event_turnout_decide_due
from tests.events.factories import EventFactory, confirm_email
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def guest(event, n, guests=0, **kw):
    return rsvp_create(event_id=event.pk, name=f"Guest {n}", email=f"g{n}@example.org", guests=guests, **kw)


def refresh(obj):
    obj.refresh_from_db()
    return obj


def base_fields(**overrides):
    start = timezone.now() + timedelta(days=10)
    fields = {
        "title": "Town hall on rent",
        "description": "Come **talk** <script>alert(1)</script>",
        "kind": Event.Kind.TOWN_HALL,
        "timezone": "Europe/Berlin",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "venue_name": "Rathaus",
        "address": "Rathausstraße 15",
        "city": "Berlin",
        "latitude": 52.5186,
        "longitude": 13.4081,
        "capacity": 50,
    }
    fields.update(overrides)
    return fields


# --- create / edit / cancel / duplicate --------------------------------------------------------------


def test_event_create_sanitizes_description_and_makes_unique_slug(user):
    first = event_create(host=user, **base_fields())
    second = event_create(host=user, **base_fields())
    assert "<strong>talk</strong>" in first.description_html
    assert "<script>" not in first.description_html
    assert first.slug != second.slug and first.slug.startswith("town-hall-on-rent-")
    assert first.status == Event.Status.SCHEDULED


def test_event_create_requires_signed_in_host():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        event_create(host=AnonymousUser(), **base_fields())


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_at": timezone.now() + timedelta(days=9)}, "ends_at"),
        (
            {"starts_at": timezone.now() - timedelta(hours=1), "ends_at": timezone.now() + timedelta(hours=1)},
            "starts_at",
        ),
        ({"venue_name": "", "address": "", "online_url": ""}, "address"),
        ({"kind": Event.Kind.ONLINE, "online_url": ""}, "online_url"),
        ({"latitude": 10.0, "longitude": None}, "latitude"),
        ({"latitude": 95.0, "longitude": 1.0}, "latitude"),
        ({"turnout_minimum": 10}, "commitment_deadline"),
        ({"capacity": 0}, "capacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"rsvp_deadline": timezone.now() + timedelta(days=20)}, "rsvp_deadline"),
    ],
)
def test_event_create_rejects_bad_input_per_field(user, overrides, field):
    with pytest.raises(ValidationError) as exc:
        event_create(host=user, **base_fields(**overrides))
    assert field in exc.value.message_dict
    assert not Event.objects.exists()


def test_event_create_refuses_unpublished_campaign(user):
    draft = CampaignFactory(status="draft")
    with pytest.raises(ValidationError) as exc:
        event_create(host=user, campaign=draft, **base_fields())
    assert "campaign" in exc.value.message_dict


def test_event_create_takes_cause_from_campaign(user):
    campaign = CampaignFactory(organizer=user)
    event = event_create(host=user, campaign=campaign, **base_fields())
    assert event.cause_id == campaign.cause_id


def test_only_host_edits(event, other_user):
    with pytest.raises(PermissionDenied):
        event_update(event_id=event.pk, actor=other_user, title="Hijacked")
    assert refresh(event).title != "Hijacked"
    event_update(event_id=event.pk, actor=event.host, title="Better title", description="*new*")
    event = refresh(event)
    assert event.title == "Better title"
    assert event.description_html == "<p><em>new</em></p>"


def test_capacity_cannot_drop_below_seats_taken(small_event):
    guest(small_event, 1, guests=1)
    with pytest.raises(ValidationError) as exc:
        event_update(event_id=small_event.pk, actor=small_event.host, capacity=1)
    assert "capacity" in exc.value.message_dict


def test_raising_capacity_promotes_waitlist(small_event):
    guest(small_event, 1)
    guest(small_event, 2)
    waiting = guest(small_event, 3)
    assert waiting.status == RSVP.Status.WAITLISTED
    event_update(event_id=small_event.pk, actor=small_event.host, capacity=3)
    assert refresh(waiting).status == RSVP.Status.GOING
    assert refresh(small_event).going_seats == 3


def test_cancel_tells_everyone_with_an_rsvp_once(small_event, user):
    rsvp_create(event_id=small_event.pk, user=user)
    guest(small_event, 1)
    waiting = guest(small_event, 2)
    gone = guest(small_event, 3)
    rsvp_cancel(rsvp_id=gone.pk, manage_token=rsvp_manage_token(gone))
    event_cancel(event_id=small_event.pk, actor=small_event.host, reason="Storm warning.")
    cancelled = Notification.objects.filter(kind=Kind.EVENT_CANCELLED)
    assert sorted(cancelled.values_list("email", flat=True)) == sorted([user.email, "g1@example.org", waiting.email])
    assert cancelled.get(recipient=user).body.endswith("Storm warning.")
    with pytest.raises(Conflict):
        event_cancel(event_id=small_event.pk, actor=small_event.host)
    assert Notification.objects.filter(kind=Kind.EVENT_CANCELLED).count() == 3


def test_only_host_cancels(event, other_user):
    with pytest.raises(PermissionDenied):
        event_cancel(event_id=event.pk, actor=other_user)
    assert refresh(event).status == Event.Status.SCHEDULED


def test_duplicate_copies_details_not_rsvps(event, other_user):
    guest(event, 1)
    new_start = event.starts_at + timedelta(days=7)
    with pytest.raises(PermissionDenied):
        event_duplicate(event_id=event.pk, actor=other_user, starts_at=new_start)
    copy = event_duplicate(event_id=event.pk, actor=event.host, starts_at=new_start)
    assert copy.pk != event.pk and copy.slug != event.slug
    assert copy.title == event.title and copy.capacity == event.capacity
    assert copy.ends_at - copy.starts_at == event.ends_at - event.starts_at
    assert copy.rsvps.count() == 0 and copy.going_seats == 0


# --- RSVPs ---------------------------------------------------------------------------------------------


def test_signed_in_rsvp_confirms_and_notifies(event, user):
    rsvp = rsvp_create(event_id=event.pk, user=user, guests=2)
    assert rsvp.status == RSVP.Status.GOING and rsvp.email == user.email and rsvp.name == user.public_name
    assert refresh(event).going_seats == 3
    note = Notification.objects.get(kind=Kind.RSVP_CONFIRMATION)
    assert note.recipient == user and note.dedupe_key == f"rsvp-confirmation:{rsvp.pk}"
    assert note.context["check_in_code"] == rsvp.check_in_code


def test_guest_rsvp_needs_name_and_valid_email(event):
    with pytest.raises(ValidationError) as exc:
        rsvp_create(event_id=event.pk, name="", email="not-an-email")
    assert set(exc.value.message_dict) == {"name", "email"}
    assert not RSVP.objects.exists()


def test_guest_rsvp_gets_signed_manage_link(event):
    rsvp = guest(event, 1)
    note = Notification.objects.get(kind=Kind.RSVP_CONFIRMATION)
    assert note.recipient is None and note.email == "g1@example.org"
    assert rsvp_id_from_token(note.context["manage_url"].split("/")[-2]) == rsvp.pk
    assert rsvp_id_from_token("forged:token") is None


def test_duplicate_rsvp_is_a_conflict(event, user):
    rsvp_create(event_id=event.pk, user=user)
    with pytest.raises(Conflict) as exc:
        rsvp_create(event_id=event.pk, user=user)
    assert exc.value.code == "duplicate_rsvp"
    guest(event, 1)
    with pytest.raises(Conflict):
        rsvp_create(event_id=event.pk, name="Same", email="G1@Example.org")
    # A guest RSVP with the account's address counts as the same person.
    with pytest.raises(Conflict):
        rsvp_create(event_id=event.pk, name="Me again", email=user.email.upper())
    assert RSVP.objects.count() == 2


def test_can_rsvp_again_after_cancelling(event, user):
    first = rsvp_create(event_id=event.pk, user=user)
    rsvp_cancel(rsvp_id=first.pk, actor=user)
    second = rsvp_create(event_id=event.pk, user=user)
    assert second.pk != first.pk and second.status == RSVP.Status.GOING


def test_guest_count_limits(event):
    with pytest.raises(ValidationError) as exc:
        guest(event, 1, guests=event.max_guests_per_rsvp + 1)
    assert "guests" in exc.value.message_dict
    with pytest.raises(ValidationError):
        guest(event, 2, guests=-1)


def test_rsvps_close_at_deadline_and_start(host):
    now = timezone.now()
    event = EventFactory(host=host, rsvp_deadline=now + timedelta(days=1))
    with pytest.raises(ValidationError, match="closed"):
        guest(event, 1, now=now + timedelta(days=2))
    assert guest(event, 2, now=now).status == RSVP.Status.GOING
    no_deadline = EventFactory(host=host)
    with pytest.raises(ValidationError, match="closed"):
        guest(no_deadline, 3, now=no_deadline.starts_at + timedelta(minutes=1))


def test_rsvp_refused_on_cancelled_event(event):
    event_cancel(event_id=event.pk, actor=event.host)
    with pytest.raises(ValidationError, match="cancelled"):
        guest(event, 1)


def test_full_event_waitlists_in_order_with_places(small_event):
    going = [guest(small_event, i) for i in range(2)]
    waiting = [guest(small_event, i) for i in range(2, 5)]
    assert all(r.status == RSVP.Status.GOING for r in going)
    assert [r.status for r in waiting] == [RSVP.Status.WAITLISTED] * 3
    assert [rsvp_waitlist_place(r) for r in waiting] == [1, 2, 3]
    assert Notification.objects.get(email=waiting[1].email).title.startswith("Waitlisted")
    assert refresh(small_event).going_seats == 2


def test_guests_count_toward_capacity(small_event):
    assert guest(small_event, 1, guests=1).status == RSVP.Status.GOING
    assert guest(small_event, 2).status == RSVP.Status.WAITLISTED


def test_nobody_jumps_the_waitlist(small_event):
    """A free seat that the head of the waitlist cannot use (they bring guests) is not taken by a newcomer."""
    a = guest(small_event, 1)
    guest(small_event, 2)
    big = guest(small_event, 3, guests=1)  # needs two seats
    rsvp_cancel(rsvp_id=a.pk, manage_token=rsvp_manage_token(a))
    assert refresh(big).status == RSVP.Status.WAITLISTED
    assert guest(small_event, 4).status == RSVP.Status.WAITLISTED


def test_cancel_promotes_first_waitlisted_automatically_and_tells_them(small_event):
    a = guest(small_event, 1)
    guest(small_event, 2)
    first, second = guest(small_event, 3), guest(small_event, 4)
    rsvp_cancel(rsvp_id=a.pk, manage_token=rsvp_manage_token(a))
    assert refresh(a).status == RSVP.Status.CANCELLED
    assert refresh(first).status == RSVP.Status.GOING
    assert refresh(second).status == RSVP.Status.WAITLISTED
    assert rsvp_waitlist_place(refresh(second)) == 1
    promo = Notification.objects.get(kind=Kind.WAITLIST_PROMOTION)
    assert promo.email == first.email
    assert refresh(small_event).going_seats == 2


def test_cancel_permissions_both_ways(small_event, user, other_user):
    mine = rsvp_create(event_id=small_event.pk, user=user)
    with pytest.raises(PermissionDenied):
        rsvp_cancel(rsvp_id=mine.pk, actor=other_user)
    theirs = guest(small_event, 1)
    with pytest.raises(PermissionDenied):
        rsvp_cancel(rsvp_id=theirs.pk, manage_token=rsvp_manage_token(mine))
    assert refresh(mine).status == refresh(theirs).status == RSVP.Status.GOING
    rsvp_cancel(rsvp_id=mine.pk, actor=user)
    rsvp_cancel(rsvp_id=theirs.pk, actor=small_event.host)  # the host may remove someone
    assert refresh(theirs).cancel_reason == "host"
    with pytest.raises(Conflict):
        rsvp_cancel(rsvp_id=mine.pk, actor=user)
    assert refresh(small_event).going_seats == 0


def test_claim_window_offer_claim_and_expiry(host):
    now = timezone.now()
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM, claim_window_hours=24)
    a = guest(event, 1, now=now)
    b = guest(event, 2, now=now)
    c = guest(event, 3, now=now)
    rsvp_cancel(rsvp_id=a.pk, manage_token=rsvp_manage_token(a), now=now)
    b = refresh(b)
    assert b.status == RSVP.Status.OFFERED and b.offer_expires_at == now + timedelta(hours=24)
    event = refresh(event)
    assert (event.going_seats, event.offered_seats) == (0, 1)
    # A newcomer cannot take the held seat.
    assert guest(event, 4, now=now).status == RSVP.Status.WAITLISTED
    # Nothing expires early; then B lets it lapse and C gets the offer.
    assert rsvp_expire_offers(now=now + timedelta(hours=23)) == 0
    assert rsvp_expire_offers(now=now + timedelta(hours=25)) == 1
    assert rsvp_expire_offers(now=now + timedelta(hours=25)) == 0  # idempotent
    assert refresh(b).status == RSVP.Status.CANCELLED and refresh(b).cancel_reason == "offer_expired"
    c = refresh(c)
    assert c.status == RSVP.Status.OFFERED
    with pytest.raises(ValidationError, match="no spot"):
        rsvp_claim_offer(rsvp_id=b.pk, manage_token=rsvp_manage_token(b), now=now)
    with pytest.raises(ValidationError, match="run out"):
        rsvp_claim_offer(rsvp_id=c.pk, manage_token=rsvp_manage_token(c), now=now + timedelta(hours=50))
    with pytest.raises(PermissionDenied):
        rsvp_claim_offer(rsvp_id=c.pk, manage_token=rsvp_manage_token(b), now=now)
    rsvp_claim_offer(rsvp_id=c.pk, manage_token=rsvp_manage_token(c), now=now + timedelta(hours=26))
    assert refresh(c).status == RSVP.Status.GOING
    event = refresh(event)
    assert (event.going_seats, event.offered_seats) == (1, 0)
    assert Notification.objects.filter(kind=Kind.WAITLIST_PROMOTION).count() == 2


def test_visibility_opt_in(event, user, other_user):
    rsvp = rsvp_create(event_id=event.pk, user=user)
    assert rsvp.show_publicly is False
    with pytest.raises(PermissionDenied):
        rsvp_set_visibility(rsvp_id=rsvp.pk, show_publicly=True, actor=other_user)
    rsvp_set_visibility(rsvp_id=rsvp.pk, show_publicly=True, actor=user)
    assert refresh(rsvp).show_publicly is True


# --- check-in, walk-ins, messages -------------------------------------------------------------------------


def test_check_in_by_code_host_only_and_once(event, other_user):
    rsvp = guest(event, 1)
    with pytest.raises(PermissionDenied):
        rsvp_check_in(event_id=event.pk, actor=other_user, code=rsvp.check_in_code)
    with pytest.raises(ValidationError):
        rsvp_check_in(event_id=event.pk, actor=event.host, code="NOPE99")
    done = rsvp_check_in(event_id=event.pk, actor=event.host, code=f" {rsvp.check_in_code.lower()} ")
    assert done.checked_in_at is not None
    with pytest.raises(Conflict):
        rsvp_check_in(event_id=event.pk, actor=event.host, rsvp_id=rsvp.pk)


def test_waitlisted_cannot_be_checked_in(small_event):
    guest(small_event, 1)
    guest(small_event, 2)
    waiting = guest(small_event, 3)
    with pytest.raises(ValidationError, match="not confirmed"):
        rsvp_check_in(event_id=small_event.pk, actor=small_event.host, rsvp_id=waiting.pk)


def test_code_from_another_event_does_not_check_in(event, host):
    other = EventFactory(host=host)
    rsvp = guest(other, 1)
    with pytest.raises(ValidationError):
        rsvp_check_in(event_id=event.pk, actor=host, code=rsvp.check_in_code)


def test_walk_ins_host_only_within_capacity(small_event, other_user):
    with pytest.raises(PermissionDenied):
        rsvp_add_walk_in(event_id=small_event.pk, actor=other_user, name="Sneaky")
    walk_in = rsvp_add_walk_in(event_id=small_event.pk, actor=small_event.host, name="Walker", guests=1)
    assert walk_in.is_walk_in and walk_in.checked_in_at and walk_in.status == RSVP.Status.GOING
    assert refresh(small_event).going_seats == 2
    with pytest.raises(Conflict):
        rsvp_add_walk_in(event_id=small_event.pk, actor=small_event.host, name="One too many")


def test_message_attendees_host_only_rate_limited_delivered_once(
    event, user, other_user, django_capture_on_commit_callbacks
):
    rsvp_create(event_id=event.pk, user=user)
    confirm_email(guest(event, 1))
    with pytest.raises(PermissionDenied):
        event_message_create(event_id=event.pk, actor=other_user, subject="Hi", body="Spam")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        message = event_message_create(
            event_id=event.pk, actor=event.host, subject="Bring water", body="Hot day.", now=now
        )
    message.refresh_from_db()
    assert message.sent_at is not None and message.recipient_count == 2
    notes = Notification.objects.filter(kind=Kind.EVENT_MESSAGE)
    assert notes.count() == 2
    assert event_message_deliver(message_id=message.pk) == 0  # a redelivered task sends nothing
    assert notes.count() == 2
    with pytest.raises(ValidationError, match="wait"):
        event_message_create(
            event_id=event.pk, actor=event.host, subject="Again", body="x", now=now + timedelta(minutes=5)
        )
    for i in range(4):
        event_message_create(
            event_id=event.pk, actor=event.host, subject=f"m{i}", body="x", now=now + timedelta(minutes=11 * (i + 1))
        )
    with pytest.raises(ValidationError, match="at most"):
        event_message_create(event_id=event.pk, actor=event.host, subject="six", body="x", now=now + timedelta(hours=2))
    assert EventMessage.objects.count() == 5


# --- reminders and turnout -------------------------------------------------------------------------------


def test_reminders_24h_and_1h_exactly_once(host, user):
    now = timezone.now()
    event = EventFactory(host=host, starts_at=now + timedelta(hours=23, minutes=50), ends_at=now + timedelta(hours=26))
    rsvp_create(event_id=event.pk, user=user, now=now)
    waiting_event_guest = guest(event, 1, now=now)
    rsvp_cancel(rsvp_id=waiting_event_guest.pk, manage_token=rsvp_manage_token(waiting_event_guest))
    assert event_reminders_send(now=now) == 1
    assert event_reminders_send(now=now) == 0  # the beat fired twice
    assert event_reminders_send(now=now + timedelta(hours=1)) == 0
    assert event_reminders_send(now=event.starts_at - timedelta(minutes=55)) == 1
    assert event_reminders_send(now=event.starts_at - timedelta(minutes=50)) == 0
    reminders = Notification.objects.filter(kind=Kind.EVENT_REMINDER)
    assert reminders.count() == 2
    assert set(reminders.values_list("recipient", flat=True)) == {user.pk}  # not the cancelled guest


def test_no_24h_reminder_for_event_within_the_hour(host, user):
    now = timezone.now()
    event = EventFactory(host=host, starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=2))
    rsvp_create(event_id=event.pk, user=user, now=now)
    assert event_reminders_send(now=now) == 1
    assert Notification.objects.get(kind=Kind.EVENT_REMINDER).title.endswith("in an hour")


def test_rescheduling_rearms_reminders(host, user):
    now = timezone.now()
    event = EventFactory(host=host, starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=22))
    rsvp_create(event_id=event.pk, user=user, now=now)
    assert event_reminders_send(now=now) == 1
    later = now + timedelta(days=3)
    event_update(event_id=event.pk, actor=host, starts_at=later, ends_at=later + timedelta(hours=2))
    assert event_reminders_send(now=later - timedelta(hours=23)) == 1


def test_turnout_reached_confirms_exactly_once(host):
    now = timezone.now()
    event = EventFactory(host=host, turnout_minimum=2, commitment_deadline=now + timedelta(days=2))
    confirm_email(guest(event, 1))
    confirm_email(guest(event, 2))
    assert event_turnout_decide_due(now=now) == {"confirmed": 0, "cancelled": 0}  # not yet
    later = now + timedelta(days=2, minutes=1)
    assert event_turnout_decide_due(now=later) == {"confirmed": 1, "cancelled": 0}
    assert event_turnout_decide_due(now=later) == {"confirmed": 0, "cancelled": 0}
    assert event_turnout_decide(event_id=event.pk, now=later) is None
    assert refresh(event).status == Event.Status.CONFIRMED
    assert Notification.objects.filter(kind=Kind.EVENT_CONFIRMED).count() == 2


def test_turnout_reached_tells_only_people_with_a_place_not_the_waitlist(host):
    now = timezone.now()
    event = EventFactory(host=host, capacity=2, turnout_minimum=2, commitment_deadline=now + timedelta(days=2))
    confirm_email(guest(event, 1))
    confirm_email(guest(event, 2))
    waiting = guest(event, 3)
    assert waiting.status == RSVP.Status.WAITLISTED
    assert event_turnout_decide(event_id=event.pk, now=now + timedelta(days=2, minutes=1)) == "confirmed"
    told = set(Notification.objects.filter(kind=Kind.EVENT_CONFIRMED).values_list("email", flat=True))
    assert told == {"g1@example.org", "g2@example.org"}


def test_turnout_missed_cancels_and_tells_everyone(host):
    now = timezone.now()
    event = EventFactory(host=host, turnout_minimum=3, commitment_deadline=now + timedelta(days=1))
    confirm_email(guest(event, 1))
    later = now + timedelta(days=1, minutes=1)
    assert event_turnout_decide(event_id=event.pk, now=later) == "cancelled"
    assert event_turnout_decide(event_id=event.pk, now=later) is None
    event = refresh(event)
    assert event.status == Event.Status.CANCELLED and "Only 1 of the 3" in event.cancel_reason
    assert Notification.objects.filter(kind=Kind.EVENT_CANCELLED).count() == 1
    assert not Notification.objects.filter(kind=Kind.EVENT_CONFIRMED).exists()


def test_turnout_cannot_change_after_decision(host):
    now = timezone.now()
    event = EventFactory(host=host, turnout_minimum=1, commitment_deadline=now + timedelta(hours=1))
    confirm_email(guest(event, 1))
    event_turnout_decide(event_id=event.pk, now=now + timedelta(hours=2))
    with pytest.raises(ValidationError):
        event_update(event_id=event.pk, actor=host, turnout_minimum=5)


# --- time zones --------------------------------------------------------------------------------------------


def test_event_time_stored_utc_from_the_events_own_zone(user):
    from events.timezones import local_to_utc

    wall = datetime(2030, 7, 1, 18, 0)
    start = local_to_utc(wall, "America/New_York")
    event = event_create(
        host=user, **base_fields(timezone="America/New_York", starts_at=start, ends_at=start + timedelta(hours=1))
    )
    event = refresh(event)
    assert event.starts_at == datetime(2030, 7, 1, 22, 0, tzinfo=ZoneInfo("UTC"))
    assert timezone.localtime(event.starts_at, ZoneInfo("Asia/Tokyo")).hour == 7  # next morning in Tokyo


def test_daylight_saving_gap_and_overlap():
    from events.timezones import local_to_utc

    # Europe/Berlin: clocks jump 02:00 -> 03:00 on 2030-03-31, fall back 03:00 -> 02:00 on 2030-10-27.
    with pytest.raises(ValidationError) as exc:
        local_to_utc(datetime(2030, 3, 31, 2, 30), "Europe/Berlin")
    assert "does not exist" in exc.value.message_dict["starts_at"][0]
    assert local_to_utc(datetime(2030, 3, 31, 1, 30), "Europe/Berlin").hour == 0  # CET, UTC+1
    assert local_to_utc(datetime(2030, 3, 31, 3, 30), "Europe/Berlin").hour == 1  # CEST, UTC+2
    ambiguous = local_to_utc(datetime(2030, 10, 27, 2, 30), "Europe/Berlin")
    assert ambiguous.hour == 0 and ambiguous.minute == 30  # the first 02:30 (CEST)


def test_event_spanning_dst_change_keeps_true_duration(user):
    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 10, 27, 1, 0), "Europe/Berlin")
    end = local_to_utc(datetime(2030, 10, 27, 4, 0), "Europe/Berlin")
    event = event_create(host=user, **base_fields(starts_at=start, ends_at=end))
    assert event.ends_at - event.starts_at == timedelta(hours=4)  # 3 wall-clock hours + the repeated one


def test_duplicate_across_dst_keeps_utc_duration(user):
    from events.timezones import local_to_utc

    start = local_to_utc(datetime(2030, 3, 24, 18, 0), "Europe/Berlin")
    event = event_create(host=user, **base_fields(starts_at=start, ends_at=start + timedelta(hours=2)))
    next_week = local_to_utc(datetime(2030, 3, 31, 18, 0), "Europe/Berlin")
    copy = event_duplicate(event_id=event.pk, actor=user, starts_at=next_week)
    assert timezone.localtime(copy.starts_at, ZoneInfo("Europe/Berlin")).hour == 18
    assert copy.starts_at - event.starts_at == timedelta(days=7) - timedelta(hours=1)


# --- calendar feed -----------------------------------------------------------------------------------------


def test_calendar_feed_token_reset(user):
    feed = calendar_feed_get_or_create(user=user)
    assert calendar_feed_get_or_create(user=user).token == feed.token
    reset = calendar_feed_reset(user=user)
    assert reset.token != feed.token and len(reset.token) >= 40


def test_seat_counter_matches_rows_after_mixed_operations(host):
    event = EventFactory(host=host, capacity=5)
    people = [guest(event, i, guests=i % 2) for i in range(8)]
    for rsvp in people[::3]:
        rsvp_cancel(rsvp_id=rsvp.pk, manage_token=rsvp_manage_token(rsvp))
    event = refresh(event)
    going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING)
    assert event.going_seats == sum(r.seats for r in going) <= 5


def test_database_refuses_overbooking_whatever_the_code_path(event):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(going_seats=event.capacity + 1)


# --- hosting for a group ---------------------------------------------------------------------------------


def test_only_group_moderators_host_for_the_group(user, other_user):
    from communities.models import Membership
    from tests.communities.factories import GroupFactory, add_member

    group = GroupFactory(owner=user)
    add_member(group, other_user, role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError) as exc:
        event_create(host=other_user, group=group, **base_fields())
    assert "group" in exc.value.message_dict
    assert event_create(host=user, group=group, **base_fields()).group == group
    moderator = add_member(group, role=Membership.Role.MODERATOR)
    assert event_create(host=moderator, group=group, **base_fields()).group == group


def test_guest_confirmation_email_links_to_the_manage_page(event):
    rsvp = guest(event, 1)
    note = Notification.objects.get(kind=Kind.RSVP_CONFIRMATION)
    assert note.url == rsvp_manage_url(rsvp)
    assert rsvp.check_in_code in note.body
    assert note.context["event"] == event.title and "Europe/Lisbon" in note.context["starts_at"]


def test_online_link_goes_only_to_people_confirmed_going(host):
    event = EventFactory(host=host, capacity=1, online_url="https://meet.example.org/room")
    first = guest(event, 1)
    second = guest(event, 2)
    assert "meet.example.org/room" in Notification.objects.get(email=first.email).body
    assert "meet.example.org/room" not in Notification.objects.get(email=second.email).body  # waitlisted
    rsvp_cancel(rsvp_id=first.pk, manage_token=rsvp_manage_token(first))
    assert "meet.example.org/room" in Notification.objects.get(kind=Kind.WAITLIST_PROMOTION).body


def test_changing_time_or_place_tells_everyone_with_an_rsvp(small_event):
    going = guest(small_event, 1)
    guest(small_event, 2)
    waiting = guest(small_event, 3)
    event_update(event_id=small_event.pk, actor=small_event.host, title="Same time, new title")
    assert not Notification.objects.filter(title__startswith="Changed").exists()
    later = small_event.starts_at + timedelta(days=1)
    event_update(event_id=small_event.pk, actor=small_event.host, starts_at=later, ends_at=later + timedelta(hours=2))
    changed = Notification.objects.filter(title__startswith="Changed")
    assert set(changed.values_list("email", flat=True)) == {going.email, "g2@example.org", waiting.email}

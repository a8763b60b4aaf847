"""Capacity under real concurrency: separate threads, each with its own PostgreSQL connection,
released together by a barrier. Only PostgreSQL has the row locks these rely on."""

import pytest

from causeweb.core.exceptions import Conflict
from events.models import RSVP, Event
from events.services.links import rsvp_manage_token
from events.services.rsvps import (
    rsvp_cancel,
    rsvp_create,
    rsvp_expire_offers,
    rsvp_release_expired_holds,
    rsvp_waitlist_place,
)
from events.services.turnout import event_reminders_send, event_turnout_decide_due
from tests.concurrency import run_concurrently
from tests.events.factories import EventFactory, confirm_email
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_rsvps_never_overbook_and_queue_in_order():
    event = EventFactory(host=UserFactory(), capacity=10)
    rsvp_calls = [
        (lambda n=n: rsvp_create(event_id=event.pk, name=f"Person {n}", email=f"p{n}@example.org")) for n in range(50)
    ]
    results, errors = run_concurrently(rsvp_calls)
    assert errors == [None] * 50
    assert len({r.pk for r in results}) == 50  # nothing lost

    event.refresh_from_db()
    rows = list(RSVP.objects.filter(event=event).order_by("pk"))
    going = [r for r in rows if r.status == RSVP.Status.GOING]
    waiting = [r for r in rows if r.status == RSVP.Status.WAITLISTED]
    assert len(going) == 10 and len(waiting) == 40
    assert event.going_seats == 10
    # Whoever got the lock first got in: every going row was written before every waitlisted one,
    # and waitlist tickets follow the order of arrival with no gaps or duplicates.
    assert max(r.pk for r in going) < min(r.pk for r in waiting)
    assert [r.waitlist_position for r in waiting] == list(range(1, 41))
    assert [rsvp_waitlist_place(r) for r in waiting[:3]] == [1, 2, 3]


def test_concurrent_cancellations_promote_the_waitlist_in_order():
    event = EventFactory(host=UserFactory(), capacity=10)
    people = [rsvp_create(event_id=event.pk, name=f"P{n}", email=f"p{n}@example.org") for n in range(30)]
    going, waiting = people[:10], people[10:]
    assert all(r.status == RSVP.Status.GOING for r in going)

    cancel_calls = [(lambda r=r: rsvp_cancel(rsvp_id=r.pk, manage_token=rsvp_manage_token(r))) for r in going]
    _, errors = run_concurrently(cancel_calls)
    assert errors == [None] * 10

    event.refresh_from_db()
    statuses = {r.pk: r.status for r in RSVP.objects.filter(event=event)}
    assert all(statuses[r.pk] == RSVP.Status.CANCELLED for r in going)
    assert all(statuses[r.pk] == RSVP.Status.GOING for r in waiting[:10])  # the first ten in line
    assert all(statuses[r.pk] == RSVP.Status.WAITLISTED for r in waiting[10:])
    assert event.going_seats == 10 and event.offered_seats == 0


def test_concurrent_cancellations_and_rsvps_together_stay_within_capacity():
    event = EventFactory(host=UserFactory(), capacity=5, max_guests_per_rsvp=2)
    first = [rsvp_create(event_id=event.pk, name=f"P{n}", email=f"p{n}@example.org", guests=n % 2) for n in range(8)]
    calls = [(lambda r=r: rsvp_cancel(rsvp_id=r.pk, manage_token=rsvp_manage_token(r))) for r in first[:4]] + [
        (lambda n=n: rsvp_create(event_id=event.pk, name=f"N{n}", email=f"n{n}@example.org", guests=n % 3))
        for n in range(20)
    ]
    _, errors = run_concurrently(calls)
    assert errors == [None] * len(calls)
    event.refresh_from_db()
    going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING)
    assert event.going_seats == sum(r.seats for r in going) <= 5


def test_concurrent_duplicate_rsvps_by_one_person_create_one():
    event = EventFactory(host=UserFactory(), capacity=10)
    user = UserFactory()
    results, errors = run_concurrently([lambda: rsvp_create(event_id=event.pk, user=user)] * 10)
    assert sum(1 for r in results if r is not None) == 1
    assert all(isinstance(e, Conflict) for e in errors if e is not None)
    assert RSVP.objects.filter(event=event, user=user).count() == 1
    assert Event.objects.get(pk=event.pk).going_seats == 1


def test_concurrent_claim_window_expiry_runs_promote_once():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    event = EventFactory(host=UserFactory(), capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM, claim_window_hours=1)
    people = [rsvp_create(event_id=event.pk, name=f"P{n}", email=f"p{n}@example.org", now=now) for n in range(4)]
    rsvp_cancel(rsvp_id=people[0].pk, manage_token=rsvp_manage_token(people[0]), now=now)
    later = now + timedelta(hours=2)
    results, errors = run_concurrently([lambda: rsvp_expire_offers(now=later)] * 5)
    assert errors == [None] * 5
    assert sum(results) == 1  # one offer expired, once
    statuses = [RSVP.objects.get(pk=p.pk).status for p in people]
    assert statuses == [RSVP.Status.CANCELLED, RSVP.Status.CANCELLED, RSVP.Status.OFFERED, RSVP.Status.WAITLISTED]


def test_overlapping_beats_send_each_reminder_and_turnout_decision_once():
    from datetime import timedelta

    from django.utils import timezone

    from causeweb.notifications.models import Notification

    now = timezone.now()
    host = UserFactory()
    soon = EventFactory(host=host, starts_at=now + timedelta(minutes=45), ends_at=now + timedelta(hours=2))
    committed = EventFactory(host=host, turnout_minimum=3, commitment_deadline=now - timedelta(minutes=1))
    for n in range(5):
        # Guests who confirmed their email (unconfirmed ones get no reminder and do not count).
        confirm_email(rsvp_create(event_id=soon.pk, name=f"S{n}", email=f"s{n}@example.org", now=now))
        early = now - timedelta(hours=1)
        confirm_email(rsvp_create(event_id=committed.pk, name=f"C{n}", email=f"c{n}@example.org", now=early), now=early)

    reminders, errors = run_concurrently([lambda: event_reminders_send(now=now)] * 6)
    assert errors == [None] * 6
    assert sum(reminders) == 5
    assert Notification.objects.filter(kind="event_reminder").count() == 5

    outcomes, errors = run_concurrently([lambda: event_turnout_decide_due(now=now)] * 6)
    assert errors == [None] * 6
    assert sum(o["confirmed"] for o in outcomes) == 1
    assert Notification.objects.filter(kind="event_confirmed").count() == 5


def test_concurrent_unconfirmed_guests_cannot_hold_more_than_capacity_and_lapsed_holds_free_seats():
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    event = EventFactory(host=UserFactory(), capacity=10, max_guests_per_rsvp=2)
    now = timezone.now()
    calls = [
        (lambda n=n: rsvp_create(event_id=event.pk, name=f"Fake {n}", email=f"f{n}@example.org", guests=2, now=now))
        for n in range(20)
    ]
    _, errors = run_concurrently(calls)
    assert errors == [None] * 20
    event.refresh_from_db()
    held = RSVP.objects.filter(event=event, status=RSVP.Status.GOING, hold_expires_at__isnull=False)
    assert event.going_seats == sum(r.seats for r in held) <= 10
    assert held.count() == 3  # 3 x 3 seats; the rest wait

    # After the hold, newcomers and the sweep race: lapsed holds free their seats exactly once.
    after = now + settings.GUEST_RSVP_HOLD + timedelta(seconds=1)
    calls = [lambda: rsvp_release_expired_holds(now=after)] * 3 + [
        (lambda n=n: rsvp_create(event_id=event.pk, user=UserFactory(), now=after)) for n in range(5)
    ]
    _, errors = run_concurrently(calls)
    assert errors == [None] * len(calls)
    event.refresh_from_db()
    assert RSVP.objects.filter(event=event, cancel_reason="hold_expired").count() == 3
    going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING)
    assert event.going_seats == sum(r.seats for r in going) <= 10
    assert not going.filter(hold_expires_at__lte=after).exists()

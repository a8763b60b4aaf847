from datetime import timedelta

import pytest
from django.utils import timezone

from causeweb.notifications.models import Notification
from events import tasks
from events.models import RSVP, Event
from events.services.links import rsvp_manage_token
from events.services.rsvps import rsvp_cancel, rsvp_create
from tests.events.factories import EventFactory, confirm_email

pytestmark = pytest.mark.django_db


def test_beat_schedule_registers_the_periodic_tasks():
    from causeweb.celery import app

    names = {entry["task"] for entry in tasks.BEAT_SCHEDULE.values()}
    assert names == {
        "events.tasks.send_reminders",
        "events.tasks.decide_turnouts",
        "events.tasks.expire_waitlist_offers",
        "events.tasks.release_expired_guest_holds",
    }
    assert names <= set(app.tasks)
    app.loader.import_default_modules()
    app.finalize()
    assert set(tasks.BEAT_SCHEDULE) <= set(app.conf.beat_schedule)


def test_tasks_run_the_services_and_are_idempotent(host, user):
    now = timezone.now()
    soon = EventFactory(host=host, starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2))
    rsvp_create(event_id=soon.pk, user=user)
    assert tasks.send_reminders.delay().get() == 1
    assert tasks.send_reminders.delay().get() == 0
    assert Notification.objects.filter(kind="event_reminder").count() == 1

    decided = EventFactory(host=host, turnout_minimum=1, commitment_deadline=now - timedelta(minutes=1))
    early = now - timedelta(hours=1)
    confirm_email(rsvp_create(event_id=decided.pk, name="A", email="a@example.org", now=early), now=early)
    assert tasks.decide_turnouts.delay().get() == {"confirmed": 1, "cancelled": 0}
    assert tasks.decide_turnouts.delay().get() == {"confirmed": 0, "cancelled": 0}
    assert Event.objects.get(pk=decided.pk).status == Event.Status.CONFIRMED


def test_expire_offers_task(host):
    past = timezone.now() - timedelta(hours=3)
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM, claim_window_hours=1)
    a = rsvp_create(event_id=event.pk, name="A", email="a@example.org", now=past)
    b = rsvp_create(event_id=event.pk, name="B", email="b@example.org", now=past)
    c = rsvp_create(event_id=event.pk, name="C", email="c@example.org", now=past)
    rsvp_cancel(rsvp_id=a.pk, manage_token=rsvp_manage_token(a), now=past)
    assert tasks.expire_waitlist_offers.delay().get() == 1
    assert RSVP.objects.get(pk=b.pk).status == RSVP.Status.CANCELLED
    assert RSVP.objects.get(pk=c.pk).status == RSVP.Status.OFFERED

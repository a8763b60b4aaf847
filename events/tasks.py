"""Thin Celery wrappers around the events services. Every task is idempotent (the services lock and
re-check, and notifications carry dedupe keys), so acks_late redelivery and overlapping beats are safe."""

from celery import shared_task
from celery.schedules import crontab

from causeweb.celery import TASK_DEFAULTS
from events.services import messages, rsvps, turnout


@shared_task(name="events.tasks.send_reminders", **TASK_DEFAULTS)
def send_reminders() -> int:
    return turnout.event_reminders_send()


@shared_task(name="events.tasks.decide_turnouts", **TASK_DEFAULTS)
def decide_turnouts() -> dict:
    return turnout.event_turnout_decide_due()


@shared_task(name="events.tasks.expire_waitlist_offers", **TASK_DEFAULTS)
def expire_waitlist_offers() -> int:
    return rsvps.rsvp_expire_offers()


@shared_task(name="events.tasks.release_expired_guest_holds", **TASK_DEFAULTS)
def release_expired_guest_holds() -> int:
    return rsvps.rsvp_release_expired_holds()


@shared_task(name="events.tasks.deliver_event_message", **TASK_DEFAULTS)
def deliver_event_message(message_id: int) -> int:
    return messages.event_message_deliver(message_id=message_id)


BEAT_SCHEDULE = {
    # Every 5 minutes: a reminder goes out at most 5 minutes after its mark.
    "events-send-reminders": {"task": "events.tasks.send_reminders", "schedule": crontab(minute="*/5")},
    "events-decide-turnouts": {"task": "events.tasks.decide_turnouts", "schedule": crontab(minute="*/5")},
    "events-expire-waitlist-offers": {"task": "events.tasks.expire_waitlist_offers", "schedule": crontab(minute="*/5")},
    # Every minute: a lapsed guest hold goes to the waitlist soon after it lapses (RSVPs, confirmations
    # and walk-ins already count expired holds out under the event lock, whether or not this has run).
    "events-release-expired-guest-holds": {
        "task": "events.tasks.release_expired_guest_holds",
        "schedule": crontab(minute="*"),
    },
}

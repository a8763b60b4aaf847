"""Several workers racing for the same rows on PostgreSQL: each email is claimed and sent once."""

import threading

import pytest
from django.db import connection

from causeweb.notifications import delivery, digest
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import DigestRun, Notification, NotificationPreference
from tests.factories import UserFactory
from tests.notifications.backends import FailingBackend

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(target, args_list):
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []

    def run(args):
        try:
            barrier.wait()
            results.append(target(*args))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # threads open their own connections

    threads = [threading.Thread(target=run, args=(args,)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_eight_workers_one_email(failing_backend):
    person = UserFactory()
    notification = Notification.objects.create(
        recipient=person, email=person.email, kind=Kind.MENTION, title="Hi", dedupe_key="race:1"
    )
    outcomes = race(lambda: delivery.deliver_email(notification.pk).outcome, [()] * 8)
    assert sorted(outcomes) == sorted([delivery.SENT] + [delivery.NOT_CLAIMED] * 7)
    assert len(FailingBackend.sent) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("sent", 1)


def test_two_beats_racing_send_one_digest(failing_backend):
    import datetime

    person = UserFactory()
    NotificationPreference.objects.create(user=person, kind=Kind.MENTION, daily_digest=True)
    Notification.objects.create(
        recipient=person, email=person.email, kind=Kind.MENTION, title="Hi", dedupe_key="race:d", email_status="digest"
    )
    day = datetime.date(2026, 11, 25)
    results = race(lambda: digest.digest_send_for_user(user_id=person.pk, date=day), [()] * 4)
    assert sorted(results) == [False, False, False, True]
    assert len(FailingBackend.sent) == 1
    assert DigestRun.objects.filter(user=person, date=day).count() == 1

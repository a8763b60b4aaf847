import datetime
import smtplib

import pytest
from django.core import mail

from causeweb.notifications import digest, tasks
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import DigestRun, Notification, NotificationPreference
from causeweb.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 25)


def digest_user(*kinds):
    person = UserFactory()
    for kind in kinds:
        NotificationPreference.objects.create(user=person, kind=kind, daily_digest=True)
    return person


def test_digest_sends_one_email_with_every_waiting_item(run_on_commit):
    person = digest_user(Kind.THREAD_REPLY, Kind.MENTION)
    with run_on_commit():
        for i in range(3):
            notify(
                recipient=person,
                kind=Kind.THREAD_REPLY,
                context={"title": f"Reply {i}", "body": "Agreed!", "url": f"/groups/g/t/{i}/"},
                dedupe_key=f"reply:{i}",
            )
        notify(recipient=person, kind=Kind.MENTION, context={"title": "You were mentioned"}, dedupe_key="m:1")
    assert mail.outbox == []

    assert digest.digest_send_for_user(user_id=person.pk, date=DAY) is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == "[Causeweb] Your daily digest: 4 new"
    for text in ("Reply 0", "Reply 2", "You were mentioned", "http://127.0.0.1:8000/groups/g/t/1/"):
        assert text in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
    run = DigestRun.objects.get(user=person, date=DAY)
    assert run.item_count == 4
    assert run.sent_at is not None


def test_beat_firing_twice_sends_one_digest_per_person(run_on_commit):
    people = [digest_user(Kind.ANNOUNCEMENT) for _ in range(3)]
    with run_on_commit():
        for person in people:
            notify(recipient=person, kind=Kind.ANNOUNCEMENT, context={"title": "News"}, dedupe_key=f"a:{person.pk}")
    assert tasks.send_daily_digests.delay(DAY.isoformat()).get() == 3
    # A second beat the same day: the people are still listed if new items came in, but the
    # DigestRun row stops a second email.
    with run_on_commit():
        notify(recipient=people[0], kind=Kind.ANNOUNCEMENT, context={"title": "Later news"}, dedupe_key="a:late")
    tasks.send_daily_digests.delay(DAY.isoformat()).get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert DigestRun.objects.filter(date=DAY).count() == 3
    # The later item waits for tomorrow's digest.
    assert Notification.objects.get(dedupe_key="a:late").email_status == "digest"
    assert digest.digest_send_for_user(user_id=people[0].pk, date=DAY + datetime.timedelta(days=1))
    assert "Later news" in mail.outbox[-1].body


def test_nothing_waiting_sends_nothing():
    person = digest_user(Kind.MENTION)
    assert digest.digest_send_for_user(user_id=person.pk, date=DAY) is False
    assert mail.outbox == []


def test_transient_failure_lets_the_digest_be_retried_the_same_day(failing_backend, run_on_commit):
    person = digest_user(Kind.MENTION)
    with run_on_commit():
        notify(recipient=person, kind=Kind.MENTION, context={"title": "Hey"}, dedupe_key="m:retry")
    failing_backend.error = smtplib.SMTPServerDisconnected("down")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digest.digest_send_for_user(user_id=person.pk, date=DAY)
    assert not DigestRun.objects.exists()
    assert Notification.objects.get(dedupe_key="m:retry").email_status == "digest"
    failing_backend.error = None
    assert digest.digest_send_for_user(user_id=person.pk, date=DAY) is True
    assert len(failing_backend.sent) == 1


def test_digest_unsubscribe_stops_digests_and_drops_waiting_items(client, run_on_commit):
    person = digest_user(Kind.MENTION)
    with run_on_commit():
        notify(recipient=person, kind=Kind.MENTION, context={"title": "One"}, dedupe_key="m:d1")
    digest.digest_send_for_user(user_id=person.pk, date=DAY)
    unsubscribe_url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    with run_on_commit():
        notify(recipient=person, kind=Kind.MENTION, context={"title": "Two"}, dedupe_key="m:d2")
    response = client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=person, kind=Kind.MENTION).email_enabled is False
    assert Notification.objects.get(dedupe_key="m:d2").email_status == "skipped"
    assert digest.digest_send_for_user(user_id=person.pk, date=DAY + datetime.timedelta(days=1)) is False

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from causeweb.notifications import services
from causeweb.notifications.kinds import MANDATORY_KINDS, Kind
from causeweb.notifications.models import GuestOptOut, Notification, NotificationPreference
from causeweb.notifications.services import notify, notify_bulk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"title": "Clean water: the well is dug", "body": "We reached 40 metres.", "url": "/campaigns/water/"}


def test_notify_records_in_app_and_emails_once_after_commit(user, run_on_commit):
    with run_on_commit() as callbacks:
        notification = notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key="upd:1")
    assert len(callbacks) == 1  # the enqueue waits for the commit
    notification.refresh_from_db()
    assert notification.recipient == user
    assert notification.title == CONTEXT["title"]
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.email_attempts == 1
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "[Causeweb] Clean water: the well is dug"
    assert "http://127.0.0.1:8000/campaigns/water/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_notify_is_deduplicated_by_key(user, run_on_commit):
    with run_on_commit():
        first = notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key="upd:2")
        second = notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key="upd:2")
    assert first is not None
    assert second is None
    assert Notification.objects.filter(dedupe_key="upd:2").count() == 1
    assert len(mail.outbox) == 1


def test_notify_needs_someone_to_tell():
    with pytest.raises(ValueError):
        notify(kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key="nobody")


def test_email_switched_off_keeps_in_app_but_sends_nothing(user, run_on_commit):
    NotificationPreference.objects.create(user=user, kind=Kind.CAMPAIGN_UPDATE, email_enabled=False)
    with run_on_commit():
        notification = notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context=CONTEXT, dedupe_key="upd:3")
        other_kind = notify(recipient=user, kind=Kind.MENTION, context=CONTEXT, dedupe_key="mention:3")
    assert notification.email_status == Notification.EmailStatus.SKIPPED
    assert Notification.objects.filter(recipient=user).count() == 2
    other_kind.refresh_from_db()
    assert other_kind.email_status == Notification.EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "mention" in mail.outbox[0].extra_headers["X-Causeweb-Kind"]


def test_digest_preference_holds_the_email_for_the_digest(user, run_on_commit):
    NotificationPreference.objects.create(user=user, kind=Kind.THREAD_REPLY, daily_digest=True)
    with run_on_commit():
        notification = notify(recipient=user, kind=Kind.THREAD_REPLY, context=CONTEXT, dedupe_key="reply:1")
    assert notification.email_status == Notification.EmailStatus.DIGEST
    assert mail.outbox == []


@pytest.mark.parametrize("kind", sorted(MANDATORY_KINDS))
def test_mandatory_kinds_are_sent_whatever_is_stored(user, run_on_commit, kind):
    # Even a preference row written behind the service's back cannot stop a receipt.
    NotificationPreference.objects.create(user=user, kind=kind, email_enabled=False, daily_digest=True)
    with run_on_commit():
        notification = notify(recipient=user, kind=kind, context=CONTEXT, dedupe_key=f"mandatory:{kind}")
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 1
    # Transactional mail carries no unsubscribe link: there is nothing to unsubscribe from.
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "always sent" in mail.outbox[0].body


def test_preferences_update_stores_choices_and_refuses_mandatory_off(user):
    services.notification_preferences_update(
        user=user,
        choices={Kind.MENTION: {"email": False, "digest": False}, Kind.THREAD_REPLY: {"email": True, "digest": True}},
    )
    stored = {p.kind: (p.email_enabled, p.daily_digest) for p in NotificationPreference.objects.filter(user=user)}
    assert stored == {Kind.MENTION: (False, False), Kind.THREAD_REPLY: (True, True)}

    with pytest.raises(ValidationError) as excinfo:
        services.notification_preferences_update(
            user=user, choices={Kind.DONATION_RECEIPT: {"email": False, "digest": False}}
        )
    assert "cannot be switched off" in str(excinfo.value)
    with pytest.raises(ValidationError):
        services.notification_preferences_update(user=user, choices={Kind.SECURITY: {"email": True, "digest": True}})
    with pytest.raises(ValidationError):
        services.notification_preferences_update(user=user, choices={"no_such_kind": {"email": False}})
    assert not NotificationPreference.objects.filter(user=user, kind__in=MANDATORY_KINDS).exists()


def test_guest_gets_what_they_asked_for_and_can_opt_out(run_on_commit):
    with run_on_commit():
        notification = notify(
            email="Guest@Example.org", kind=Kind.RSVP_CONFIRMATION, context=CONTEXT, dedupe_key="rsvp:1"
        )
    notification.refresh_from_db()
    assert notification.recipient is None
    assert notification.email_status == Notification.EmailStatus.SENT
    assert mail.outbox[0].to == ["Guest@Example.org"]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    assert "Email preferences" not in mail.outbox[0].body  # guests have no preferences page

    GuestOptOut.objects.create(email="guest@example.org", kind=Kind.RSVP_CONFIRMATION)
    with run_on_commit():
        again = notify(email="GUEST@example.org", kind=Kind.RSVP_CONFIRMATION, context=CONTEXT, dedupe_key="rsvp:2")
        other = notify(email="guest@example.org", kind=Kind.EVENT_CANCELLED, context=CONTEXT, dedupe_key="cancel:2")
    assert again.email_status == Notification.EmailStatus.SKIPPED
    other.refresh_from_db()
    assert other.email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 2


def test_guest_opt_out_never_blocks_mandatory_mail(run_on_commit):
    GuestOptOut.objects.create(email="signer@example.org", kind=Kind.SIGNATURE_CONFIRM)
    with run_on_commit():
        notification = notify(
            email="signer@example.org", kind=Kind.SIGNATURE_CONFIRM, context=CONTEXT, dedupe_key="sig:1"
        )
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT


def test_unsubscribe_between_notify_and_delivery_is_honoured(user, run_on_commit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(recipient=user, kind=Kind.MENTION, context=CONTEXT, dedupe_key="mention:late")
    NotificationPreference.objects.create(user=user, kind=Kind.MENTION, email_enabled=False)
    callbacks[0]()  # the worker picks the task up after the click
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SKIPPED
    assert notification.email_attempts == 0
    assert mail.outbox == []


def test_notify_bulk_respects_each_persons_preferences(run_on_commit):
    users = UserFactory.create_batch(4)
    NotificationPreference.objects.create(user=users[0], kind=Kind.ANNOUNCEMENT, email_enabled=False)
    NotificationPreference.objects.create(user=users[1], kind=Kind.ANNOUNCEMENT, daily_digest=True)
    with run_on_commit():
        created = notify_bulk(recipients=users, kind=Kind.ANNOUNCEMENT, context=CONTEXT, dedupe_key="ann:1")
    assert created == 4
    statuses = dict(Notification.objects.values_list("recipient_id", "email_status"))
    assert statuses == {
        users[0].pk: "skipped",
        users[1].pk: "digest",
        users[2].pk: "sent",
        users[3].pk: "sent",
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users[2].email, users[3].email])

    with run_on_commit():
        assert notify_bulk(recipients=users, kind=Kind.ANNOUNCEMENT, context=CONTEXT, dedupe_key="ann:1") == 0
    assert len(mail.outbox) == 2


def test_kind_values_callers_use_are_stable():
    """Other apps store and pass these strings: renaming one breaks them."""
    assert {
        "donation_receipt", "refund_issued", "campaign_approved", "campaign_rejected", "campaign_update",
        "signature_confirm", "rsvp_confirmation", "waitlist_promotion", "event_reminder", "event_cancelled",
        "event_confirmed", "event_message", "join_request", "join_request_decided", "thread_reply", "mention",
        "announcement", "comment_reply", "security",
    } <= set(Kind.values)  # fmt: skip


def test_periodic_tasks_are_in_the_beat_schedule():
    from causeweb.celery import app

    app.finalize()
    schedule = app.conf.beat_schedule
    assert schedule["notifications-sweep-undelivered"]["task"] == "causeweb.notifications.tasks.sweep_undelivered"
    assert schedule["notifications-sweep-undelivered"]["schedule"] == 60.0
    assert schedule["notifications-daily-digest"]["task"] == "causeweb.notifications.tasks.send_daily_digests"
    route = app.amqp.router.route({}, "causeweb.notifications.tasks.sweep_undelivered")
    assert route["queue"].name == "notifications"

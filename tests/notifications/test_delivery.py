import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from causeweb.notifications import delivery, services, tasks
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from causeweb.notifications.services import notify
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"title": "A spot opened up", "body": "You are in.", "url": "/events/march/"}


def pending(**kwargs):
    return NotificationFactory(email_status=Notification.EmailStatus.PENDING, kind=Kind.WAITLIST_PROMOTION, **kwargs)


def age(notification, seconds):
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


# --- claim ----------------------------------------------------------------------------------------


def test_delivery_claims_once_however_often_the_task_runs():
    notification = pending()
    assert delivery.deliver_email(notification.pk).outcome == delivery.SENT
    assert delivery.deliver_email(notification.pk).outcome == delivery.NOT_CLAIMED
    tasks.deliver_emails([notification.pk, notification.pk])
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts, notification.claimed_at) == ("sent", 1, None)


def test_a_row_claimed_by_another_worker_is_left_alone():
    notification = pending()
    Notification.objects.filter(pk=notification.pk).update(email_status="sending", claimed_at=timezone.now())
    assert delivery.deliver_email(notification.pk).outcome == delivery.NOT_CLAIMED
    assert mail.outbox == []


def test_missing_row_is_not_an_error():
    assert delivery.deliver_email(987654).outcome == delivery.NOT_CLAIMED


def test_message_has_stable_message_id_and_one_click_unsubscribe_headers():
    notification = pending()
    delivery.deliver_email(notification.pk)
    headers = mail.outbox[0].extra_headers
    assert headers["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"
    assert headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token_url = headers["List-Unsubscribe"].strip("<>")
    assert token_url in mail.outbox[0].body  # the same link, visible in the text part


# --- retries and failure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPResponseException(451, b"try again later"),
        ConnectionRefusedError("refused"),
        TimeoutError("slow"),
    ],
)
def test_transient_error_returns_the_row_to_pending_with_a_backoff(failing_backend, error):
    notification = pending()
    failing_backend.error = error
    result = delivery.deliver_email(notification.pk)
    assert result.outcome == delivery.RETRY
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert notification.email_attempts == 1
    assert notification.claimed_at is None
    assert type(error).__name__ in notification.last_error
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=30)

    failing_backend.error = None
    assert delivery.deliver_email(notification.pk).outcome == delivery.SENT
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts, notification.last_error) == ("sent", 2, "")


def test_gives_up_into_failed_after_max_attempts(failing_backend, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    notification = pending()
    failing_backend.error = smtplib.SMTPConnectError(421, "busy")
    outcomes = [delivery.deliver_email(notification.pk).outcome for _ in range(4)]
    assert outcomes == [delivery.RETRY, delivery.RETRY, delivery.FAILED, delivery.NOT_CLAIMED]
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.FAILED
    assert notification.email_attempts == 3
    assert "SMTPConnectError" in notification.last_error


def test_permanent_error_fails_at_once(failing_backend):
    notification = pending()
    failing_backend.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
    assert delivery.deliver_email(notification.pk).outcome == delivery.FAILED
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.FAILED
    assert notification.email_attempts == 1


def test_error_classification():
    assert delivery.is_transient(smtplib.SMTPResponseException(421, b"later"))
    assert not delivery.is_transient(smtplib.SMTPResponseException(550, b"no"))
    assert not delivery.is_transient(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert delivery.is_transient(OSError("network unreachable"))
    assert not delivery.is_transient(ValueError("template bug"))


def test_task_retries_only_the_failed_rows_with_backoff(failing_backend, monkeypatch):
    """Outside eager mode the batch task re-schedules just the rows that hit a transient error."""
    ok, bad = pending(), pending(email="bad@example.org")
    failing_backend.error = smtplib.SMTPServerDisconnected("dropped")
    failing_backend.only_for = {"bad@example.org"}
    retried = {}

    def fake_retry(self, args=None, countdown=None, **kwargs):
        retried.update(args=args, countdown=countdown)
        raise RuntimeError("retry scheduled")

    monkeypatch.setattr(tasks.deliver_emails._get_current_object(), "retry", fake_retry.__get__(tasks.deliver_emails))
    tasks.deliver_emails.push_request(is_eager=False, retries=0)
    try:
        with pytest.raises(RuntimeError, match="retry scheduled"):
            tasks.deliver_emails.run([ok.pk, bad.pk])
    finally:
        tasks.deliver_emails.pop_request()
    assert retried["args"] == [[bad.pk]]
    assert 40 <= retried["countdown"] <= 80  # ~60 s for the first retry, with jitter
    ok.refresh_from_db()
    assert ok.email_status == "sent"


def test_eager_mode_does_not_spin_on_retries(failing_backend):
    """In the embedded mode (eager tasks) a transient error leaves the row for the sweep."""
    notification = pending()
    failing_backend.error = ConnectionResetError("reset")
    assert tasks.deliver_emails.delay([notification.pk]).get() == 0
    notification.refresh_from_db()
    assert (notification.email_status, notification.email_attempts) == ("pending", 1)


# --- sweep ----------------------------------------------------------------------------------------


def test_sweep_releases_stale_claims_and_sends_them_once(settings):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT = 600
    stale, fresh = pending(), pending()
    Notification.objects.filter(pk=stale.pk).update(
        email_status="sending", claimed_at=timezone.now() - timedelta(minutes=11), email_attempts=1
    )
    Notification.objects.filter(pk=fresh.pk).update(email_status="sending", claimed_at=timezone.now(), email_attempts=1)
    result = services.notification_sweep_undelivered()
    assert result == {"released": 1, "failed": 0, "queued": 1}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.email_status, stale.email_attempts) == ("sent", 2)
    assert fresh.email_status == "sending"  # a live worker may still be sending it
    assert len(mail.outbox) == 1
    assert services.notification_sweep_undelivered() == {"released": 0, "failed": 0, "queued": 0}
    assert len(mail.outbox) == 1


def test_the_claim_timeout_is_the_delivery_time_limit_plus_a_margin():
    """The smallest safe value: no live worker holds a claim past the task's hard time limit."""
    assert delivery.claim_timeout() == timedelta(seconds=330)  # was 600
    assert tasks.deliver_emails.time_limit == delivery.DELIVERY_TIME_LIMIT == 300
    assert delivery.claim_timeout() > timedelta(seconds=tasks.deliver_emails.time_limit)


def test_sweep_with_the_default_timeout_releases_a_claim_after_330_seconds_only():
    killed, live = pending(), pending()
    Notification.objects.filter(pk=killed.pk).update(
        email_status="sending", claimed_at=timezone.now() - timedelta(seconds=340), email_attempts=1
    )
    # Inside the task's time limit plus the margin: its worker may still be sending.
    Notification.objects.filter(pk=live.pk).update(
        email_status="sending", claimed_at=timezone.now() - timedelta(seconds=320), email_attempts=1
    )
    assert services.notification_sweep_undelivered()["released"] == 1
    killed.refresh_from_db()
    live.refresh_from_db()
    assert killed.email_status == "sent" and len(mail.outbox) == 1
    assert live.email_status == "sending"


def test_sweep_fails_a_stale_claim_that_used_its_last_attempt(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    notification = pending()
    Notification.objects.filter(pk=notification.pk).update(
        email_status="sending", claimed_at=timezone.now() - timedelta(hours=1), email_attempts=2
    )
    assert services.notification_sweep_undelivered()["failed"] == 1
    notification.refresh_from_db()
    assert notification.email_status == "failed"
    assert "Worker stopped during the send" in notification.last_error
    assert mail.outbox == []


def test_sweep_queues_pending_rows_older_than_a_minute_only():
    old, recent = pending(), pending()
    age(old, 120)
    assert services.notification_sweep_undelivered()["queued"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.email_status == "sent"
    assert recent.email_status == "pending"  # its own task is probably still on the way


def test_sweep_waits_for_the_retry_backoff():
    waiting = pending()
    age(waiting, 600)
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert services.notification_sweep_undelivered()["queued"] == 0
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.notification_sweep_undelivered()["queued"] == 1
    waiting.refresh_from_db()
    assert waiting.email_status == "sent"


def test_sweep_does_not_requeue_a_backlog_every_minute(monkeypatch):
    """Rows it queued are left alone for a while, so a slow queue is not flooded with copies."""
    queued = []
    monkeypatch.setattr(services, "enqueue_email_delivery", lambda ids: queued.append(list(ids)) or True)
    rows = [pending() for _ in range(3)]
    for row in rows:
        age(row, 300)
    assert services.notification_sweep_undelivered()["queued"] == 3
    assert services.notification_sweep_undelivered()["queued"] == 0
    assert sorted(queued[0]) == sorted(r.pk for r in rows)
    assert len(queued) == 1


# --- broker down ----------------------------------------------------------------------------------


def notify_view(request):
    notify(
        email="walker@example.org",
        kind=Kind.RSVP_CONFIRMATION,
        context={"title": "You are going", "url": "/events/walk/"},
        dedupe_key="rsvp:broker-down",
    )
    return HttpResponse("RSVP saved")


urlpatterns = [path("rsvp/", notify_view), path("notifications/", include("causeweb.notifications.urls"))]


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, with publishing for real (not eager)."""
    from causeweb.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


@pytest.mark.urls("tests.notifications.test_delivery")
def test_request_succeeds_when_the_broker_is_down_and_the_sweep_delivers_later(client, broker_down, run_on_commit):
    started = timezone.now()
    with run_on_commit():
        response = client.get("/rsvp/")
    assert response.status_code == 200
    assert (timezone.now() - started).total_seconds() < 10
    notification = Notification.objects.get(dedupe_key="rsvp:broker-down")
    assert notification.email_status == "pending"
    assert mail.outbox == []

    # The sweep, while the broker is still down, cannot queue anything and says so.
    age(notification, 120)
    assert services.notification_sweep_undelivered()["queued"] == 0

    # The broker is back (eager mode stands in for a worker consuming it): the next sweep delivers.
    from causeweb.celery import app

    app.conf.task_always_eager = True
    assert services.notification_sweep_undelivered()["queued"] == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent"
    assert [m.to for m in mail.outbox] == [["walker@example.org"]]


# --- production email through anymail --------------------------------------------------------------


def test_anymail_backend_receives_tags_metadata_and_headers(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {}
    notification = pending()
    assert delivery.deliver_email(notification.pk).outcome == delivery.SENT
    message = mail.outbox[0]
    assert message.anymail_test_params["tags"] == [Kind.WAITLIST_PROMOTION]
    assert message.anymail_test_params["metadata"] == {
        "notification_id": str(notification.pk),
        "kind": Kind.WAITLIST_PROMOTION,
    }
    assert message.anymail_test_params["extra_headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_server_refusing_the_login_fails_each_row_visibly(settings, monkeypatch):
    """A broken connection (bad credentials) is recorded on the rows, not left pending forever."""
    from django.core.mail.backends.smtp import EmailBackend

    def refuse(self):
        raise smtplib.SMTPAuthenticationError(535, b"bad credentials")

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.setattr(EmailBackend, "open", refuse)
    rows = [pending(), pending()]
    assert tasks.deliver_emails.delay([r.pk for r in rows]).get() == 0
    for row in rows:
        row.refresh_from_db()
        assert row.email_status == Notification.EmailStatus.FAILED
        assert "SMTPAuthenticationError" in row.last_error


def test_batch_out_of_time_hands_the_rest_back_for_a_retry(failing_backend):
    from celery.exceptions import SoftTimeLimitExceeded

    first, slow, unreached = pending(), pending(email="slow@example.org"), pending()
    failing_backend.error = SoftTimeLimitExceeded()
    failing_backend.only_for = {"slow@example.org"}
    results = delivery.deliver_batch([first.pk, slow.pk, unreached.pk])
    assert [(r.notification_id, r.outcome) for r in results] == [
        (first.pk, delivery.SENT),
        (slow.pk, delivery.RETRY),
        (unreached.pk, delivery.RETRY),
    ]
    slow.refresh_from_db()
    unreached.refresh_from_db()
    assert (slow.email_status, slow.email_attempts) == ("pending", 1)
    assert (unreached.email_status, unreached.email_attempts) == ("pending", 0)
    assert len(failing_backend.sent) == 1

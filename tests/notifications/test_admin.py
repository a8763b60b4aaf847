import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from causeweb.notifications import services
from causeweb.notifications.models import Notification
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def failed(**kwargs):
    return NotificationFactory(email_status="failed", email_attempts=8, last_error="SMTPConnectError: 421", **kwargs)


def test_staff_lists_failures(client, staff_user):
    failed(title="Bounced receipt")
    NotificationFactory(title="Fine one")
    client.force_login(staff_user)
    response = client.get(reverse("admin:notifications_notification_changelist"), {"problem": "failed"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bounced receipt" in html
    assert "Fine one" not in html


def test_admin_action_retries_failed_emails(client, staff_user, run_on_commit):
    broken = failed(title="Retry me")
    delivered = NotificationFactory(title="Already sent")
    client.force_login(staff_user)
    with run_on_commit():
        response = client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_failed_emails", "_selected_action": [broken.pk, delivered.pk]},
            follow=True,
        )
    assert "Queued 1 email(s) again. 1 selected were not failed" in response.content.decode()
    broken.refresh_from_db()
    assert broken.email_status == Notification.EmailStatus.SENT
    assert broken.email_attempts == 1  # a fresh set of attempts
    assert [m.subject for m in mail.outbox] == ["[Causeweb] Retry me"]


def test_retry_is_staff_only(user):
    broken = failed()
    with pytest.raises(PermissionDenied):
        services.notification_retry_failed(actor=user, notification_ids=[broken.pk])
    broken.refresh_from_db()
    assert broken.email_status == "failed"


def test_non_staff_cannot_reach_the_admin(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 302

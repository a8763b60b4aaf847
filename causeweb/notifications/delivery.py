"""Sending one notification's email. Claiming the row (pending -> sent) happens in the same
transaction as the send's bookkeeping, under a row lock, so two workers never mail it twice."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from causeweb.notifications.models import Notification

logger = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def deliver_email(notification_id: int) -> bool:
    """Send the email for one notification if it has not been sent. Returns True when sent now."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.email_status != Notification.EmailStatus.PENDING:
            return False
        context = {
            **notification.context,
            "notification": notification,
            "url": absolute_url(notification.url),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
        }
        text = render_to_string("notifications/email/default.txt", context)
        html = render_to_string("notifications/email/default.html", context)
        message = EmailMultiAlternatives(
            subject=f"[{settings.SITE_NAME}] {notification.title}",
            body=text,
            to=[notification.email],
        )
        message.attach_alternative(html, "text/html")
        notification.email_attempts += 1
        message.send()
        notification.email_status = Notification.EmailStatus.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_status", "emailed_at", "email_attempts"])
        return True

"""What notifications add to the platform's hooks (registered in NotificationsConfig.ready())."""

from django.urls import reverse

from causeweb.core.hooks import AttentionItem
from causeweb.notifications import selectors

VIEW_PERMISSION = "notifications.view_notification"


def admin_attention(*, user) -> AttentionItem | None:
    """Failed emails, for staff who may see notifications (the Admin role)."""
    if not (getattr(user, "is_active", False) and user.has_perm(VIEW_PERMISSION)):
        return None
    url = reverse("admin:notifications_notification_changelist") + "?problem=failed"
    return AttentionItem("Emails that failed to send", selectors.failed_email_count(), url, "platform")

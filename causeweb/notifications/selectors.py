from django.db.models import QuerySet

from causeweb.notifications import kinds
from causeweb.notifications.models import Notification, NotificationPreference

# `context` holds the messages (texts.py) the list renders in the reader's language.
LIST_FIELDS = ("id", "kind", "title", "body", "url", "context", "created_at", "read_at")


def failed_email_count() -> int:
    """Emails that gave up (after their retries, or a permanent error): the admin dashboard."""
    return Notification.objects.filter(email_status=Notification.EmailStatus.FAILED).count()


def notification_list_for_user(*, user, limit: int = 50):
    return notification_queryset_for_user(user=user)[:limit]


def notification_queryset_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The in-app list, newest first (served by the notif_recipient_recent index)."""
    queryset = Notification.objects.filter(recipient=user).only(*LIST_FIELDS).order_by("-created_at", "-id")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_preferences_for_user(*, user) -> dict[str, dict[str, bool]]:
    """Every optional kind's current choice, defaults filled in (email on, no digest)."""
    stored = {
        p.kind: {"email": p.email_enabled, "digest": p.daily_digest}
        for p in NotificationPreference.objects.filter(user=user).only("kind", "email_enabled", "daily_digest")
    }
    return {kind.value: stored.get(kind.value, {"email": True, "digest": False}) for kind in kinds.optional_kinds()}


def notification_failed_list(*, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(email_status=Notification.EmailStatus.FAILED).order_by("-created_at")[:limit]

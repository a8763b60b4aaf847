from causeweb.notifications.models import Notification


def notification_list_for_user(*, user, limit: int = 50):
    return Notification.objects.filter(recipient=user).only(
        "id", "kind", "title", "body", "url", "created_at", "read_at"
    )[:limit]


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

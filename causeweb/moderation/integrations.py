"""What moderation adds to the platform's hooks (registered in ModerationConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext

from causeweb.core.hooks import AttentionItem
from causeweb.moderation import policies, selectors, transparency


def admin_attention(*, user) -> list[AttentionItem] | None:
    """The admin dashboard's queue lines, for site moderators."""
    if not policies.is_site_moderator(user):
        return None
    counts = selectors.queue_counts()
    queue = reverse("admin:moderation_flag_queue")
    return [
        AttentionItem(gettext("Reported items in the moderation queue"), counts["items"], queue, "content"),
        AttentionItem(gettext("…of which waiting longer than the alert delay"), counts["overdue"], queue, "content"),
    ]


def admin_attention_appeals(*, user) -> AttentionItem | None:
    """Appeals waiting for a decision, for the people who may decide them."""
    if not policies.can_decide_appeals(user):
        return None
    return AttentionItem(
        gettext("Appeals waiting for a decision"),
        transparency.appeals_pending_count(),
        reverse("admin:moderation_appeal_changelist") + "?status__exact=pending",
        "content",
    )

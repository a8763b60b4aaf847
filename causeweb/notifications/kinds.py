"""Every kind of notification the platform sends. A kind that is not `optional` (receipts,
security mail, signature confirmations) is always emailed whatever the person's preferences.

Context keys every caller passes: `title` (one line), `body` (plain text, optional) and `url`
(path or absolute URL, optional). Each kind's email template (templates/notifications/email/
<kind>.html and .txt, falling back to default.*) renders with just those three; it shows these
optional extras when a caller passes them (all plain strings, already formatted):
`amount` (e.g. "€25.00"), `campaign`, `event`, `starts_at`, `location`, `group`, `thread`,
`actor` (who did it), `excerpt` (quoted text), `reason`, `decision`, `reference` (receipt number),
`manage_url` (path of a signed page where a guest changes or cancels what they signed up for).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DONATION_RECEIPT = "donation_receipt", _("Donation receipts")
    REFUND_ISSUED = "refund_issued", _("Refunds")
    PLEDGE_NOTICE = "pledge_notice", _("Your pledges (saved, charged, released, payment needed)")
    CAMPAIGN_APPROVED = "campaign_approved", _("Your campaign was approved")
    CAMPAIGN_REJECTED = "campaign_rejected", _("Your campaign needs changes")
    CAMPAIGN_UPDATE = "campaign_update", _("Updates from campaigns you follow")
    SIGNATURE_CONFIRM = "signature_confirm", _("Confirm your signature")
    RSVP_CONFIRMATION = "rsvp_confirmation", _("RSVP confirmations")
    WAITLIST_PROMOTION = "waitlist_promotion", _("A spot opened up for you")
    EVENT_REMINDER = "event_reminder", _("Event reminders")
    EVENT_CANCELLED = "event_cancelled", _("Event cancellations")
    EVENT_CONFIRMED = "event_confirmed", _("Events that reached their turnout")
    EVENT_MESSAGE = "event_message", _("Messages from event hosts")
    EVENT_REVIEWED = "event_reviewed", _("Decisions on events you host for a campaign")
    JOIN_REQUEST = "join_request", _("Join requests to groups you moderate")
    JOIN_REQUEST_DECIDED = "join_request_decided", _("Decisions on your join requests")
    THREAD_REPLY = "thread_reply", _("Replies in discussions you take part in")
    MENTION = "mention", _("Mentions of you")
    ANNOUNCEMENT = "announcement", _("Announcements from your groups")
    COMMENT_REPLY = "comment_reply", _("Replies to your comments")
    ORGANIZER_WEEKLY = "organizer_weekly", _("Weekly numbers of the campaigns you organize")
    SECURITY = "security", _("Account and security")
    MODERATION_ALERT = "moderation_alert", _("Items waiting in the moderation queue (staff)")


# Transactional mail people cannot switch off.
MANDATORY_KINDS = frozenset(
    {Kind.DONATION_RECEIPT, Kind.REFUND_ISSUED, Kind.PLEDGE_NOTICE, Kind.SECURITY, Kind.SIGNATURE_CONFIRM}
)

# The pseudo-kind an unsubscribe token carries for the daily digest email itself.
DIGEST = "digest"


def is_optional(kind: str) -> bool:
    return kind not in MANDATORY_KINDS


def optional_kinds() -> list[Kind]:
    return [kind for kind in Kind if is_optional(kind)]


def kind_label(kind: str) -> str:
    if kind == DIGEST:
        return str(_("Daily digest"))
    try:
        return str(Kind(kind).label)
    except ValueError:
        return kind

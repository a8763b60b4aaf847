"""Site moderation's writes, by concept: the audit log (audit), flags and their resolution
(flags), suspensions, appeals, and what people are told (notices). Import from here."""

from causeweb.moderation.services.appeals import appeal_create, appeal_decide
from causeweb.moderation.services.audit import moderation_action_record
from causeweb.moderation.services.flags import content_restore, flag_create, flag_dismiss, flag_uphold
from causeweb.moderation.services.suspensions import (
    suspension_lift_for_appeal,
    suspensions_end_expired,
    user_end_expired_suspensions,
    user_hide_public_content,
    user_reinstate,
    user_suspend,
)

__all__ = [
    "appeal_create",
    "appeal_decide",
    "content_restore",
    "flag_create",
    "flag_dismiss",
    "flag_uphold",
    "moderation_action_record",
    "suspension_lift_for_appeal",
    "suspensions_end_expired",
    "user_end_expired_suspensions",
    "user_hide_public_content",
    "user_reinstate",
    "user_suspend",
]

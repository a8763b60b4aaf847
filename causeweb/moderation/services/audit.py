"""The one way to write the audit log (causeweb.moderation.models.ModerationAction): every
moderator and finance action calls moderation_action_record() inside the transaction that makes
the change, so the row exists exactly when the change does."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from causeweb.moderation.models import ModerationAction


def moderation_action_record(
    *,
    moderator,
    action: str,
    target: Model | None = None,
    reason: str = "",
    rule: str = "",
    subject=None,
    before: dict | None = None,
    after: dict | None = None,
) -> ModerationAction:
    """Write one audit-log row: who (`moderator`; None for the system), did what (`action`) to
    what (`target`), why (`reason`, and `rule` when a rule was broken), about whom (`subject`,
    who may appeal a decision) and the state `before` and `after` (JSON-serialisable dicts)."""
    return ModerationAction.objects.create(
        moderator=moderator if getattr(moderator, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        target_repr=str(target)[:200] if target is not None else "",
        reason=reason,
        rule=rule,
        subject=subject,
        before=before,
        after=after,
    )

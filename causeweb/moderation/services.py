from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.models import Flag, ModerationAction


@transaction.atomic
def flag_create(*, reporter, target: Model, reason: str, note: str = "") -> Flag:
    """Anyone signed in may flag content once; a second flag of the same thing says so."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied("Sign in to flag content.")
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": "Choose a reason."})
    try:
        with transaction.atomic():
            return Flag.objects.create(
                reporter=reporter,
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                reason=reason,
                note=note.strip()[:1000],
            )
    except IntegrityError:
        raise Conflict("You have already flagged this; moderators will look at it.", code="already_flagged")


def moderation_action_record(
    *, moderator, action: str, target: Model | None = None, reason: str = ""
) -> ModerationAction:
    """Write one audit-log row; call inside the transaction that makes the change."""
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        target_repr=str(target)[:200] if target is not None else "",
        reason=reason,
    )

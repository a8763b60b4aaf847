"""Site moderation's writes: flags, their resolution, restores and suspensions, each audited.
The rules come from causeweb.moderation.policies; what each content type can be (seen, hidden)
from the registry its app filled in (causeweb.moderation.registry)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from causeweb.accounts.services import api_tokens_revoke_all
from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation import policies
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.policies import is_site_moderator
from causeweb.moderation.registry import author_of, moderatable_for


@transaction.atomic
def flag_create(*, reporter, target: Model, reason: str, note: str = "") -> Flag:
    """Anyone signed in may flag content they can see, once; a second flag of the same thing says so."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied("Sign in to flag content.")
    if not policies.can_flag(reporter, target):
        raise PermissionDenied("You cannot flag this.")
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": "Choose a reason."})
    ratelimits.enforce_user("flag_user", reporter, message="You have sent many reports recently; please wait a while.")
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                reporter=reporter,
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                reason=reason,
                note=note.strip()[:1000],
            )
    except IntegrityError:
        raise Conflict("You have already flagged this; moderators will look at it.", code="already_flagged")
    _hide_pending_review_if_flagged_enough(target=target, flag=flag)
    return flag


def _hide_pending_review_if_flagged_enough(*, target: Model, flag: Flag) -> None:
    """MODERATION_AUTO_HIDE_FLAGS open flags (one per reporter, by the unique constraint) hide the
    content until a moderator decides; the flags stay open, so it stays in the queue. Audited
    once, with no moderator: the reaching flag is the one that hides it."""
    threshold = settings.MODERATION_AUTO_HIDE_FLAGS
    if threshold <= 0 or not policies.can_hide_from_flag_queue(target):
        return
    open_flags = Flag.objects.filter(
        content_type_id=flag.content_type_id, object_id=flag.object_id, status=Flag.Status.OPEN
    ).count()
    if open_flags != threshold:
        return
    moderatable_for(target).hide(target, moderator=None, reason="Hidden pending review: reported by several people.")
    moderation_action_record(
        moderator=None, action="auto_hide", target=target, reason=f"{open_flags} open flags; hidden pending review"
    )


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


def _close_open_flags(*, target: Model, moderator, status: str) -> int:
    return Flag.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk, status=Flag.Status.OPEN
    ).update(status=status, resolved_at=timezone.now(), resolved_by=moderator)


@transaction.atomic
def flag_uphold(*, flag: Flag, moderator, reason: str = "", suspend_author: bool = False) -> int:
    """Hide the flagged content and close every open flag on it; with `suspend_author`, also
    suspend the person who answers for it (the registry's `author`). Locks the flag row.
    Returns how many flags were closed (0 when another moderator got there first)."""
    if not policies.can_resolve_flags(moderator):
        raise PermissionDenied("Only site moderators resolve flags.")
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        return 0
    target = flag.target
    if target is None:
        Flag.objects.filter(pk=flag.pk).update(status=Flag.Status.DISMISSED, resolved_at=timezone.now())
        return 0
    if not policies.can_hide_from_flag_queue(target):
        raise ValidationError(f"{target._meta.verbose_name} cannot be hidden from here; act on it in its own admin.")
    author = author_of(target) if suspend_author else None
    if suspend_author and (author is None or not policies.can_suspend(moderator)):
        raise PermissionDenied("You cannot suspend the author of this content.")
    moderatable_for(target).hide(target, moderator=moderator, reason=reason or flag.get_reason_display())
    closed = _close_open_flags(target=target, moderator=moderator, status=Flag.Status.UPHELD)
    moderation_action_record(moderator=moderator, action="hide", target=target, reason=reason or flag.reason)
    if author is not None:
        user_suspend(user=author, moderator=moderator, reason=reason or flag.get_reason_display())
    return closed


@transaction.atomic
def flag_dismiss(*, flag: Flag, moderator, reason: str = "") -> int:
    """The content stays; every open flag on it is closed."""
    if not policies.can_resolve_flags(moderator):
        raise PermissionDenied("Only site moderators resolve flags.")
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        return 0
    target = flag.target
    if target is None:
        Flag.objects.filter(pk=flag.pk).update(status=Flag.Status.DISMISSED, resolved_at=timezone.now())
        return 1
    closed = _close_open_flags(target=target, moderator=moderator, status=Flag.Status.DISMISSED)
    moderation_action_record(moderator=moderator, action="dismiss_flags", target=target, reason=reason)
    return closed


@transaction.atomic
def content_restore(*, target: Model, moderator, reason: str = "") -> None:
    if not is_site_moderator(moderator):
        raise PermissionDenied("Only site moderators restore content.")
    if not policies.can_hide_from_flag_queue(target):
        raise ValidationError(f"{target._meta.verbose_name} cannot be restored from here.")
    moderatable_for(target).restore(target, moderator=moderator)
    moderation_action_record(moderator=moderator, action="restore", target=target, reason=reason)


@transaction.atomic
def user_suspend(*, user, moderator, reason: str) -> bool:
    """Suspended people cannot sign in or post (is_active off ends their sessions on the next
    request, since Django's auth backends refuse inactive users) and their API tokens are revoked.
    Returns False if already suspended."""
    if not policies.can_suspend(moderator):
        raise PermissionDenied("Only site moderators suspend people.")
    if user.pk == moderator.pk:
        raise ValidationError("You cannot suspend yourself.")
    if user.is_superuser:
        raise PermissionDenied("Administrators cannot be suspended here.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why, for the audit log."})
    user_model = type(user)
    updated = user_model.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
    if updated:
        # Their API tokens end too, for good: reinstating someone does not revive them.
        api_tokens_revoke_all(user=user)
        moderation_action_record(moderator=moderator, action="suspend_user", target=user, reason=reason)
    return bool(updated)


@transaction.atomic
def user_reinstate(*, user, moderator, reason: str = "") -> bool:
    if not policies.can_suspend(moderator):
        raise PermissionDenied("Only site moderators reinstate people.")
    user_model = type(user)
    updated = user_model.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    if updated:
        moderation_action_record(moderator=moderator, action="reinstate_user", target=user, reason=reason)
    return bool(updated)

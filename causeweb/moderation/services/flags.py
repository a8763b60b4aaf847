"""Site moderation's writes: flags, their resolution and restores, each audited.
The rules come from causeweb.moderation.policies; what each content type can be (seen, hidden)
from the registry its app filled in (causeweb.moderation.registry)."""

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation import policies
from causeweb.moderation.models import Flag
from causeweb.moderation.policies import is_site_moderator
from causeweb.moderation.registry import author_of, moderatable_for
from causeweb.moderation.selectors import hiding_decision_for
from causeweb.moderation.services import notices
from causeweb.moderation.services.audit import moderation_action_record
from causeweb.moderation.services.suspensions import user_suspend


@transaction.atomic
def flag_create(*, reporter, target: Model, reason: str, note: str = "") -> Flag:
    """Anyone signed in may flag content they can see, once; a second flag of the same thing says so."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied(gettext("Sign in to flag content."))
    if not policies.can_flag(reporter, target):
        raise PermissionDenied(gettext("You cannot flag this."))
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": gettext("Choose a reason.")})
    ratelimits.enforce_user(
        "flag_user", reporter, message=gettext("You have sent many reports recently; please wait a while.")
    )
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
        raise Conflict(gettext("You have already flagged this; moderators will look at it."), code="already_flagged")
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
        moderator=None,
        action="auto_hide",
        target=target,
        rule=flag.reason,
        reason=f"{open_flags} open flags; hidden pending review",
        subject=author_of(target),
        before={"hidden": False},
        after={"hidden": True, "pending_review": True},
    )


def _close_open_flags(*, target: Model, moderator, status: str) -> int:
    return Flag.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk, status=Flag.Status.OPEN
    ).update(status=status, resolved_at=timezone.now(), resolved_by=moderator)


@transaction.atomic
def flag_uphold(
    *, flag: Flag, moderator, reason: str = "", suspend_author: bool = False, suspend_until: datetime | None = None
) -> int:
    """Hide the flagged content and close every open flag on it; the author (the registry's
    `author`) is told why, with an appeal link. With `suspend_author`, also suspend them until
    `suspend_until` (None: permanently) for the flag's rule. Locks the flag row.
    Returns how many flags were closed (0 when another moderator got there first)."""
    if not policies.can_resolve_flags(moderator):
        raise PermissionDenied(gettext("Only site moderators resolve flags."))
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        return 0
    target = flag.target
    if target is None:
        Flag.objects.filter(pk=flag.pk).update(status=Flag.Status.DISMISSED, resolved_at=timezone.now())
        return 0
    if not policies.can_hide_from_flag_queue(target):
        raise ValidationError(
            gettext("%(kind)s cannot be hidden from here; act on it in its own admin.")
            % {"kind": target._meta.verbose_name}
        )
    author = author_of(target)
    if suspend_author and (author is None or not policies.can_suspend(moderator)):
        raise PermissionDenied(gettext("You cannot suspend the author of this content."))
    moderatable_for(target).hide(target, moderator=moderator, reason=reason or flag.get_reason_display())
    closed = _close_open_flags(target=target, moderator=moderator, status=Flag.Status.UPHELD)
    decision = moderation_action_record(
        moderator=moderator,
        action="hide",
        target=target,
        rule=flag.reason,
        reason=reason,
        subject=author,
        before={"hidden": False, "open_flags": closed},
        after={"hidden": True, "open_flags": 0},
    )
    if author is not None:
        notices.content_hidden_notice(decision=decision, author=author, kind_label=target._meta.verbose_name)
    if suspend_author:
        user_suspend(user=author, moderator=moderator, rule=flag.reason, note=reason, ends_at=suspend_until)
    return closed


@transaction.atomic
def flag_dismiss(*, flag: Flag, moderator, reason: str = "") -> int:
    """The content stays; every open flag on it is closed."""
    if not policies.can_resolve_flags(moderator):
        raise PermissionDenied(gettext("Only site moderators resolve flags."))
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        return 0
    target = flag.target
    if target is None:
        Flag.objects.filter(pk=flag.pk).update(status=Flag.Status.DISMISSED, resolved_at=timezone.now())
        return 1
    closed = _close_open_flags(target=target, moderator=moderator, status=Flag.Status.DISMISSED)
    moderation_action_record(
        moderator=moderator,
        action="dismiss_flags",
        target=target,
        rule=flag.reason,
        reason=reason,
        before={"open_flags": closed},
        after={"open_flags": 0},
    )
    return closed


@transaction.atomic
def content_restore(*, target: Model, moderator, reason: str = "") -> int:
    """Put back content site moderation hid (a hide, hidden pending review, or hidden with its
    author's suspension), for any registered type. Its open flags, if any (hidden pending review),
    are closed as dismissed, so it leaves the queue. Audited as `restore`, which the public
    transparency log lists. Returns how many flags were closed.
    Refuses content that site moderation does not hide now: restoring a campaign sends it to
    review, which must not happen to a draft nobody hid."""
    if not is_site_moderator(moderator):
        raise PermissionDenied(gettext("Only site moderators restore content."))
    if not policies.can_hide_from_flag_queue(target):
        raise ValidationError(gettext("%(kind)s cannot be restored from here.") % {"kind": target._meta.verbose_name})
    decision = hiding_decision_for(target)
    if decision is None:
        raise Conflict(gettext("This is not hidden by moderators; there is nothing to restore."), code="not_hidden")
    moderatable_for(target).restore(target, moderator=moderator)
    closed = _close_open_flags(target=target, moderator=moderator, status=Flag.Status.DISMISSED)
    moderation_action_record(
        moderator=moderator,
        action="restore",
        target=target,
        rule=decision.rule,
        reason=reason,
        subject=decision.subject,
        before={"hidden": True, **({"open_flags": closed} if closed else {})},
        after={"hidden": False, **({"open_flags": 0} if closed else {})},
    )
    return closed

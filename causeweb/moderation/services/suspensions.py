"""Suspensions, the one way a person is barred (causeweb.moderation.models.Suspension): for a
period or permanently, for a rule, with a note. Suspending switches `is_active` off (Django's
auth backends then refuse the person's sessions on their next request, and the API refuses their
tokens), revokes their API tokens, deletes their sessions (after commit, in a task), can hide
everything they have published in the same action, and tells them why and how to appeal.
Lifting it, or its end passing (the beat task), switches them back on and tells them.

`is_active` is only ever changed here: the user admin shows it read-only, so there is no second,
silent way to suspend someone."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.accounts.services import api_tokens_revoke_all
from causeweb.core import outbox
from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.moderation import policies, registry, tasks
from causeweb.moderation.models import Flag, Suspension
from causeweb.moderation.services import notices
from causeweb.moderation.services.audit import moderation_action_record


def _state(suspension: Suspension | None) -> dict:
    if suspension is None or not suspension.is_active:
        return {"suspended": False}
    return {
        "suspended": True,
        "suspension_id": suspension.pk,
        "rule": suspension.rule,
        "ends_at": suspension.ends_at.isoformat() if suspension.ends_at else None,
    }


def active_suspension_locked(user_id: int) -> Suspension | None:
    now = timezone.now()
    return (
        Suspension.objects.select_for_update()
        .filter(user_id=user_id, lifted_at__isnull=True)
        .exclude(ends_at__lte=now)
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def user_hide_public_content(*, user, moderator, rule: str, reason: str) -> list[list]:
    """Hide everything `user` answers for that is still visible, type by type through the
    registry's `authored_by`; each item is audited as its own decision. Returns [[label, id], ...]
    so that overturning the suspension can restore exactly these."""
    if not policies.can_suspend(moderator):
        raise PermissionDenied(gettext("Only site moderators hide a person's content."))
    hidden = []
    for label, entry, queryset in registry.content_authored_by(user):
        for target in queryset:
            entry.hide(target, moderator=moderator, reason=reason or dict(Flag.Reason.choices).get(rule, ""))
            moderation_action_record(
                moderator=moderator,
                action="hide",
                target=target,
                rule=rule,
                reason=reason or "Hidden with the author's suspension",
                subject=user,
                before={"hidden": False},
                after={"hidden": True, "with_suspension": True},
            )
            hidden.append([label, target.pk])
    return hidden


@transaction.atomic
def user_suspend(
    *, user, moderator, rule: str, note: str = "", ends_at: datetime | None = None, hide_content: bool = False
) -> Suspension | None:
    """Suspend `user` until `ends_at` (None: permanently) for `rule` (one of the flag reasons).
    Locks the user row, so two moderators cannot both suspend; returns None when they already are."""
    if not policies.can_suspend(moderator):
        raise PermissionDenied(gettext("Only site moderators suspend people."))
    if user.pk == moderator.pk:
        raise ValidationError(gettext("You cannot suspend yourself."))
    if user.is_superuser:
        raise PermissionDenied(gettext("Administrators cannot be suspended here."))
    if rule not in Flag.Reason.values:
        raise ValidationError({"rule": gettext("Choose the rule they broke.")})
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationError({"ends_at": gettext("The end must be in the future (or leave it empty: permanent).")})
    user_model = get_user_model()
    user_model.objects.select_for_update().filter(pk=user.pk).first()
    if active_suspension_locked(user.pk) is not None:
        return None
    suspension = Suspension.objects.create(
        user=user, rule=rule, note=note.strip()[:2000], ends_at=ends_at, created_by=moderator
    )
    user_model.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    # Their API tokens end for good: lifting the suspension does not revive them.
    revoked = api_tokens_revoke_all(user=user)
    hidden = user_hide_public_content(user=user, moderator=moderator, rule=rule, reason=note) if hide_content else []
    decision = moderation_action_record(
        moderator=moderator,
        action="suspend_user",
        target=suspension,
        rule=rule,
        reason=note,
        subject=user,
        before={"suspended": False},
        after={**_state(suspension), "api_tokens_revoked": revoked, "hidden": hidden},
    )
    notices.suspension_notice(suspension=suspension, decision=decision)
    # Through the outbox: if the broker is down at commit, ending their sessions is kept in Postgres
    # and relayed when it is back, not lost (they are refused on each request meanwhile anyway).
    outbox.enqueue(tasks.end_sessions, user.pk)
    return suspension


def _lift(*, suspension: Suspension, moderator, action: str, reason: str) -> None:
    """Close `suspension` (row locked by the caller); the person is active again unless another
    suspension of theirs is still running."""
    before = _state(suspension)
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = moderator
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    if active_suspension_locked(suspension.user_id) is None:
        get_user_model().objects.filter(pk=suspension.user_id).update(is_active=True)
    moderation_action_record(
        moderator=moderator,
        action=action,
        target=suspension,
        reason=reason,
        rule=suspension.rule,
        subject=suspension.user,
        before=before,
        after={"suspended": False},
    )
    notices.suspension_ended_notice(suspension=suspension, by_moderator=moderator is not None)


@transaction.atomic
def user_reinstate(*, user, moderator, reason: str = "") -> bool:
    """Lift `user`'s running suspension; False if they had none."""
    if not policies.can_suspend(moderator):
        raise PermissionDenied(gettext("Only site moderators reinstate people."))
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    suspension = active_suspension_locked(user.pk)
    if suspension is None:
        return False
    _lift(suspension=suspension, moderator=moderator, action="lift_suspension", reason=reason)
    user.is_active = True
    return True


@transaction.atomic
def suspension_lift_for_appeal(*, suspension: Suspension, moderator, reason: str) -> bool:
    """Overturned on appeal: lift it if it is still running (the appeal service checked the
    moderator and restores what was hidden with it). False when it had already ended."""
    get_user_model().objects.select_for_update().filter(pk=suspension.user_id).first()
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if not suspension.is_active:
        return False
    _lift(suspension=suspension, moderator=moderator, action="lift_suspension", reason=reason)
    return True


def suspensions_end_expired(*, now: datetime | None = None) -> int:
    """The beat task: every suspension whose period has passed ends (access restored, the person
    told, audited without a moderator). Idempotent: each row is locked and re-checked."""
    now = now or timezone.now()
    due = Suspension.objects.filter(lifted_at__isnull=True, ends_at__lte=now).values_list("pk", flat=True)
    return sum(_end_if_expired(pk=pk, now=now) for pk in list(due[:1000]))


def user_end_expired_suspensions(*, user_id: int, now: datetime | None = None) -> int:
    """Signing in (causeweb.moderation.auth_backends): a person whose suspension's period has
    passed gets in even if the beat task has not run yet: it ends here, the same way (audited as
    `suspension_ended`, the person told; the task finds nothing left to do). Returns how many
    ended; `is_active` is back on when none of theirs still runs."""
    now = now or timezone.now()
    due = Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(_end_if_expired(pk=pk, now=now) for pk in list(due))


def _end_if_expired(*, pk: int, now: datetime) -> bool:
    """Locks the user row, then the suspension row, and re-checks (the task and a sign-in may race)."""
    with transaction.atomic():
        user_id = Suspension.objects.filter(pk=pk).values_list("user_id", flat=True).first()
        if user_id is None:
            return False
        get_user_model().objects.select_for_update().filter(pk=user_id).first()
        suspension = Suspension.objects.select_for_update().select_related("user").get(pk=pk)
        if suspension.lifted_at is not None or suspension.ends_at is None or suspension.ends_at > now:
            return False
        _lift(suspension=suspension, moderator=None, action="suspension_ended", reason="The period ended.")
        return True

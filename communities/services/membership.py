"""Who is in a group: joining and leaving, join requests, invitation links, roles, removal and
bans. Each locks the group row first, so member counts and "a group always keeps an owner" hold."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.markdown import plain_text
from causeweb.moderation.services import moderation_action_record
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from communities.models import Ban, Group, Invitation, JoinRequest, Membership
from communities.policies import GroupAccess
from communities.services._common import (
    access_of,
    add_member,
    clean_text,
    drop_member,
    in_language_of,
    lock_group,
    moderator_users,
    notify_bulk_in_their_languages,
    owner_count,
    require_moderator,
    require_owner,
    require_user,
)

INVITATION_MAX_DAYS = 90


def _check_code_of_conduct(group: Group, accepted: bool) -> None:
    if group.code_of_conduct and not accepted:
        raise ValidationError(
            {"accept_code_of_conduct": gettext("Please read and accept the group's code of conduct.")},
            code="code_of_conduct",
        )


# --- joining and leaving ---------------------------------------------------------------------------


@transaction.atomic
def group_join(*, user, group: Group, accept_code_of_conduct: bool = False) -> Membership:
    """Join a public group. Joining twice returns the same membership (locks the group row)."""
    require_user(user)
    group = lock_group(group)
    access = access_of(group, user)
    if access.is_member:
        return access.membership
    if access.is_banned:
        raise PermissionDenied(gettext("You were banned from this group."))
    if group.visibility == Group.Visibility.REQUEST:
        raise PermissionDenied(gettext("This group approves new members: send a request to join."))
    if group.is_private:
        raise PermissionDenied(gettext("This group is joined by invitation only."))
    _check_code_of_conduct(group, accept_code_of_conduct)
    return add_member(group, user, accepted_at=timezone.now())


@transaction.atomic
def group_leave(*, user, group: Group) -> None:
    """Leave a group; the last owner must hand over first (locks the group row)."""
    require_user(user)
    group = lock_group(group)
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is None:
        return
    if membership.role == Membership.Role.OWNER and owner_count(group) <= 1:
        raise Conflict(
            gettext("You are the group's only owner: make another member an owner before you leave."), code="last_owner"
        )
    drop_member(membership)


@transaction.atomic
def join_request_create(*, user, group: Group, message: str = "", accept_code_of_conduct: bool = False) -> JoinRequest:
    """Ask to join a by-request group; asking twice returns the open request. Moderators are told."""
    require_user(user)
    group = lock_group(group)
    access = access_of(group, user)
    if access.is_banned:
        raise PermissionDenied(gettext("You were banned from this group."))
    if access.is_member:
        raise Conflict(gettext("You are already a member of this group."), code="already_member")
    if group.is_private:
        raise PermissionDenied(gettext("This group is joined by invitation only."))
    if group.is_public:
        raise ValidationError(gettext("This group is open: join it directly."))
    _check_code_of_conduct(group, accept_code_of_conduct)
    message = clean_text(message, field="message", label=gettext("The message"), max_length=1000, required=False)
    existing = JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).first()
    if existing:
        return existing
    join_request = JoinRequest.objects.create(group=group, user=user, message=message)
    notify_bulk_in_their_languages(
        recipients=moderator_users(group),
        kind=Kind.JOIN_REQUEST,
        context=lambda: {
            "title": gettext("%(person)s asks to join %(group)s") % {"person": user.public_name, "group": group.name},
            "body": plain_text(message, 300),
            "url": f"{group.get_absolute_url()}requests/",
            "group": group.name,
            "actor": user.public_name,
        },
        dedupe_key=f"join-request:{join_request.pk}",
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, user, join_request: JoinRequest) -> None:
    require_user(user)
    if join_request.user_id != user.pk:
        raise PermissionDenied(gettext("This is not your request."))
    JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )


@transaction.atomic
def join_request_decide(*, actor, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """A moderator approves or declines a request (locks the group, then the request); the requester is told."""
    require_moderator(join_request.group, actor, action="join_request_decide")
    group = lock_group(join_request.group)
    join_request = JoinRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        already = {
            JoinRequest.Status.APPROVED: gettext("This request was already approved."),
            JoinRequest.Status.DECLINED: gettext("This request was already declined."),
            JoinRequest.Status.WITHDRAWN: gettext("This request was already withdrawn."),
        }
        raise Conflict(already.get(join_request.status, gettext("This request was already decided.")), code="decided")
    if approve and Ban.objects.filter(group=group, user=join_request.user).exists():
        raise Conflict(gettext("This person is banned from the group; unban them first."), code="banned")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        add_member(group, join_request.user, accepted_at=join_request.created_at)
    with in_language_of(join_request.user):
        if approve:
            title = gettext("Welcome to %(group)s!") % {"group": group.name}
            body = gettext("You can now read and join its discussions.")
        else:
            title, body = gettext("Your request to join %(group)s was declined") % {"group": group.name}, ""
    notify(
        recipient=join_request.user,
        kind=Kind.JOIN_REQUEST_DECIDED,
        context={
            "title": title,
            "body": body,
            "url": group.get_absolute_url(),
            "group": group.name,
            "approved": approve,
            "decision": "approved" if approve else "declined",
        },
        dedupe_key=f"join-request-decided:{join_request.pk}",
    )
    return join_request


def join_request_approve(*, actor, join_request: JoinRequest) -> JoinRequest:
    return join_request_decide(actor=actor, join_request=join_request, approve=True)


def join_request_decline(*, actor, join_request: JoinRequest) -> JoinRequest:
    return join_request_decide(actor=actor, join_request=join_request, approve=False)


# --- invitations -----------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor, group: Group, days: int = 7, max_uses: int | None = None, note: str = "") -> Invitation:
    """Owners and moderators make invitation links that expire and can be revoked."""
    require_moderator(group, actor, action="invitation_create")
    ratelimits.enforce_user(
        "invitation_user", actor, message=gettext("Too many invitation links recently; please wait.")
    )
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": gettext("Give a number of days.")})
    if not 1 <= days <= INVITATION_MAX_DAYS:
        raise ValidationError(
            {"days": gettext("A link lasts between 1 and %(max)d days.") % {"max": INVITATION_MAX_DAYS}}
        )
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": gettext("Allow at least one use, or leave it empty for no limit.")})
    return Invitation.objects.create(
        group=group,
        created_by=actor,
        note=clean_text(note, field="note", label=gettext("The note"), max_length=120, required=False),
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
    )


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    require_moderator(invitation.group, actor, action="invitation_revoke")
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str, accept_code_of_conduct: bool = False) -> Membership:
    """Join through a link (locks the group, then the invitation). Accepting twice is harmless."""
    require_user(user)
    invitation = Invitation.objects.filter(token=token).select_related("group").first()
    if invitation is None:
        raise ValidationError(gettext("This invitation link is not valid."), code="invalid")
    group = lock_group(invitation.group)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    access = access_of(group, user)
    if access.is_member:
        return access.membership
    if access.is_banned:
        raise PermissionDenied(gettext("You were banned from this group."))
    if not invitation.is_usable(timezone.now()):
        raise ValidationError(gettext("This invitation link has expired or was revoked."), code="expired")
    _check_code_of_conduct(group, accept_code_of_conduct)
    membership = add_member(group, user, accepted_at=timezone.now())
    Invitation.objects.filter(pk=invitation.pk).update(use_count=F("use_count") + 1)
    return membership


# --- roles, removal, bans --------------------------------------------------------------------------


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Owners promote and demote (to owner, moderator or member); a group always keeps an owner."""
    require_owner(membership.group, actor)
    if role not in Membership.Role.values:
        raise ValidationError({"role": gettext("Choose a role.")})
    group = lock_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.OWNER and owner_count(group) <= 1:
        raise Conflict(gettext("A group always keeps an owner: make someone else an owner first."), code="last_owner")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def _check_can_act_on(access: GroupAccess, membership: Membership) -> None:
    if membership.user_id == access.user.pk:
        raise ValidationError(gettext("You cannot do that to yourself; leave the group instead."))
    if membership.role == Membership.Role.OWNER:
        raise PermissionDenied(gettext("Owners cannot be removed; an owner can demote them first."))
    if membership.role == Membership.Role.MODERATOR and not (access.is_owner or access.is_site_moderator):
        raise PermissionDenied(gettext("Only owners can remove moderators."))


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Moderators remove members (owners also remove moderators). They may join again."""
    access = require_moderator(membership.group, actor, action="member_remove")
    lock_group(membership.group)
    membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if membership is None:
        return
    _check_can_act_on(access, membership)
    drop_member(membership)
    moderation_action_record(moderator=actor, action="group_member_removed", target=membership.group)


@transaction.atomic
def member_ban(*, actor, group: Group, user, reason: str = "") -> Ban:
    """Remove someone and keep them out: no rejoining, requests, invitations or posts. Idempotent."""
    access = require_moderator(group, actor, action="member_ban")
    group = lock_group(group)
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is not None:
        _check_can_act_on(access, membership)
    elif user.pk == actor.pk:
        raise ValidationError(gettext("You cannot ban yourself."))
    ban, created = Ban.objects.get_or_create(
        group=group, user=user, defaults={"banned_by": actor, "reason": (reason or "").strip()[:300]}
    )
    if membership is not None:
        drop_member(membership)
    JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.DECLINED, decided_at=timezone.now(), decided_by=actor
    )
    if created:
        moderation_action_record(moderator=actor, action="group_member_banned", target=group, reason=ban.reason)
    return ban


@transaction.atomic
def member_unban(*, actor, group: Group, user) -> None:
    require_moderator(group, actor, action="member_unban")
    deleted, _ = Ban.objects.filter(group=group, user=user).delete()
    if deleted:
        moderation_action_record(moderator=actor, action="group_member_unbanned", target=group)

"""Every write to community groups. Each service checks permission first, then writes, in one
transaction. Services that change a group's membership lock the group row (`select_for_update`)
so member counts and the "a group always keeps an owner" rule hold under concurrency; reactions and
joins rely on unique constraints and return the existing row when a request is repeated.
"""

import re
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.text import slugify

from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.images import ImageRules, validate_image, web_version
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.moderation.services import moderation_action_record
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk
from communities.models import (
    Announcement,
    Ban,
    Group,
    GroupCampaign,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Reaction,
    Thread,
)
from communities.policies import GroupAccess
from communities.selectors import group_access

AVATAR_RULES = ImageRules(max_bytes=5 * 1024 * 1024, min_width=64, min_height=64)
AVATAR_SIZE = 400
ANNOUNCEMENTS_PER_DAY = 3
INVITATION_MAX_DAYS = 90
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.\-]{0,79})")
MAX_MENTIONS = 10
RESERVED_SLUGS = {"new", "invite"}


# --- helpers ---------------------------------------------------------------------------------------


def _require_user(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in first.")
    if not user.is_active:
        raise PermissionDenied("Your account is suspended.")


def _lock_group(group: Group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def _access(group: Group, user) -> GroupAccess:
    return group_access(group=group, user=user)


def _audit_site_moderator(access: GroupAccess, action: str, target=None, reason: str = "") -> None:
    """Staff acting in a group through `communities.moderate_any_group` (not as its own moderators)
    leave a row in the moderation audit log, inside the transaction that makes the change."""
    if access.acts_as_site_moderator:
        moderation_action_record(
            moderator=access.user, action=f"site_group_{action}", target=target or access.group, reason=reason
        )


def site_moderator_read_record(*, access: GroupAccess, what: str, target=None, moderators_only: bool = False):
    """Staff reading a group through `communities.moderate_any_group` what its outsiders cannot (a
    private or by-request group's discussions and members, or moderator-only pages anywhere) leave
    an audit row, so privileged looks into private spaces are accountable like privileged changes."""
    if access.acts_as_site_moderator and (moderators_only or not access.group.is_public):
        moderation_action_record(moderator=access.user, action=f"site_group_view_{what}", target=target or access.group)


def _require_moderator(group: Group, actor, *, action: str) -> GroupAccess:
    _require_user(actor)
    access = _access(group, actor)
    if not access.can_moderate:
        raise PermissionDenied("Only the group's owners and moderators can do that.")
    _audit_site_moderator(access, action)
    return access


def _require_owner(group: Group, actor) -> GroupAccess:
    _require_user(actor)
    access = _access(group, actor)
    if not access.is_owner:
        raise PermissionDenied("Only the group's owners can do that.")
    return access


def _require_participant(group: Group, user) -> GroupAccess:
    _require_user(user)
    access = _access(group, user)
    if access.is_banned:
        raise PermissionDenied("You were banned from this group.")
    if not access.can_participate:
        raise PermissionDenied("Join the group to take part in its discussions.")
    return access


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} cannot be empty."})
    if len(value) > max_length:
        raise ValidationError({field: f"{label} is too long (at most {max_length} characters)."})
    return value


def _unique_slug(name: str) -> str:
    base = slugify(name)[:80] or "group"
    if base in RESERVED_SLUGS:  # would shadow /groups/new/ and /groups/invite/<token>/
        base = f"{base}-group"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError({"latitude": "Give both latitude and longitude, or neither."})
    try:
        lat, lng = (
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
        )
    except ArithmeticError:
        raise ValidationError({"latitude": "Coordinates must be numbers."})
    if not (-90 <= lat <= 90):
        raise ValidationError({"latitude": "Latitude is between -90 and 90."})
    if not (-180 <= lng <= 180):
        raise ValidationError({"longitude": "Longitude is between -180 and 180."})
    return lat, lng


def _set_avatar(group: Group, avatar) -> None:
    try:
        validate_image(avatar, AVATAR_RULES)
    except ValidationError as exc:
        raise ValidationError({"avatar": exc.messages})
    resized = web_version(avatar, max_width=AVATAR_SIZE, max_height=AVATAR_SIZE, crop_square=True)
    group.avatar.save(f"{group.slug}.jpg", resized, save=False)


def _add_member(group: Group, user, *, role: str = Membership.Role.MEMBER, accepted_at=None) -> Membership:
    """Create the membership and bump the count; the caller holds the group's row lock."""
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": role, "accepted_code_of_conduct_at": accepted_at}
    )
    if created:
        Group.objects.filter(pk=group.pk).update(member_count=F("member_count") + 1)
        # Whatever route they came in by, an open request is now settled.
        JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).update(
            status=JoinRequest.Status.APPROVED, decided_at=timezone.now()
        )
    return membership


def _drop_member(membership: Membership) -> None:
    membership.delete()
    Group.objects.filter(pk=membership.group_id).update(member_count=F("member_count") - 1)


def _check_code_of_conduct(group: Group, accepted: bool) -> None:
    if group.code_of_conduct and not accepted:
        raise ValidationError(
            {"accept_code_of_conduct": "Please read and accept the group's code of conduct."},
            code="code_of_conduct",
        )


def _moderator_users(group: Group):
    return [
        m.user
        for m in Membership.objects.filter(
            group=group, role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR], user__is_active=True
        ).select_related("user")
    ]


# --- groups ----------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    creator,
    name: str,
    description: str = "",
    visibility: str = Group.Visibility.PUBLIC,
    cause=None,
    location: str = "",
    latitude=None,
    longitude=None,
    code_of_conduct: str = "",
    avatar=None,
) -> Group:
    """Anyone signed in starts a group and becomes its owner."""
    _require_user(creator)
    name = _clean_text(name, field="name", label="The name", max_length=80)
    if visibility not in Group.Visibility.values:
        raise ValidationError({"visibility": "Choose who can join."})
    description = _clean_text(
        description, field="description", label="The description", max_length=10_000, required=False
    )
    code_of_conduct = _clean_text(
        code_of_conduct, field="code_of_conduct", label="The code of conduct", max_length=10_000, required=False
    )
    lat, lng = _coordinates(latitude, longitude)
    group = Group(
        name=name,
        slug=_unique_slug(name),
        description=description,
        description_html=render_markdown(description),
        visibility=visibility,
        cause=cause,
        location=_clean_text(location, field="location", label="The location", max_length=120, required=False),
        latitude=lat,
        longitude=lng,
        code_of_conduct=code_of_conduct,
        code_of_conduct_html=render_markdown(code_of_conduct),
        created_by=creator,
    )
    if avatar:
        _set_avatar(group, avatar)
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # a concurrent group took the same slug
        group.slug = f"{group.slug}-{timezone.now().strftime('%H%M%S%f')}"
        group.save()
    _add_member(group, creator, role=Membership.Role.OWNER, accepted_at=timezone.now())
    group.refresh_from_db()
    return group


@transaction.atomic
def group_update(
    *,
    actor,
    group: Group,
    name: str,
    description: str,
    visibility: str,
    cause=None,
    location: str = "",
    latitude=None,
    longitude=None,
    code_of_conduct: str = "",
    avatar=None,
) -> Group:
    """Owners change the group's settings."""
    _require_owner(group, actor)
    group = _lock_group(group)
    group.name = _clean_text(name, field="name", label="The name", max_length=80)
    if visibility not in Group.Visibility.values:
        raise ValidationError({"visibility": "Choose who can join."})
    group.visibility = visibility
    group.description = _clean_text(
        description, field="description", label="The description", max_length=10_000, required=False
    )
    group.description_html = render_markdown(group.description)
    group.code_of_conduct = _clean_text(
        code_of_conduct, field="code_of_conduct", label="The code of conduct", max_length=10_000, required=False
    )
    group.code_of_conduct_html = render_markdown(group.code_of_conduct)
    group.cause = cause
    group.location = _clean_text(location, field="location", label="The location", max_length=120, required=False)
    group.latitude, group.longitude = _coordinates(latitude, longitude)
    if avatar:
        _set_avatar(group, avatar)
    group.save()
    return group


# --- joining and leaving ---------------------------------------------------------------------------


@transaction.atomic
def group_join(*, user, group: Group, accept_code_of_conduct: bool = False) -> Membership:
    """Join a public group. Joining twice returns the same membership (locks the group row)."""
    _require_user(user)
    group = _lock_group(group)
    access = _access(group, user)
    if access.is_member:
        return access.membership
    if access.is_banned:
        raise PermissionDenied("You were banned from this group.")
    if group.visibility == Group.Visibility.REQUEST:
        raise PermissionDenied("This group approves new members: send a request to join.")
    if group.is_private:
        raise PermissionDenied("This group is joined by invitation only.")
    _check_code_of_conduct(group, accept_code_of_conduct)
    return _add_member(group, user, accepted_at=timezone.now())


@transaction.atomic
def group_leave(*, user, group: Group) -> None:
    """Leave a group; the last owner must hand over first (locks the group row)."""
    _require_user(user)
    group = _lock_group(group)
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is None:
        return
    if membership.role == Membership.Role.OWNER and _owner_count(group) <= 1:
        raise Conflict(
            "You are the group's only owner: make another member an owner before you leave.", code="last_owner"
        )
    _drop_member(membership)


def _owner_count(group: Group) -> int:
    return Membership.objects.filter(group=group, role=Membership.Role.OWNER).count()


@transaction.atomic
def join_request_create(*, user, group: Group, message: str = "", accept_code_of_conduct: bool = False) -> JoinRequest:
    """Ask to join a by-request group; asking twice returns the open request. Moderators are told."""
    _require_user(user)
    group = _lock_group(group)
    access = _access(group, user)
    if access.is_banned:
        raise PermissionDenied("You were banned from this group.")
    if access.is_member:
        raise Conflict("You are already a member of this group.", code="already_member")
    if group.is_private:
        raise PermissionDenied("This group is joined by invitation only.")
    if group.is_public:
        raise ValidationError("This group is open: join it directly.")
    _check_code_of_conduct(group, accept_code_of_conduct)
    message = _clean_text(message, field="message", label="The message", max_length=1000, required=False)
    existing = JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).first()
    if existing:
        return existing
    join_request = JoinRequest.objects.create(group=group, user=user, message=message)
    notify_bulk(
        recipients=_moderator_users(group),
        kind=Kind.JOIN_REQUEST,
        context={
            "title": f"{user.public_name} asks to join {group.name}",
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
    _require_user(user)
    if join_request.user_id != user.pk:
        raise PermissionDenied("This is not your request.")
    JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )


@transaction.atomic
def join_request_decide(*, actor, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """A moderator approves or declines a request (locks the group, then the request); the requester is told."""
    _require_moderator(join_request.group, actor, action="join_request_decide")
    group = _lock_group(join_request.group)
    join_request = JoinRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise Conflict(f"This request was already {join_request.get_status_display().lower()}.", code="decided")
    if approve and Ban.objects.filter(group=group, user=join_request.user).exists():
        raise Conflict("This person is banned from the group; unban them first.", code="banned")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        _add_member(group, join_request.user, accepted_at=join_request.created_at)
    notify(
        recipient=join_request.user,
        kind=Kind.JOIN_REQUEST_DECIDED,
        context={
            "title": (f"Welcome to {group.name}!" if approve else f"Your request to join {group.name} was declined"),
            "body": "You can now read and join its discussions." if approve else "",
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
    _require_moderator(group, actor, action="invitation_create")
    ratelimits.enforce_user("invitation_user", actor, message="Too many invitation links recently; please wait.")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": "Give a number of days."})
    if not 1 <= days <= INVITATION_MAX_DAYS:
        raise ValidationError({"days": f"A link lasts between 1 and {INVITATION_MAX_DAYS} days."})
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": "Allow at least one use, or leave it empty for no limit."})
    return Invitation.objects.create(
        group=group,
        created_by=actor,
        note=_clean_text(note, field="note", label="The note", max_length=120, required=False),
        expires_at=timezone.now() + timedelta(days=days),
        max_uses=max_uses,
    )


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    _require_moderator(invitation.group, actor, action="invitation_revoke")
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str, accept_code_of_conduct: bool = False) -> Membership:
    """Join through a link (locks the group, then the invitation). Accepting twice is harmless."""
    _require_user(user)
    invitation = Invitation.objects.filter(token=token).select_related("group").first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid.", code="invalid")
    group = _lock_group(invitation.group)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    access = _access(group, user)
    if access.is_member:
        return access.membership
    if access.is_banned:
        raise PermissionDenied("You were banned from this group.")
    if not invitation.is_usable(timezone.now()):
        raise ValidationError("This invitation link has expired or was revoked.", code="expired")
    _check_code_of_conduct(group, accept_code_of_conduct)
    membership = _add_member(group, user, accepted_at=timezone.now())
    Invitation.objects.filter(pk=invitation.pk).update(use_count=F("use_count") + 1)
    return membership


# --- roles, removal, bans --------------------------------------------------------------------------


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Owners promote and demote (to owner, moderator or member); a group always keeps an owner."""
    _require_owner(membership.group, actor)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose a role."})
    group = _lock_group(membership.group)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.OWNER and _owner_count(group) <= 1:
        raise Conflict("A group always keeps an owner: make someone else an owner first.", code="last_owner")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def _check_can_act_on(access: GroupAccess, membership: Membership) -> None:
    if membership.user_id == access.user.pk:
        raise ValidationError("You cannot do that to yourself; leave the group instead.")
    if membership.role == Membership.Role.OWNER:
        raise PermissionDenied("Owners cannot be removed; an owner can demote them first.")
    if membership.role == Membership.Role.MODERATOR and not (access.is_owner or access.is_site_moderator):
        raise PermissionDenied("Only owners can remove moderators.")


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Moderators remove members (owners also remove moderators). They may join again."""
    access = _require_moderator(membership.group, actor, action="member_remove")
    _lock_group(membership.group)
    membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if membership is None:
        return
    _check_can_act_on(access, membership)
    _drop_member(membership)
    moderation_action_record(moderator=actor, action="group_member_removed", target=membership.group)


@transaction.atomic
def member_ban(*, actor, group: Group, user, reason: str = "") -> Ban:
    """Remove someone and keep them out: no rejoining, requests, invitations or posts. Idempotent."""
    access = _require_moderator(group, actor, action="member_ban")
    group = _lock_group(group)
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is not None:
        _check_can_act_on(access, membership)
    elif user.pk == actor.pk:
        raise ValidationError("You cannot ban yourself.")
    ban, created = Ban.objects.get_or_create(
        group=group, user=user, defaults={"banned_by": actor, "reason": (reason or "").strip()[:300]}
    )
    if membership is not None:
        _drop_member(membership)
    JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.DECLINED, decided_at=timezone.now(), decided_by=actor
    )
    if created:
        moderation_action_record(moderator=actor, action="group_member_banned", target=group, reason=ban.reason)
    return ban


@transaction.atomic
def member_unban(*, actor, group: Group, user) -> None:
    _require_moderator(group, actor, action="member_unban")
    deleted, _ = Ban.objects.filter(group=group, user=user).delete()
    if deleted:
        moderation_action_record(moderator=actor, action="group_member_unbanned", target=group)


# --- discussions -----------------------------------------------------------------------------------


def _mentioned_members(group: Group, body: str, *, exclude_user_id: int):
    """Members named by @handle, where the handle is the email's local part or the display name
    without spaces (`@amina`, `@AminaDiallo`), case-insensitively. Only members are notified."""
    handles = {h.rstrip(".").lower() for h in MENTION_RE.findall(body or "")}
    handles = {h for h in handles if h}
    if not handles:
        return []
    handles = sorted(handles)[:MAX_MENTIONS]
    by_email = Q()
    for handle in handles:
        by_email |= Q(user__email__istartswith=f"{handle}@")
    memberships = (
        Membership.objects.filter(group=group, user__is_active=True)
        .exclude(user_id=exclude_user_id)
        .annotate(handle=Replace(Lower("user__display_name"), Value(" "), Value("")))
        .filter(by_email | Q(handle__in=handles))
        .select_related("user")
    )
    return [m.user for m in memberships]


def _notify_mentions(post: Post, group: Group) -> set[int]:
    notified = set()
    for member in _mentioned_members(group, post.body, exclude_user_id=post.author_id):
        notify(
            recipient=member,
            kind=Kind.MENTION,
            context={
                "title": f"{post.author.public_name} mentioned you in “{post.thread.title}”",
                "body": plain_text(post.body, 300),
                "url": post.get_absolute_url(),
                "group": group.name,
                "thread": post.thread.title,
                "actor": post.author.public_name,
            },
            dedupe_key=f"mention:{post.pk}:{member.pk}",
        )
        notified.add(member.pk)
    return notified


def _notify_participants(post: Post, group: Group, *, skip_user_ids: set[int]) -> None:
    """Everyone who wrote in the thread and is still a member hears of a new reply."""
    from causeweb.accounts.models import User

    participant_ids = (
        Post.objects.filter(thread_id=post.thread_id, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    recipients = (
        User.objects.filter(
            pk__in=participant_ids,
            is_active=True,
            group_memberships__group=group,
        )
        .exclude(pk__in={post.author_id, *skip_user_ids})
        .distinct()
    )
    notify_bulk(
        recipients=recipients,
        kind=Kind.THREAD_REPLY,
        context={
            "title": f"{post.author.public_name} replied in “{post.thread.title}”",
            "body": plain_text(post.body, 300),
            "url": post.get_absolute_url(),
            "group": group.name,
            "thread": post.thread.title,
            "actor": post.author.public_name,
        },
        dedupe_key=f"thread-reply:{post.pk}",
    )


@transaction.atomic
def thread_create(*, author, group: Group, title: str, body: str) -> Thread:
    """Members start a discussion: a title and an opening message (Markdown)."""
    _require_participant(group, author)
    ratelimits.enforce_user("thread_user", author, message="You have started many discussions recently; please wait.")
    title = _clean_text(title, field="title", label="The title", max_length=160)
    body = _clean_text(body, field="body", label="The message", max_length=20_000)
    thread = Thread.objects.create(group=group, author=author, title=title)
    post = Post.objects.create(
        thread=thread, author=author, is_opening=True, body=body, body_html=render_markdown(body)
    )
    _notify_mentions(post, group)
    return thread


@transaction.atomic
def post_create(*, author, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """Reply to a thread, or to a reply (nested one level: a reply to a nested reply joins its branch)."""
    group = thread.group
    access = _require_participant(group, author)
    ratelimits.enforce_user("post_user", author, message="You are replying very fast; please wait a few minutes.")
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_hidden and not access.can_moderate:
        raise PermissionDenied("This discussion was hidden by the group's moderators.")
    if thread.is_locked and not access.can_moderate:
        raise PermissionDenied("This discussion is locked.")
    body = _clean_text(body, field="body", label="The reply", max_length=20_000)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError("You can only reply to a message in the same discussion.")
        if parent.is_opening:
            parent = None  # replying to the opening message is a top-level reply
        elif parent.parent_id is not None:
            parent = Post.objects.get(pk=parent.parent_id)
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, parent=parent, body=body, body_html=render_markdown(body))
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    post.thread = thread
    mentioned = _notify_mentions(post, group)
    _notify_participants(post, group, skip_user_ids=mentioned)
    return post


def _lock_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("thread__group", "author").get(pk=post.pk)


@transaction.atomic
def post_edit(*, actor, post: Post, body: str) -> Post:
    """Authors edit their own messages while they are members; an 'edited' mark shows."""
    post = _lock_post(post)
    access = _require_participant(post.thread.group, actor)
    if post.author_id != actor.pk:
        raise PermissionDenied("You can only edit your own messages.")
    if post.is_deleted:
        raise Conflict("This message was deleted.", code="deleted")
    if post.is_hidden:
        raise PermissionDenied("This message was hidden by a moderator.")
    if post.thread.is_locked and not access.can_moderate:
        raise PermissionDenied("This discussion is locked.")
    body = _clean_text(body, field="body", label="The message", max_length=20_000)
    if body == post.body:
        return post
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _notify_mentions(post, post.thread.group)
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Authors delete their own messages; a tombstone keeps the discussion readable. Idempotent."""
    _require_user(actor)
    post = _lock_post(post)
    if post.author_id != actor.pk:
        raise PermissionDenied("You can only delete your own messages (moderators hide messages instead).")
    if post.is_deleted:
        return post
    post.body, post.body_html, post.deleted_at = "", "", timezone.now()
    post.save(update_fields=["body", "body_html", "deleted_at"])
    Reaction.objects.filter(post=post).delete()
    return post


@transaction.atomic
def post_set_hidden(*, actor, post: Post, hidden: bool, reason: str = "") -> Post:
    """Group moderators (and site staff) hide or restore a message; written to the audit log."""
    post = _lock_post(post)
    _require_moderator(post.thread.group, actor, action="post_set_hidden")
    if post.is_hidden == hidden:
        return post
    post.is_hidden = hidden
    post.hidden_by = actor if hidden else None
    post.save(update_fields=["is_hidden", "hidden_by"])
    moderation_action_record(
        moderator=actor, action="group_post_hidden" if hidden else "group_post_restored", target=post, reason=reason
    )
    return post


def _thread_flag(*, actor, thread: Thread, field: str, value: bool, action: str) -> Thread:
    _require_moderator(thread.group, actor, action=action)
    thread = Thread.objects.select_for_update(of=("self",)).select_related("group").get(pk=thread.pk)
    if getattr(thread, field) != value:
        setattr(thread, field, value)
        thread.save(update_fields=[field])
        moderation_action_record(moderator=actor, action=action, target=thread)
    return thread


@transaction.atomic
def thread_set_pinned(*, actor, thread: Thread, pinned: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_pinned",
        value=pinned,
        action="group_thread_pinned" if pinned else "group_thread_unpinned",
    )


@transaction.atomic
def thread_set_locked(*, actor, thread: Thread, locked: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_locked",
        value=locked,
        action="group_thread_locked" if locked else "group_thread_unlocked",
    )


@transaction.atomic
def thread_set_hidden(*, actor, thread: Thread, hidden: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_hidden",
        value=hidden,
        action="group_thread_hidden" if hidden else "group_thread_restored",
    )


@transaction.atomic
def thread_edit(*, actor, thread: Thread, title: str) -> Thread:
    """The author (or a moderator) retitles a discussion."""
    _require_user(actor)
    access = _access(thread.group, actor)
    if not ((thread.author_id == actor.pk and access.can_participate) or access.can_moderate):
        raise PermissionDenied("Only the author or the group's moderators can retitle a discussion.")
    if thread.author_id != actor.pk:
        _audit_site_moderator(access, "thread_edit", target=thread)
    thread.title = _clean_text(title, field="title", label="The title", max_length=160)
    thread.save(update_fields=["title"])
    return thread


# --- reactions -------------------------------------------------------------------------------------


@transaction.atomic
def reaction_add(*, user, post: Post, kind: str) -> Reaction:
    """React to a message; reacting twice with the same kind keeps one reaction."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose like, support or celebrate."})
    post = Post.objects.select_related("thread__group").get(pk=post.pk)
    access = _require_participant(post.thread.group, user)
    if post.is_deleted or post.is_hidden:
        raise ValidationError("You cannot react to a deleted or hidden message.")
    if post.thread.is_hidden and not access.can_moderate:
        raise PermissionDenied("This discussion was hidden by the group's moderators.")
    try:
        with transaction.atomic():
            reaction, _ = Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    except IntegrityError:  # a concurrent double-click inserted it first
        reaction = Reaction.objects.get(post=post, user=user, kind=kind)
    return reaction


@transaction.atomic
def reaction_remove(*, user, post: Post, kind: str) -> None:
    """Take a reaction back; doing it twice is harmless."""
    _require_user(user)
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose like, support or celebrate."})
    Reaction.objects.filter(post=post, user=user, kind=kind).delete()


# --- campaigns the group supports ------------------------------------------------------------------


@transaction.atomic
def group_campaign_add(*, actor, group: Group, campaign_slug: str) -> GroupCampaign:
    """Owners and moderators say the group supports a public campaign. Idempotent."""
    from campaigns.selectors import campaign_get_public

    _require_moderator(group, actor, action="campaign_add")
    campaign = campaign_get_public(slug=(campaign_slug or "").strip())
    if campaign is None:
        raise ValidationError({"campaign": "No public campaign has that address."})
    try:
        with transaction.atomic():
            link, _ = GroupCampaign.objects.get_or_create(group=group, campaign=campaign, defaults={"added_by": actor})
    except IntegrityError:
        link = GroupCampaign.objects.get(group=group, campaign=campaign)
    return link


@transaction.atomic
def group_campaign_remove(*, actor, group: Group, campaign_id: int) -> None:
    _require_moderator(group, actor, action="campaign_remove")
    GroupCampaign.objects.filter(group=group, campaign_id=campaign_id).delete()


# --- announcements ---------------------------------------------------------------------------------


@transaction.atomic
def announcement_create(*, actor, group: Group, subject: str, body: str) -> Announcement:
    """Owners and moderators email every member; at most a few a day per group (locks the group row).
    The email goes out from a Celery task after commit."""
    _require_moderator(group, actor, action="announcement_create")
    group = _lock_group(group)
    subject = _clean_text(subject, field="subject", label="The subject", max_length=140)
    body = _clean_text(body, field="body", label="The message", max_length=10_000)
    since = timezone.now() - timedelta(days=1)
    if Announcement.objects.filter(group=group, created_at__gte=since).count() >= ANNOUNCEMENTS_PER_DAY:
        raise ValidationError(
            f"A group can send at most {ANNOUNCEMENTS_PER_DAY} announcements a day; try again tomorrow.",
            code="rate_limited",
        )
    announcement = Announcement.objects.create(
        group=group, author=actor, subject=subject, body=body, body_html=render_markdown(body)
    )
    from communities.tasks import send_announcement

    send_announcement.delay_on_commit(announcement.pk)
    return announcement


@transaction.atomic
def announcement_send(*, announcement_id: int) -> int:
    """Notify every member once (locks the announcement; a rerun sends nothing new)."""
    from causeweb.accounts.models import User

    announcement = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("group", "author")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None or announcement.sent_at is not None:
        return 0
    group = announcement.group
    recipients = User.objects.filter(group_memberships__group=group, is_active=True).exclude(pk=announcement.author_id)
    sent = notify_bulk(
        recipients=recipients.iterator(chunk_size=500),
        kind=Kind.ANNOUNCEMENT,
        context={
            "title": f"[{group.name}] {announcement.subject}",
            "body": plain_text(announcement.body),
            "url": group.get_absolute_url(),
            "group": group.name,
            "actor": announcement.author.public_name if announcement.author else "",
        },
        dedupe_key=f"announcement:{announcement.pk}",
    )
    announcement.sent_at = timezone.now()
    announcement.recipient_count = sent
    announcement.save(update_fields=["sent_at", "recipient_count"])
    return sent


def post_hide_by_site_moderator(post: Post, *, moderator, reason: str = "") -> None:
    """Idempotent hide used when a site moderator upholds a flag (moderation writes the audit row)."""
    Post.objects.filter(pk=post.pk, is_hidden=False).update(is_hidden=True, hidden_by=moderator)


def post_restore_by_site_moderator(post: Post, *, moderator) -> None:
    Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_by=None)

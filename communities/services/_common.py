"""What the community services share: who is acting (asked of communities.policies through the
group's access), the group row lock, text cleaning and member bookkeeping. Private to
communities.services."""

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.notifications.services import notify_bulk
from communities.models import Group, JoinRequest, Membership
from communities.policies import GroupAccess
from communities.selectors import group_access
from communities.services.site_moderation import site_moderator_action_record


def require_user(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(gettext("Sign in first."))
    if not user.is_active:
        raise PermissionDenied(gettext("Your account is suspended."))


def in_language_of(user):
    """Write a notification in its recipient's language (their setting; the site's default when
    they chose none): the text is stored with it and read later, outside this request."""
    return translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def notify_bulk_in_their_languages(*, recipients, kind: str, context, dedupe_key: str) -> int:
    """notify_bulk once per language among `recipients` (a queryset or a list of users), with
    `context()` called in that language: each person reads the notification in their own. One
    more query for a queryset (its languages), none for a list."""
    if hasattr(recipients, "values_list"):
        languages = sorted(set(recipients.values_list("language", flat=True)))
        by_language = [(language, recipients.filter(language=language)) for language in languages]
    else:
        grouped: dict[str, list] = {}
        for user in recipients:
            grouped.setdefault(getattr(user, "language", ""), []).append(user)
        by_language = list(grouped.items())
    sent = 0
    for language, people in by_language:
        with translation.override(language or settings.LANGUAGE_CODE):
            text = context()
        sent += notify_bulk(recipients=people, kind=kind, context=text, dedupe_key=dedupe_key)
    return sent


def lock_group(group: Group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def access_of(group: Group, user) -> GroupAccess:
    return group_access(group=group, user=user)


def require_moderator(group: Group, actor, *, action: str) -> GroupAccess:
    require_user(actor)
    access = access_of(group, actor)
    if not access.can_moderate:
        raise PermissionDenied(gettext("Only the group's owners and moderators can do that."))
    site_moderator_action_record(access, action)
    return access


def require_owner(group: Group, actor) -> GroupAccess:
    require_user(actor)
    access = access_of(group, actor)
    if not access.is_owner:
        raise PermissionDenied(gettext("Only the group's owners can do that."))
    return access


def require_participant(group: Group, user) -> GroupAccess:
    require_user(user)
    access = access_of(group, user)
    if access.is_banned:
        raise PermissionDenied(gettext("You were banned from this group."))
    if not access.can_participate:
        raise PermissionDenied(gettext("Join the group to take part in its discussions."))
    return access


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: gettext("%(label)s cannot be empty.") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: gettext("%(label)s is too long (at most %(max_length)s characters).")
                % {"label": label, "max_length": max_length}
            }
        )
    return value


def add_member(group: Group, user, *, role: str = Membership.Role.MEMBER, accepted_at=None) -> Membership:
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


def drop_member(membership: Membership) -> None:
    membership.delete()
    Group.objects.filter(pk=membership.group_id).update(member_count=F("member_count") - 1)


def owner_count(group: Group) -> int:
    return Membership.objects.filter(group=group, role=Membership.Role.OWNER).count()


def moderator_users(group: Group):
    return [
        m.user
        for m in Membership.objects.filter(
            group=group, role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR], user__is_active=True
        ).select_related("user")
    ]

"""Who may do what in site moderation. One place, asked by the services (which enforce it), the
selectors and the flag view (which answer 404 for what a person may not flag) and the admin.

What a person can *see* is each app's own rule, registered with the content type in
causeweb.moderation.registry; these functions only combine it with the moderation rules.
"""

from django.db.models import Model

from causeweb.moderation import registry


def is_site_moderator(user) -> bool:
    """Active people holding `moderation.change_flag` (superusers hold every permission)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.has_perm("moderation.change_flag"))
    )


def is_flaggable(label: str) -> bool:
    """A content type can be flagged once its app registered it (fail closed)."""
    return registry.moderatable_for_label(label) is not None


def can_flag(user, target: Model) -> bool:
    """Signed in, and able to see `target` by its app's own rule."""
    return bool(getattr(user, "is_authenticated", False) and registry.can_view_for_flagging(target, user))


def can_hide_from_flag_queue(target: Model) -> bool:
    """Upholding a flag hides the content only for types registered with hide/restore."""
    entry = registry.moderatable_for(target)
    return bool(entry is not None and entry.can_hide)


def can_resolve_flags(user) -> bool:
    return is_site_moderator(user)


SUSPEND_PERMISSION = "moderation.suspend_user"


def can_suspend(user) -> bool:
    """Active people holding `moderation.suspend_user` (the Moderator and Admin roles)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(SUSPEND_PERMISSION))


APPEALABLE_ACTIONS = ("hide", "suspend_user")


def can_appeal(user, decision) -> bool:
    """Only the person a decision is about, and only decisions that take something away from
    them (hidden content, a suspension). `user` may be a suspended person (not signed in) whose
    identity comes from a signed appeal link."""
    return bool(
        user is not None
        and getattr(user, "pk", None) is not None
        and decision.action in APPEALABLE_ACTIONS
        and decision.subject_id == user.pk
    )


def can_decide_appeals(user) -> bool:
    return bool(is_site_moderator(user) and user.has_perm("moderation.decide_appeal"))

"""Which content moderators can hide, and how. Each app registers its own hide/restore services
in its AppConfig.ready(), so moderation never reaches into another app's models:

    from causeweb.moderation.registry import register_moderatable
    register_moderatable("campaigns.comment", hide=services.comment_hide_by_site_moderator,
                         restore=services.comment_restore_by_site_moderator)

`hide(target, moderator, reason)` and `restore(target, moderator)` must be idempotent.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class Moderatable:
    hide: Callable[..., None]
    restore: Callable[..., None]


_registry: dict[str, Moderatable] = {}


def register_moderatable(label: str, *, hide: Callable[..., None], restore: Callable[..., None]) -> None:
    _registry[label.lower()] = Moderatable(hide=hide, restore=restore)


def moderatable_for(target: Model) -> Moderatable | None:
    return _registry.get(target._meta.label_lower)


def registered_labels() -> set[str]:
    return set(_registry)


# --- what can be flagged, and by whom --------------------------------------------------------------
# Each app says which of its models people may flag and who can see a given object, using its own
# policies/selectors: `can_view(target, user) -> bool`. The generic flag endpoint answers 404 for
# anything the person cannot see (a private post, a draft), exactly as for an id that does not exist,
# so flagging never reveals what exists, and nobody queues flags on content they were never shown.
# Models without a rule cannot be flagged (fail closed).

_flaggable: dict[str, Callable[..., bool]] = {}


def register_flaggable(label: str, *, can_view: Callable[..., bool]) -> None:
    _flaggable[label.lower()] = can_view


def flaggable_labels() -> set[str]:
    return set(_flaggable)


def can_view_for_flagging(target: Model, user) -> bool:
    """False for unregistered models and for content `user` may not see."""
    rule = _flaggable.get(target._meta.label_lower)
    return bool(rule is not None and rule(target, user))

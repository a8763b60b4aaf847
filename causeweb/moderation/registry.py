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

"""The one list of content moderation knows about: each app registers each of its content types
once, in its AppConfig.ready(), with its own rules and services, so moderation never reaches into
another app's models:

    from causeweb.moderation.registry import register_moderatable
    register_moderatable("campaigns.comment", can_view=policies.can_view_comment,
                         hide=services.comment_hide_by_site_moderator,
                         restore=services.comment_restore_by_site_moderator)

- `can_view(target, user) -> bool` (required): who can see a given object. Registered means
  flaggable: the generic flag endpoint answers 404 for anything the person cannot see (a private
  post, a draft), exactly as for an id that does not exist, so flagging never reveals what exists
  and nobody queues flags on content they were never shown. Unregistered models cannot be flagged
  (fail closed).
- `hide(target, moderator, reason)` and `restore(target, moderator)` (optional, both or neither,
  idempotent): upholding a flag hides the content. A type registered without them can be flagged,
  but the flag queue says it "cannot be hidden from here" and its own admin acts on it.
- `author(target) -> user | None` (optional): who answers for the content, so a moderator can
  "hide and suspend the author" and the author is told (and can appeal).
- `authored_by(user) -> QuerySet` (optional, with `author`): the visible content of this type that
  `user` answers for (the reverse of `author`), so suspending someone can hide all of it at once.
- `related` (optional): the `select_related` paths its page link and preview need (a post's
  `thread__group`), so the queue and the flag list load each type's content in one query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model


@dataclass(frozen=True)
class Moderatable:
    can_view: Callable[..., bool]
    hide: Callable[..., None] | None = None
    restore: Callable[..., None] | None = None
    author: Callable[..., object] | None = None
    authored_by: Callable[..., object] | None = None
    related: tuple[str, ...] = ()

    @property
    def can_hide(self) -> bool:
        return self.hide is not None


_registry: dict[str, Moderatable] = {}


def register_moderatable(
    label: str,
    *,
    can_view: Callable[..., bool],
    hide: Callable[..., None] | None = None,
    restore: Callable[..., None] | None = None,
    author: Callable[..., object] | None = None,
    authored_by: Callable[..., object] | None = None,
    related: tuple[str, ...] = (),
) -> None:
    if (hide is None) != (restore is None):
        raise ValueError(f"{label}: register both hide and restore, or neither.")
    if authored_by is not None and (author is None or hide is None):
        raise ValueError(f"{label}: authored_by needs author and hide.")
    _registry[label.lower()] = Moderatable(
        can_view=can_view,
        hide=hide,
        restore=restore,
        author=author,
        authored_by=authored_by,
        related=tuple(related),
    )


def moderatable_for_label(label: str) -> Moderatable | None:
    return _registry.get(label.lower())


def moderatable_for(target: Model) -> Moderatable | None:
    return _registry.get(target._meta.label_lower)


def bulk_queryset(model_class: type[Model]):
    """`model_class`'s rows with what a registered type's page link and preview need joined in."""
    entry = _registry.get(model_class._meta.label_lower)
    queryset = model_class._default_manager.all()
    return queryset.select_related(*entry.related) if entry is not None and entry.related else queryset


def bulk_querysets() -> list:
    """One such queryset per registered type (for a GenericPrefetch over the flag list)."""
    return [bulk_queryset(apps.get_model(label)) for label in _registry]


def flaggable_labels() -> set[str]:
    """Every registered content type can be flagged."""
    return set(_registry)


def hideable_labels() -> set[str]:
    """The registered content types a flag's uphold can hide."""
    return {label for label, entry in _registry.items() if entry.can_hide}


def author_of(target: Model):
    """The person who answers for `target`, or None when its app registered no author."""
    entry = moderatable_for(target)
    return entry.author(target) if entry is not None and entry.author is not None else None


def can_view_for_flagging(target: Model, user) -> bool:
    """False for unregistered models and for content `user` may not see."""
    entry = moderatable_for(target)
    return bool(entry is not None and entry.can_view(target, user))


def content_authored_by(user) -> list[tuple[str, Moderatable, object]]:
    """(label, entry, queryset) of the visible content `user` answers for, per type that can say."""
    return [
        (label, entry, entry.authored_by(user)) for label, entry in _registry.items() if entry.authored_by is not None
    ]

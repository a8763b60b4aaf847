"""Extension points: how a lower layer uses what a higher app offers without importing it.

Apps depend one way (docs/architecture.md): the platform knows no product app, campaigns knows
neither fundraising, communities nor events, and so on. Where a lower layer shows or checks
something that belongs higher up (the funding panel on the campaign page, the home page's
sections, "this campaign's currency is locked because it has donations"), it declares a `Hook`
and the higher app registers a provider in its `AppConfig.ready()`. The moderation registry
(`causeweb.moderation.registry`) is the same pattern for content that can be hidden.

    # campaigns/hooks.py (the lower app declares)
    campaign_page_sections = Hook("campaign page sections")

    # fundraising/apps.py (the higher app fills)
    def ready(self):
        campaign_page_sections.register("funding", funding_section, order=10)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageSection:
    """A piece of a page rendered by the app that owns it: its template, that template's context
    and, for pages with more than one column, the `slot` it goes in."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    slot: str = "main"


@dataclass(frozen=True)
class _Provider:
    key: str
    func: Callable[..., Any]
    order: int


class Hook:
    """A named list of providers, called in `order` (then key). Registering the same key again
    replaces the provider (so a re-run `ready()` or a test's override does not duplicate it)."""

    def __init__(self, name: str):
        self.name = name
        self._providers: dict[str, _Provider] = {}

    def register(self, key: str, func: Callable[..., Any], *, order: int = 100) -> None:
        self._providers[key] = _Provider(key=key, func=func, order=order)

    def unregister(self, key: str) -> None:
        self._providers.pop(key, None)

    def providers(self) -> list[_Provider]:
        return sorted(self._providers.values(), key=lambda p: (p.order, p.key))

    def call_each(self, **kwargs) -> Iterator[tuple[str, Any]]:
        """(key, result) for every provider, in order; a provider returning None is skipped."""
        for provider in self.providers():
            result = provider.func(**kwargs)
            if result is not None:
                yield provider.key, result

    def sections(self, **kwargs) -> list[PageSection]:
        return [section for _, section in self.call_each(**kwargs)]

    def any(self, **kwargs) -> bool:
        """True when some provider answers truthy (for checks such as "is the currency locked")."""
        return any(bool(result) for _, result in self.call_each(**kwargs))

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(p.key for p in self.providers()) or 'empty'}>"


# The home page's sections (featured campaigns, upcoming events, groups): each app adds its own.
# Providers take `request` and return a PageSection, or None to show nothing.
home_page_sections = Hook("home page sections")

# "My activity" (causeweb.accounts): what a signed-in person signed, follows, attends, belongs to
# and gave, each part from the app that owns it. Providers take `user` and return a PageSection, or
# None to show nothing.
my_activity_sections = Hook("my activity sections")

# A person's public profile (/people/<handle>/, causeweb.accounts): only what that person did in
# public (campaigns they started that are live, public groups they belong to), never anything
# from a private group, an anonymous act, a donation or an email address. Providers take
# `person` and return a PageSection, or None to show nothing.
public_profile_sections = Hook("public profile sections")


@dataclass(frozen=True)
class AttentionItem:
    """One line of the admin dashboard: what waits, how many, where to act on it. `area` groups
    the lines ("content" for moderators, "money" for finance, "platform" for admins)."""

    label: str
    count: int
    url: str
    area: str = "platform"


# The admin index's "Needs attention" panel (templates/admin/index.html). Providers take `user`
# and return an AttentionItem, a list of them, or None when that person may not act on it (each
# asks its own app's policy, so Finance sees money, Moderators content). Registered keys:
# "moderation-flags", "moderation-appeals" (appeals of causeweb.moderation waiting for a decision),
# "campaigns-review", "fundraising", "notifications-failed", "core-ratelimits".
admin_attention = Hook("admin dashboard: what needs attention")


def attention_items(*, user) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for _, result in admin_attention.call_each(user=user):
        items.extend(result if isinstance(result, list | tuple) else [result])
    return items

"""One rule for the slugs in public URLs (campaigns, events, groups)."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(
    text: str,
    *,
    queryset: QuerySet,
    max_length: int,
    fallback: str,
    reserved: Collection[str] = (),
    exclude_pk: int | None = None,
    always_suffix: bool = False,
) -> str:
    """`slugify(text)` cut to fit, or `fallback` when nothing is left; on a clash with an existing
    row of `queryset` (other than `exclude_pk`) or a reserved word (a URL of ours such as "new"),
    a short random suffix is added: random rather than -2, -3 so a slug does not reveal how many
    namesakes exist and a burst of creations does not probe the table once per number.

    `always_suffix` is for things that recur under one title (the weekly "Town hall on rent"):
    every one gets a suffix, so the first is not the odd one out."""
    suffix_length = 7  # "-" + 6 hex digits
    base = slugify(text)[: max_length - suffix_length].strip("-") or fallback
    candidate = f"{base}-{secrets.token_hex(3)}" if always_suffix else base
    while candidate in reserved or _taken(queryset, candidate, exclude_pk):
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


def _taken(queryset: QuerySet, slug: str, exclude_pk: int | None) -> bool:
    matches = queryset.filter(slug=slug)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    return matches.exists()

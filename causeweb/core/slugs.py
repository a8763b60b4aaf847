"""One rule for the slugs in public URLs (campaigns, events, groups), for titles in any script.

Slugs are ASCII (docs/i18n-content.md): Latin letters are transliterated ("Café Łódź" ->
"cafe-lodz"; accents by Unicode decomposition, the letters that do not decompose, ß ø ł æ..., by
LATIN_LETTERS). A title in a script without a Latin form (Arabic) keeps none of its words: its
slug is the fallback and a random suffix ("campaign-3f9a1c"), so every such campaign has a short
slug of its own that the `<slug:>` URL converters, reverse(), share texts and QR codes take as
they are, where a Unicode slug would travel percent-encoded (six characters a letter)."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from django.db.models import QuerySet
from django.utils.text import slugify

LATIN_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def ascii_slug(text: str) -> str:
    """`slugify` after transliterating the Latin letters it would otherwise drop."""
    return slugify(str(text).translate(LATIN_LETTERS))


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
    namesakes exist and a burst of creations does not probe the table once per number. A title
    whose letters are all of a non-Latin script (Arabic) always gets the suffix after the fallback.

    `always_suffix` is for things that recur under one title (the weekly "Town hall on rent"):
    every one gets a suffix, so the first is not the odd one out."""
    suffix_length = 7  # "-" + 6 hex digits
    base = ascii_slug(text)[: max_length - suffix_length].strip("-")
    if not base:
        always_suffix = always_suffix or any(character.isalnum() for character in str(text))
        base = fallback
    candidate = f"{base}-{secrets.token_hex(3)}" if always_suffix else base
    while candidate in reserved or _taken(queryset, candidate, exclude_pk):
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


def _taken(queryset: QuerySet, slug: str, exclude_pk: int | None) -> bool:
    matches = queryset.filter(slug=slug)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    return matches.exists()

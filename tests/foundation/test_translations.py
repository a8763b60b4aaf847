"""Every user-facing string is translatable and translated (docs/i18n.md):

- no human text in a template outside {% translate %} / {% blocktranslate %} (text nodes and the
  attributes people read or hear: alt, title, placeholder, aria-label, aria-description, value of
  buttons), HTML and plain-text (email) templates alike;
- the Spanish and Arabic catalogues of every app hold every string the sources mark, none fuzzy or
  empty: extracted afresh from a copy of the sources (makemessages, as a developer runs it), so a
  string wrapped but never translated fails here.
"""

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

from causeweb.settings_i18n import CATALOGUE_APPS

BASE_DIR = Path(settings.BASE_DIR)
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# "locale": the project catalogue (templates/, causeweb/*.py), merged like the apps' own.
SOURCE_ROOTS = [
    "locale",
    "templates",
    "causeweb",
    "campaigns",
    "fundraising",
    "events",
    "communities",
    "insights",
    "static",
]
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}

# Attributes a person reads or hears; others (class, href, name, type, autocomplete...) are code.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
# Words that are the same in every language: the product's name, units and tokens.
SAME_IN_EVERY_LANGUAGE = {"Causeweb", "Stripe", "OK", "ID", "API", "CSV", "PDF", "ICS", "QR", "URL", "RSS"}
# Letters of any script: a text with none of these (a symbol, a number, a bullet) needs no catalogue.
LETTERS = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = "\x00"


def template_files() -> list[Path]:
    roots = [BASE_DIR / "templates"] + [BASE_DIR / app / "templates" for app in CATALOGUE_APPS]
    found = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt"})
    return found


def _text_outside_translation(source: str) -> str:
    """The template's literal text with every template tag, variable and translated block replaced by
    a placeholder; comments, verbatim and translated blocks dropped."""
    out, skip_until = [], None
    for token in Lexer(source).tokenize():
        content = token.contents
        if token.token_type == TokenType.BLOCK:
            name = content.split()[0] if content.split() else ""
            if skip_until:
                if name == skip_until:
                    skip_until = None
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skip_until = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name in {"comment", "verbatim"}:
                skip_until = "end" + name
            out.append(PLACEHOLDER)
        elif skip_until:
            continue
        elif token.token_type == TokenType.TEXT:
            out.append(content)
        else:
            out.append(PLACEHOLDER)
    return "".join(out)


class _HumanText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._code_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._code_depth += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or (name == "value" and tag == "button")):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._code_depth:
            self._code_depth -= 1

    def handle_data(self, data):
        if not self._code_depth:
            self.found.append(data)


def untranslated_text(path: Path) -> list[str]:
    text = _text_outside_translation(path.read_text())
    if path.suffix == ".html":
        parser = _HumanText()
        parser.feed(text)
        pieces = parser.found
    else:
        pieces = text.split(PLACEHOLDER)
    found = []
    for piece in pieces:
        for part in piece.split(PLACEHOLDER):
            words = [w for w in LETTERS.findall(part) if w not in SAME_IN_EVERY_LANGUAGE]
            if words:
                found.append(" ".join(part.split())[:80])
    return found


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_no_template_text_outside_translate(path):
    assert untranslated_text(path) == [], f"wrap these in {{% translate %}} / {{% blocktranslate %}}: {path}"


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """makemessages over a copy of the sources, merged into a copy of the committed catalogues."""
    root = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_ROOTS:
        source = BASE_DIR / name
        for path in source.rglob("*"):
            if path.is_file() and (path.suffix in SOURCE_SUFFIXES or path.suffix == ".po"):
                if "__pycache__" in path.parts or "vendor" in path.parts or "migrations" in path.parts:
                    continue
                target = root / path.relative_to(BASE_DIR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    paths = [root / app / "locale" for app in CATALOGUE_APPS] + [root / "locale"]
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    try:
        os.chdir(root)
        with override_settings(LOCALE_PATHS=paths):
            for domain in ("django", "djangojs"):
                call_command(
                    "makemessages",
                    locale=TRANSLATED_LANGUAGES,
                    domain=domain,
                    no_location=True,
                    no_obsolete=True,
                    ignore_patterns=["static/vendor/*", "staticfiles/*", "tests/*"],
                    verbosity=0,
                )
    finally:
        os.chdir(cwd)
    return root


def catalogue_ids():
    return [(unit, language) for unit in CATALOGUE_APPS + ["."] for language in TRANSLATED_LANGUAGES]


@pytest.mark.parametrize(("unit", "language"), catalogue_ids(), ids=lambda v: str(v))
def test_catalogue_is_complete(fresh_catalogues, unit, language):
    problems = []
    for domain in ("django", "djangojs"):
        fresh = fresh_catalogues / unit / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        if not fresh.exists():
            continue  # nothing marked for translation in this app and domain
        committed = BASE_DIR / unit / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        catalogue = polib.pofile(str(fresh))
        if not committed.exists() and len(catalogue):
            problems.append(f"{committed.relative_to(BASE_DIR)} is missing ({len(catalogue)} strings)")
            continue
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"fuzzy: {entry.msgid[:60]!r}")
            elif not entry.translated():
                problems.append(f"untranslated: {entry.msgid[:60]!r}")
    assert problems == [], f"{unit} [{language}]: {len(problems)} problems: {problems[:20]}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_string_is_translated_the_same_way_in_every_catalogue(language):
    """Django merges a language's catalogues into one (the first of LOCALE_PATHS wins), so two
    apps translating the same msgid differently would show one app's wording in the other:
    `scripts/i18n_unify.py` makes them agree."""
    first: dict = {}
    differing = []
    for unit in CATALOGUE_APPS + ["."]:
        path = BASE_DIR / unit / "locale" / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            value = (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            if key not in first:
                first[key] = (unit, value)
            elif first[key][1] != value:
                differing.append(f"{entry.msgid[:40]!r}: {first[key][0]} vs {unit}")
    assert differing == [], "run scripts/i18n_unify.py: " + "; ".join(differing[:10])

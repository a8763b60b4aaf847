"""Make a msgid translated the same way in every catalogue. Django merges all catalogues of a
language into one, the first of LOCALE_PATHS winning, so a msgid translated differently in two
apps shows the first app's wording everywhere: this rewrites the others to it, and
tests/foundation/test_translations.py fails while any difference is left."""

import sys
from pathlib import Path

import polib

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
from causeweb.settings_i18n import CATALOGUE_APPS  # noqa: E402

UNITS = [*CATALOGUE_APPS, "."]


def main() -> None:
    for language in ("es", "ar"):
        winner: dict = {}
        files = []
        for unit in UNITS:
            path = BASE / unit / "locale" / language / "LC_MESSAGES" / "django.po"
            if path.exists():
                files.append((path, polib.pofile(str(path))))
        for _path, catalogue in files:
            for entry in catalogue:
                winner.setdefault((entry.msgctxt, entry.msgid), entry)
        for path, catalogue in files:
            changed = 0
            for entry in catalogue:
                first = winner[(entry.msgctxt, entry.msgid)]
                if first is entry:
                    continue
                if entry.msgstr != first.msgstr or entry.msgstr_plural != first.msgstr_plural:
                    entry.msgstr, entry.msgstr_plural = first.msgstr, dict(first.msgstr_plural)
                    changed += 1
            if changed:
                catalogue.save(str(path))
                print(f"{path.relative_to(BASE)}: {changed} entries made the same as the first catalogue's")


if __name__ == "__main__":
    main()

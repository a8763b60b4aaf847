"""Languages: English, Spanish and Arabic (right-to-left). causeweb/settings.py takes them from
here, to keep the settings module by concept (docs/i18n.md).

Each app keeps its own catalogue in `<app>/locale/`; strings of the project's own templates and
modules (templates/, causeweb/*.py) go in `locale/`. LOCALE_PATHS lists the apps' catalogues
before the project's so that one `makemessages` run from the project root files each string under
the app it came from (Django picks the first LOCALE_PATHS entry whose parent holds the file)."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]

# The language switcher's choice for visitors (signed-in people also get it on their account).
# No URL prefix: the language comes from the account, then this cookie, then Accept-Language.
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"

# The apps that carry a catalogue of their own (paths relative to the project root).
CATALOGUE_APPS = [
    "causeweb/core",
    "causeweb/accounts",
    "causeweb/notifications",
    "causeweb/moderation",
    "campaigns",
    "fundraising",
    "events",
    "communities",
    "insights",
]


def locale_paths(base_dir: Path) -> list[Path]:
    return [base_dir / app / "locale" for app in CATALOGUE_APPS] + [base_dir / "locale"]

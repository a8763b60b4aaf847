"""The language a donor's or backer's receipts and notices are written in. They are often built
far from the page (a Stripe webhook, a Celery task), where the active language is the default:
an account's chosen `User.language`, else the language of the page the gift was made on
(`Donation.language`, `Pledge.language`), else settings.LANGUAGE_CODE (docs/i18n.md, Email)."""

import functools

from django.conf import settings
from django.utils import translation


def recipient_language_now() -> str:
    """The page's language, stored on a new gift (blank outside a request in a site language)."""
    language = translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else ""


def language_of(subject) -> str:
    """A Donation, Pledge or MonthlyPlan's reader's language."""
    person = getattr(subject, "donor", None) or getattr(subject, "backer", None)
    stored = getattr(subject, "language", None)
    if stored is None and getattr(subject, "first_donation", None) is not None:
        stored = subject.first_donation.language
    return (getattr(person, "language", "") or stored or settings.LANGUAGE_CODE) if subject else settings.LANGUAGE_CODE


def in_recipient_language(send):
    """Build and send a notice about `subject` (its first argument) in its reader's language."""

    @functools.wraps(send)
    def wrapper(subject, *args, **kwargs):
        with translation.override(language_of(subject)):
            return send(subject, *args, **kwargs)

    return wrapper

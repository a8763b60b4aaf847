"""A notification's words in the reader's language, chosen when it is read or mailed.

A notification is written once (when something happens) and read later, by someone whose language
is not the writer's (an organizer's update to Spanish followers, a webhook's receipt to an Arabic
donor). So a caller may pass, for `title`, `body` or any extra of kinds.py, not an English string
but a *message*: the English source text marked with `gettext_noop` (so makemessages extracts it)
and its parameters, stored as JSON in `Notification.context`:

    from django.utils.translation import gettext_noop
    from causeweb.notifications.texts import datetime_value, joined, message, message_plural

    context = {
        "title": message(gettext_noop("You're going: %(event)s"), event=event.title),
        "body": joined(message(gettext_noop("Your code is %(code)s.")), note_or_empty, sep=""),
        "title": message_plural(
            ngettext_lazy("%(count)s item waiting", "%(count)s items waiting", "count"), count=n
        ),
    }

`render(value)` turns a message back into text in the active language (gettext / ngettext with
`%(name)s` parameters; parameters may be messages themselves, or `datetime_value(...)`, rendered
in the active language and the reader's time zone). Plain strings stay as they are (user content,
and every caller not converted yet), so old rows and old callers keep working. The English
rendering is also stored in the `title` / `body` columns (admin, search, the API's fallback).

Plurals: mark both forms with `ngettext_lazy(singular, plural, "count")` (what makemessages
extracts, Arabic's six forms included) and pass it: `message_plural(ngettext_lazy(...), count=n)`.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

MESSAGE = "msgid"
PLURAL = "plural"
JOIN = "join"
DATETIME = "datetime"
ZONE = "zone"


def _source(text) -> str:
    """A lazy translation's source (English) text, whatever language is active now: a
    moderator working in Spanish must not store Spanish as the message id."""
    if isinstance(text, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            return str(text)
    return str(text)


def message(msgid, /, **params) -> dict:
    """A text to translate when read: `msgid` is English with `%(name)s` placeholders (or a
    gettext_lazy label, such as a choice's, whose English is stored)."""
    return {MESSAGE: _source(msgid), "params": _jsonable(params)}


def message_plural(forms, /, *, count: int, **params) -> dict:
    """Like message() with a count: ngettext picks the form (Arabic has six). `forms` is an
    `ngettext_lazy(singular, plural, "count")` (its English forms are read back the way Django
    pickles it) or a (singular, plural) pair; `count` is also a parameter."""
    if isinstance(forms, Promise):
        original = forms.__reduce__()[1][3]
        singular, plural = original["singular"], original["plural"]
    else:
        singular, plural = forms
    return {MESSAGE: str(singular), PLURAL: str(plural), "params": _jsonable({"count": count, **params})}


def joined(*parts, sep: str = "") -> dict:
    """Several messages (or strings) one after the other: a body of optional sentences."""
    return {JOIN: [_jsonable(p) for p in parts if p], "sep": sep}


def datetime_value(value: datetime, *, format: str = "DATETIME_FORMAT") -> dict:  # noqa: A002 - Django's word
    """A moment shown in the reader's language and time zone (see render's `tz`)."""
    return {DATETIME: value.isoformat(), "format": format}


def zone_value() -> dict:
    """The name of the reader's time zone ("UTC", "Europe/Madrid"), next to a datetime_value."""
    return {ZONE: True}


def _jsonable(value):
    if isinstance(value, Promise):
        return message(value)
    if isinstance(value, datetime):
        return datetime_value(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def is_message(value) -> bool:
    return isinstance(value, dict) and (MESSAGE in value or JOIN in value or DATETIME in value or ZONE in value)


def _zone(tz: str | None):
    if not tz:
        return timezone.get_current_timezone()
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def render(value, *, tz: str | None = None) -> str:
    """`value` as text in the active language; `tz` (an IANA name) for the moments in it."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    if ZONE in value:
        return str(_zone(tz))
    if DATETIME in value:
        moment = parse_datetime(str(value[DATETIME]))
        if moment is None:
            return ""
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment, _zone(tz))
        return formats.date_format(moment, value.get("format") or "DATETIME_FORMAT")
    if JOIN in value:
        return str(value.get("sep", "")).join(render(part, tz=tz) for part in value[JOIN])
    if MESSAGE not in value:
        return str(value)
    params = {k: render(v, tz=tz) if isinstance(v, dict) else v for k, v in (value.get("params") or {}).items()}
    if PLURAL in value:
        text = ngettext(value[MESSAGE], value[PLURAL], int(params.get("count") or 0))
    else:
        text = gettext(value[MESSAGE]) if value[MESSAGE] else ""
    try:
        return text % params if params or "%(" in text else text
    except (KeyError, ValueError, TypeError):
        # A translation that lost a placeholder must not lose the email: fall back to English.
        return value[MESSAGE] % params if params else value[MESSAGE]


def render_context(context: dict, *, tz: str | None = None) -> dict:
    """A notification's stored context with every message rendered (the templates' extras)."""
    return {key: render(value, tz=tz) if is_message(value) else value for key, value in context.items()}

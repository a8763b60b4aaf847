"""@mentions in what people write (group posts, campaign comments): finding the handles, matching
them to people, and marking them in the rendered HTML.

A handle is a person's display name without spaces (`@AminaDiallo`), case-insensitively. Each app
decides who may be mentioned where (a group's members, a campaign's conversation) and notifies
them; this module only knows the text."""

import re

from django.db.models import Value
from django.db.models.functions import Lower, Replace

# Not after a word character, "@" or "/": an email address or a URL path is not a mention.
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9][\w.\-]{0,79})")
MAX_MENTIONS = 10
# Inside these the text is code or already a link: no mention is marked there.
_SKIP_TAGS = {"a", "code", "pre"}
_TAG_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z0-9]+)")


def mention_handles(text: str) -> list[str]:
    """The distinct handles in `text`, lower-cased, at most MAX_MENTIONS (so one post cannot
    notify a crowd)."""
    handles = {handle.rstrip(".-").lower() for handle in MENTION_RE.findall(text or "")}
    return sorted(handle for handle in handles if handle)[:MAX_MENTIONS]


def handle_of(display_name: str) -> str:
    return "".join((display_name or "").split())


def handle_expression(field: str = "display_name"):
    """A person's handle in SQL (lower-cased display name without spaces), to match handles with."""
    return Replace(Lower(field), Value(" "), Value(""))


def highlight_mentions(html: str) -> str:
    """Wrap each @handle of already-sanitized HTML's text in <span class="mention">. Only text
    between tags changes (and not inside links or code); the text is already escaped, and a handle
    holds no markup characters, so nothing unsafe can be introduced."""
    parts = _TAG_RE.split(html or "")
    skipping = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = _TAG_NAME_RE.match(part)
            if name and name.group(1).lower() in _SKIP_TAGS and not part.endswith("/>"):
                skipping += -1 if part.startswith("</") else 1
                skipping = max(skipping, 0)
            continue
        if not skipping and "@" in part:
            parts[index] = MENTION_RE.sub(r'<span class="mention">@\1</span>', part)
    return "".join(parts)


MAX_SUGGESTIONS = 8


def mention_suggestions(people, prefix: str) -> list[dict]:
    """What the editor offers after "@" + `prefix`: people (a queryset of users the app lets this
    writer reach) whose handle starts with it, with their public name. Only people with a display
    name have a handle; an email address is never offered."""
    prefix = handle_of(prefix).lower()[:80]
    if not prefix:
        return []
    matches = (
        people.exclude(display_name="")
        .annotate(handle=handle_expression())
        .filter(handle__startswith=prefix)
        .order_by("handle")
        .values_list("display_name", flat=True)[:MAX_SUGGESTIONS]
    )
    return [{"handle": handle_of(name), "name": name} for name in matches]

"""@mentions in what people write (group posts, campaign comments): finding the handles, matching
them to people, and marking them in the rendered HTML.

A handle is a person's display name without spaces (`@AminaDiallo`), case-insensitively. Each app
decides who may be mentioned where (a group's members, a campaign's conversation) and notifies
them; this module only knows the text."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils.html import escape

from causeweb.core.markdown import render_markdown

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


def profile_url(display_name: str) -> str:
    """The public profile URL of the person with this display name ("" without a name, or with a
    "/" that no URL segment can hold)."""
    handle = handle_of(display_name)
    if not handle or "/" in handle:
        return ""
    return reverse("person_profile", kwargs={"handle": handle})


def profile_links(handles) -> dict[str, str]:
    """{lower-cased handle: public profile URL} for the handles that name an active person (the
    page `causeweb.accounts` serves at /people/<handle>/). Unknown handles are left out."""
    wanted = {handle.lower() for handle in handles if handle}
    if not wanted:
        return {}
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(display_name="")
        .annotate(handle=handle_expression())
        .filter(handle__in=wanted)
        .values_list("display_name", flat=True)
    )
    return {handle_of(name).lower(): profile_url(name) for name in people}


def render_with_mentions(body: str) -> str:
    """Markdown to sanitized HTML, each @handle marked, and linked to the person's public profile
    when it names one (what posts and comments store as their `body_html`)."""
    return highlight_mentions(render_markdown(body), links=profile_links(mention_handles(body)))


def _mark(match: re.Match, links: dict[str, str]) -> str:
    raw = match.group(1)
    handle = raw.rstrip(".-")
    url = links.get(handle.lower())
    if not url:
        return f'<span class="mention">@{raw}</span>'
    return f'<a class="mention" href="{escape(url)}">@{handle}</a>{raw[len(handle) :]}'


def highlight_mentions(html: str, *, links: dict[str, str] | None = None) -> str:
    """Wrap each @handle of already-sanitized HTML's text in <span class="mention">, or in a
    link <a class="mention"> when `links` ({lower-cased handle: URL}, see `profile_links`) has
    it. Only text between tags changes (and not inside links or code); the text is already
    escaped, a handle holds no markup characters and the URL is escaped, so nothing unsafe can
    be introduced."""
    links = links or {}
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
            parts[index] = MENTION_RE.sub(lambda match: _mark(match, links), part)
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

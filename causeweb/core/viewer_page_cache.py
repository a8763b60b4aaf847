"""Copies of a signed-in person's own page, for the few pages that are dear to render and that
they reload (the organizer's insights dashboard, insights/views.py).

`page_cache` serves one copy to every anonymous visitor; a signed-in page shows its viewer
(their name in the header, the staff link, a CSRF token), so it is never shared. This keeps a
copy per viewer instead, invalidated the same way (page-cache scope tokens, read before
rendering) with a short lifetime on top:

- **key**: the URL (path, query in a stable order), the viewer's id, the active language and time
  zone and the htmx headers. Another person, another language or zone, another page: another key;
- **served** only for GET/HEAD, signed in, no message waiting (a copy must neither show an old
  message nor leave a new one unshown), while every token it recorded is current and for at most
  the `timeout` the view gave (by the clock, whatever the cache backend's expiry does). The view
  re-checks who may see it before serving (the copy records what the check needs, e.g. the
  organizer's id);
- **the CSRF token**: the page is rendered with this request's token, which the copy stores as a
  marker; a hit gets the requesting request's own token in its place (and the CSRF cookie, as any
  render does), so no copy carries a token of another request.
"""

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from causeweb.core import page_cache

PREFIX = "viewer-page:"
CSRF_MARKER = b"__causeweb_csrf_token__"


def enabled(request) -> bool:
    """This request may be answered from, and its page stored as, a copy of its viewer's own."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True) or request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not len(messages.get_messages(request)))


def _key(request) -> str:
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    parts = [
        request.get_host(),
        request.path,
        repr(query),
        str(request.user.pk),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        *(request.headers.get(name, "") for name in page_cache.VARYING_HEADERS),
    ]
    return PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def lookup(request) -> dict | None:
    """The viewer's current copy of this page, {"content", "content_type", "meta"}, or None."""
    if not enabled(request):
        return None
    entry = cache.get(_key(request))
    if entry is None or time.time() >= entry["expires"]:  # the clock, not only the cache's TTL
        return None
    if not page_cache.entry_is_current(entry, page_cache.current_tokens(entry["tokens"])):
        return None
    return entry


def response_from(request, entry: dict) -> HttpResponse:
    content = entry["content"].replace(CSRF_MARKER, get_token(request).encode())
    return HttpResponse(content, content_type=entry["content_type"])


def render_context(request) -> dict:
    """Context for a page that may be stored: the CSRF token it will show, fixed now so the copy
    can swap it for a marker (templates read `csrf_token` from the context)."""
    return {"csrf_token": get_token(request)}


def store(request, response, *, context: dict, scopes, tokens: dict[str, str], meta: dict, timeout: int) -> None:
    """Keep `response` (rendered with `render_context()` in `context`) as the viewer's copy, valid
    while the `tokens` of `scopes` (`page_cache.current_tokens()`, read before rendering) hold and
    for `timeout` seconds. A token that could not be read (Redis unreachable) means no copy."""
    if not enabled(request) or timeout <= 0 or any(tokens.get(scope) is None for scope in scopes):
        return
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    content = response.content.replace(context["csrf_token"].encode(), CSRF_MARKER)
    entry = {
        "tokens": {scope: tokens[scope] for scope in scopes},
        "content": content,
        "content_type": response["Content-Type"],
        "meta": meta,
        "expires": time.time() + timeout,
    }
    cache.set(_key(request), entry, timeout=timeout)

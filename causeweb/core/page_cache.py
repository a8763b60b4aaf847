"""A server-side cache of the anonymous visitor's HTML pages, invalidated exactly.

The hot public pages (home, the campaign, event and group lists and pages) are the same for every
anonymous visitor, so their rendered HTML is kept in the fail-soft Redis cache
(`causeweb.core.cache`) and served without a query. What a page shows is named by **scopes**:
`campaign:<id>`, `event:<id>`, `group:<id>` for one object's page, and `campaigns`, `events`,
`groups` for anything that lists them. Each scope has a version token in the cache:

- while a page renders, the view and the sections it shows call `depends_on(scope, ...)`; the
  stored copy records the token of every scope it depends on;
- a write that changes what a scope shows calls `changed(scope, ...)` (directly in the service, or
  through `watch(Model, scopes)` for rows saved or deleted with the ORM); the new token is written
  in the transaction's `on_commit`, so a copy rendered from the new data always sees the new token;
- a stored copy is served only while every token it recorded is still current.

Tokens are read **before** the page renders, never after: a copy rendered from old data can then
only ever carry an old token. A page's scopes are learned on its first render, so the first
request stores its scopes without valid tokens and the second stores a servable copy. Tokens are
random (not counters), so a token lost to eviction is replaced by one no copy has seen.

`PAGE_CACHE_ENABLED` turns it off (the test suite does, except the tests of this cache, since
most tests change rows without committing). `PAGE_CACHE_SECONDS` (120 s) is a safety net only:
for text that moves with the clock ("3 minutes ago", an event that has started), for names
edited on an account (the organizer's, a commenter's) and for a `changed()` dropped while Redis
was unreachable.

Who gets a stored copy: GET/HEAD, not signed in, no session and no messages cookie (a guest who
signed has a session and sees "check your inbox", never the shared copy). What is stored: 200
text/html responses that set no cookie and no `Cache-Control` of their own. The per-visitor parts
of those pages (the petition's sign form and the RSVP form with their CSRF token) are loaded as
fragments of their own, so the shared HTML uses no token.
"""

from __future__ import annotations

import contextvars
import hashlib
import uuid
from collections.abc import Callable, Iterable
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

ENTRY_PREFIX = "page:"
TOKEN_PREFIX = "page-scope:"
VALUE_PREFIX = "page-value:"
HIT_HEADER = "X-Page-Cache"
# Set on the request by PageCacheMiddleware's lookup, and on the response by `cached_page` for the
# middleware to store.
EARLY_LOOKUP_ATTR = "_page_cache_lookup"
PENDING_COPY_ATTR = "_page_cache_copy"
CACHED_VIEW_ATTR = "page_cached"
# Request headers that change what a view renders (htmx asks for fragments of some pages).
VARYING_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted", "HX-History-Restore-Request")

_collecting: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("page_cache_scopes", default=None)


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 120))


# Declaring and invalidating ---------------------------------------------------------------------


def depends_on(*scopes: str) -> None:
    """The page being rendered shows what these scopes name (no-op outside a cached view)."""
    collected = _collecting.get()
    if collected is not None:
        collected.update(scopes)


def _bump(scopes: tuple[str, ...]) -> None:
    cache.set_many({TOKEN_PREFIX + scope: uuid.uuid4().hex for scope in scopes}, timeout=None)


def changed(*scopes: str, using: str | None = None) -> None:
    """What these scopes show has changed: new tokens once the current transaction commits
    (at once outside a transaction; never when it rolls back)."""
    scopes = tuple(sorted({s for s in scopes if s}))
    if scopes:
        transaction.on_commit(partial(_bump, scopes), using=using)


def watch(model, scopes: Callable[[object], Iterable[str]]) -> None:
    """Call `changed(*scopes(row))` whenever a row of `model` is saved or deleted with the ORM.
    (`QuerySet.update()` sends no signal: a service that updates shown fields that way calls
    `changed()` itself.) Signals are our rule's one allowed use here: cache invalidation."""

    def receiver(sender, instance, using=None, **kwargs):
        changed(*scopes(instance), using=using)

    uid = f"page_cache:{model._meta.label}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def _current_tokens(scopes: Iterable[str]) -> dict[str, str]:
    """{scope: token} for the scopes, creating a token for one that has none. A scope whose token
    cannot be read (Redis unreachable) is missing from the answer."""
    keys = {TOKEN_PREFIX + scope: scope for scope in scopes}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return {keys[key]: token for key, token in found.items()}


def cached_value(name: str, *, scopes: Iterable[str], compute: Callable[[], object], timeout: int | None = None):
    """A value shared by many pages (the campaign list's tag cloud), cached under the same exact
    invalidation as the pages: valid while the tokens of `scopes`, read before computing, hold.
    `timeout` (default PAGE_CACHE_SECONDS) is the safety net's length, for a value whose every
    change renews one of its scopes' tokens and so can be kept longer."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return compute()
    scopes = sorted(set(scopes))
    before = _current_tokens(scopes)
    entry = cache.get(VALUE_PREFIX + name)
    if entry is not None and all(before.get(s) is not None and before.get(s) == entry["tokens"].get(s) for s in scopes):
        return entry["value"]
    value = compute()
    if all(s in before for s in scopes):
        kept = page_cache_seconds() if timeout is None else timeout
        cache.set(VALUE_PREFIX + name, {"tokens": before, "value": value}, timeout=kept)
    return value


# Serving ----------------------------------------------------------------------------------------


def request_is_shared(request) -> bool:
    """True when this request may be answered with the copy every anonymous visitor gets."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True) or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def request_key(request, *extra: str) -> str:
    """The stored copy's key: the URL (host, path, query in a stable order), the visitor's language
    (dates and money are rendered in it), the `tz` cookie (an anonymous visitor's time zone is the
    one it names) and the htmx headers. It is read from the request alone, so the early lookup in
    `PageCacheMiddleware` (before `LocaleMiddleware` has run) and the view compute the same key:
    for a visitor who is not signed in, the language `LocaleMiddleware` activates is the one
    `get_language_from_request` reads from the cookie and Accept-Language."""
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        repr(query),
        translation.get_language_from_request(request) or "",
        request.COOKIES.get("tz", ""),
        *(request.headers.get(name, "") for name in VARYING_HEADERS),
        *extra,
    ]
    return ENTRY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def current_tokens(scopes: Iterable[str]) -> dict[str, str]:
    """{scope: token} now (see `_current_tokens`); read them *before* rendering what they guard."""
    return _current_tokens(scopes)


def entry_is_current(entry: dict, tokens: dict[str, str]) -> bool:
    """A stored copy may be served: every token it recorded is known and still the current one."""
    return all(token is not None and tokens.get(s) == token for s, token in entry["tokens"].items())


def collect_scopes(initial: Iterable[str] = ()):
    """Start collecting the scopes `depends_on()` declares; returns (reset_token, the set)."""
    scopes = set(initial)
    return _collecting.set(scopes), scopes


def stop_collecting(reset_token) -> None:
    _collecting.reset(reset_token)


def response_from_entry(entry: dict) -> HttpResponse:
    return _from_entry(entry)


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and response.get("Content-Type", "").startswith("text/html")
    )


def _from_entry(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    for name, value in entry.get("headers", {}).items():
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


# Headers of a stored copy that the middlewares outside PageCacheMiddleware set on every response
# (ETag, Cache-Control, Vary: Cookie, security headers, the request id): they are set again on a hit.
_OUTER_HEADERS = frozenset(
    h.lower()
    for h in ("Date", "ETag", "Cache-Control", "Expires", "Last-Modified", "Set-Cookie", "Content-Length",
              "X-Request-ID", HIT_HEADER)
)  # fmt: skip


def _served_by_cached_view(path: str) -> bool:
    """Only the paths of `cached_page` views are looked up (a lookup elsewhere, /healthz or the
    API, would be a cache read for nothing)."""
    try:
        return getattr(resolve(path).func, CACHED_VIEW_ATTR, False)
    except Resolver404:
        return False


class PageCacheMiddleware:
    """Answers an anonymous visitor from the page cache before the session, locale, CSRF, auth,
    CSP and other middlewares run, as Django's FetchFromCacheMiddleware does: a hit then costs a
    key, two cache reads and a response. It sits after `HttpCachePolicyMiddleware` and
    `ConditionalGetMiddleware`, which still give the hit its Cache-Control, Vary and ETag/304.
    A copy is stored on the way out with the headers the inner middlewares added
    (Content-Language, Vary: Accept-Language, the CSP, X-Frame-Options...), so a hit carries them
    too. Only views wrapped in `cached_page` hand a copy back to store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (request_is_shared(request) and _served_by_cached_view(request.path_info)):
            return self.get_response(request)
        key = request_key(request)
        entry = cache.get(key)
        before: dict[str, str] = {}
        if entry is not None:
            before = _current_tokens(entry["tokens"])
            if all(token is not None and before.get(s) == token for s, token in entry["tokens"].items()):
                return _from_entry(entry)
        setattr(request, EARLY_LOOKUP_ATTR, (key, before))
        response = self.get_response(request)
        copy = getattr(response, PENDING_COPY_ATTR, None)
        if copy is not None and _storable(response):
            copy["headers"] = {name: value for name, value in response.items() if name.lower() not in _OUTER_HEADERS}
            cache.set(key, copy, timeout=page_cache_seconds())
        return response


def cached_page(view):
    """Serve `view` from the page cache to anonymous visitors (see the module docstring). The view
    declares what it shows with `depends_on()`; a view that declares nothing is never stored.

    With `PageCacheMiddleware` installed (settings), the lookup and the storing happen there, so a
    hit skips the rest of the middleware stack and the URL resolver; the decorator then only
    renders and hands the copy to store back on the response. Without it, it does both itself."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request_is_shared(request):
            return view(request, *args, **kwargs)
        early = getattr(request, EARLY_LOOKUP_ATTR, None)
        if early is not None:
            # PageCacheMiddleware looked it up already (a miss) and read the tokens it knew of.
            key, before = early
        else:
            key, before = request_key(request), {}
            entry = cache.get(key)
            if entry is not None:
                before = _current_tokens(entry["tokens"])
                if all(token is not None and before.get(s) == token for s, token in entry["tokens"].items()):
                    return _from_entry(entry)
        collecting = _collecting.set(set())
        try:
            response = view(request, *args, **kwargs)
            scopes = _collecting.get()
        finally:
            _collecting.reset(collecting)
        if scopes and _storable(response):
            copy = {
                # A token read only after rendering could be newer than the data: not stored.
                "tokens": {scope: before.get(scope) for scope in sorted(scopes)},
                "content": response.content,
                "content_type": response["Content-Type"],
                "headers": {},
            }
            if early:
                setattr(response, PENDING_COPY_ATTR, copy)
            else:
                cache.set(key, copy, timeout=page_cache_seconds())
        response[HIT_HEADER] = "miss"
        return response

    setattr(wrapper, CACHED_VIEW_ATTR, True)
    return wrapper

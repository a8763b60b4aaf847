"""The page cache (causeweb/core/page_cache.py) for public API reads: an anonymous GET of a list
is the same JSON for everyone, so it is kept and invalidated exactly like the HTML pages.

`cached_api_response("campaigns")` wraps a viewset action. It runs inside DRF's `dispatch`, after
authentication, permissions and **throttling** (`APIView.initial`), so a hit still counts against
the caller's rate and a request over it still answers 429. Only shared requests use it: GET or HEAD,
not authenticated (no token, no session cookie), and a JSON answer (the browsable API renders
per visitor). The key is page_cache's (scheme, host, path, query in a stable order, language,
`tz` cookie) plus the negotiated media type.

The scopes named in the decorator are known before the first render, so their tokens are read
before it and the first answer is already stored (a `depends_on()` made while serializing adds
a scope whose token was not read first: that copy is not served, as with `cached_page`). The copy
is stored once DRF has rendered the body (a post-render callback), only for a 200 that set no
cookie and no Cache-Control of its own.
"""

from __future__ import annotations

from functools import wraps

from django.core.cache import cache
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from causeweb.core import page_cache


def _shared(request) -> bool:
    if not page_cache.request_is_shared(request):
        return False
    if request.headers.get("Authorization"):
        return False
    return isinstance(getattr(request, "accepted_renderer", None), JSONRenderer)


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not response.has_header("Cache-Control")
        and response.get("Content-Type", "").startswith("application/json")
    )


def cached_api_response(*scopes: str):
    """Serve this viewset action's anonymous GETs from the page cache, valid while `scopes` hold."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, request, *args, **kwargs):
            if not _shared(request):
                return method(self, request, *args, **kwargs)
            key = page_cache.request_key(request._request, "api", request.accepted_media_type or "")
            # The copy and the tokens of the declared scopes in one round trip (a hit costs one
            # cache read besides the throttles'); a scope without a token, or one the copy learned
            # while serializing, is read (and created) by current_tokens.
            token_keys = {page_cache.TOKEN_PREFIX + scope: scope for scope in scopes}
            found = cache.get_many([key, *token_keys])
            entry = found.get(key)
            before = {scope: found[k] for k, scope in token_keys.items() if k in found}
            known = set(scopes) | set(entry["tokens"] if entry else ())
            if known - set(before):
                before = page_cache.current_tokens(sorted(known))
            if entry is not None and page_cache.entry_is_current(entry, before):
                return page_cache.response_from_entry(entry)
            reset, collected = page_cache.collect_scopes(scopes)
            try:
                response = method(self, request, *args, **kwargs)
            finally:
                page_cache.stop_collecting(reset)
            response[page_cache.HIT_HEADER] = "miss"
            if isinstance(response, Response) and response.status_code == 200:
                tokens = {scope: before.get(scope) for scope in sorted(collected)}

                def store(rendered):
                    if _storable(rendered):
                        copy = {
                            "tokens": tokens,
                            "content": rendered.content,
                            "content_type": rendered["Content-Type"],
                            "headers": {},
                        }
                        cache.set(key, copy, timeout=page_cache.page_cache_seconds())
                    return None

                response.add_post_render_callback(store)
            return response

        return wrapper

    return decorator

"""HTTP caching policy for every response: who may keep a copy, and for how long.

`ConditionalGetMiddleware` (settings) adds an `ETag` to each non-streaming response and answers a
matching `If-None-Match` with 304. This middleware then says who may store the response:

- a response that sets a cookie (the CSRF cookie, the session, the messages cookie) is **private**,
  whatever the view said: a shared cache must never hand one visitor's cookie to another;
- a signed-in person's page is **private, no-cache** (their menu, "you signed", their drafts) unless
  the view set its own policy (the embed widget, the QR code and the card images are the same for
  everyone and say `public` themselves);
- an anonymous visitor's HTML page, with no session cookie sent and no cookie set, answered 200,
  is **public, max-age=60** and varies on `Cookie`, so whoever sends a session cookie (signed in, or
  a guest with something in their session) never gets the shared copy;
- anything else (redirects, errors, JSON, a guest with a session) keeps what the view set.

It sits outside the session and CSRF middlewares (earlier in `MIDDLEWARE`) so it sees the cookies
they add on the way out.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

PUBLIC_PAGE_MAX_AGE = 60
SAFE_METHODS = ("GET", "HEAD")


def _is_signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def apply_cache_policy(request, response):
    """Set `Cache-Control` (and `Vary`) on `response` by the rules in the module docstring."""
    if request.method not in SAFE_METHODS:
        return response
    if response.cookies:
        patch_cache_control(response, private=True)
        return response
    if response.has_header("Cache-Control"):
        return response
    if _is_signed_in(request):
        patch_cache_control(response, private=True, no_cache=True)
        return response
    is_html = response.get("Content-Type", "").startswith("text/html")
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    if response.status_code == 200 and is_html and not has_session:
        patch_cache_control(response, public=True, max_age=PUBLIC_PAGE_MAX_AGE)
        patch_vary_headers(response, ("Cookie",))
    return response


class HttpCachePolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return apply_cache_policy(request, self.get_response(request))

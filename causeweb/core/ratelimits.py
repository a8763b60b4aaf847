"""One rate-limit mechanism for the platform: django-ratelimit's counters in the shared cache
(Redis in production, whose INCR is atomic; local memory in tests and the embedded mode), keyed by
the platform client address (causeweb.core.clientip), the signed-in user or the target of the
abuse (an email address), never the User-Agent.

The limits themselves, by name, live in settings.RATE_LIMITS (each overridable with a
RATE_LIMIT_<NAME> environment variable), so they are readable and tunable in one place.

Services enforce limits on who acts (a user) or whom it reaches (an email address), so the HTML
views and the API share one bucket; views add the per-address limits, which need the request.
"""

import contextlib
import contextvars
import functools
import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django_ratelimit.core import _split_rate, get_usage

from causeweb.core import cache as cache_degraded
from causeweb.core.clientip import client_ip
from causeweb.core.exceptions import RateLimited

logger = logging.getLogger(__name__)

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("ratelimits_suspended", default=False)

DEFAULT_MESSAGE = "You have done that too many times for now; please wait a while and try again."


def rate_for(name: str) -> str:
    try:
        return settings.RATE_LIMITS[name]
    except KeyError:
        raise KeyError(f"Unknown rate limit {name!r}: add it to settings.RATE_LIMITS.") from None


def ip_key(request) -> str:
    """The client address; IPv6 by /64 (one subscriber gets a whole /64 to rotate through)."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False).network_address}"
    return f"ip:{address}"


def user_key(user) -> str:
    return f"user:{user.pk}"


def email_key(email: str) -> str:
    # Cache keys are hashed by django-ratelimit too; hashing here keeps addresses out of logs.
    return "email:" + hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


@contextlib.contextmanager
def suspended():
    """No limits inside (the demo seed writes hundreds of comments as a handful of people). Never
    for requests: a context variable, so it cannot leak into another thread's request."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def exempt(function):
    """Decorator form of `suspended()`, for the demo seed functions."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with suspended():
            return function(*args, **kwargs)

    return wrapper


# While the shared cache is down, these limits count in this process's memory instead (money
# routes: each attempt creates Stripe objects, a card-testing target); every other limit fails
# open with a log line. See docs/reliability.md.
LOCAL_FALLBACK_PREFIXES = ("donation_",)
_local_counts = LocMemCache("causeweb-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _local_usage(name: str, key: str) -> dict:
    """A fixed-window counter in process memory: with N web processes the limit is at most N
    times looser than with Redis, never absent."""
    limit, period = _split_rate(rate_for(name))
    window = int(time.time() // period)
    cache_key = hashlib.sha256(f"{name}:{key}:{window}".encode()).hexdigest()
    _local_counts.add(cache_key, 0, period + 1)
    try:
        count = _local_counts.incr(cache_key)
    except ValueError:  # evicted between add and incr
        count = 1
    return {
        "should_limit": count > limit,
        "time_left": int(period - time.time() % period),
        "count": count,
        "limit": limit,
    }


def _degraded_usage(name: str, key: str) -> dict | None:
    if name.startswith(LOCAL_FALLBACK_PREFIXES):
        logger.warning("Rate-limit cache unavailable for %s; counting in process memory.", name)
        return _local_usage(name, key)
    logger.warning("Rate-limit cache unavailable for %s; allowing the action (fail open).", name)
    return None


def hit(name: str, *, key: str) -> dict | None:
    """Count one attempt against the limit `name` for `key`; the usage, with `should_limit`.
    While the cache is down (causeweb.core.cache answered without Redis, or raised), money
    limits count in process memory and the others fail open, each with a log line: never a 500."""
    if _suspended.get():
        return None
    rate = rate_for(name)
    cache_degraded.reset_degraded()
    try:
        usage = get_usage(None, group=f"causeweb:{name}", key=lambda group, request: key, rate=rate, increment=True)
    except Exception:
        return _degraded_usage(name, key)
    if cache_degraded.degraded():
        return _degraded_usage(name, key)
    return usage


def enforce(name: str, *, key: str, message: str = DEFAULT_MESSAGE) -> None:
    """Raise RateLimited when `key` is over the limit `name` (counting this attempt)."""
    usage = hit(name, key=key)
    if usage is not None and usage["should_limit"]:
        logger.info("Rate limit %s reached", name)
        raise RateLimited(message, limit=name, retry_after=max(int(usage.get("time_left") or 0), 1))


def enforce_ip(name: str, request, *, message: str = DEFAULT_MESSAGE) -> None:
    enforce(name, key=ip_key(request), message=message)


def enforce_user(name: str, user, *, message: str = DEFAULT_MESSAGE) -> None:
    if getattr(user, "is_authenticated", False):
        enforce(name, key=user_key(user), message=message)


def enforce_email(name: str, email: str, *, message: str = DEFAULT_MESSAGE) -> None:
    if email:
        enforce(name, key=email_key(email), message=message)


# --- HTML: an uncaught RateLimited is a 429 page ---------------------------------------------------


class RateLimitedMiddleware:
    """A limit a view did not turn into a form error still answers 429 with the message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        from django.shortcuts import render

        response = render(request, "429.html", {"message": exception.message}, status=429)
        if exception.retry_after:
            response["Retry-After"] = str(exception.retry_after)
        return response


# --- API: DRF throttles identify clients by the same address ---------------------------------------

from rest_framework import throttling  # noqa: E402


class ClientIPIdentMixin:
    def get_ident(self, request):
        return ip_key(request)

    def allow_request(self, request, view):
        """Fail open, with a log line, while the cache is down (never a 500 for an API read)."""
        cache_degraded.reset_degraded()
        try:
            allowed = super().allow_request(request, view)
        except Exception:
            logger.warning("Throttle cache unavailable; allowing the API request (fail open).")
            return True
        if cache_degraded.degraded():
            logger.warning("Throttle cache unavailable; allowing the API request (fail open).")
            return True
        return allowed


class AnonThrottle(ClientIPIdentMixin, throttling.AnonRateThrottle):
    pass


class UserThrottle(ClientIPIdentMixin, throttling.UserRateThrottle):
    pass


class ScopedThrottle(ClientIPIdentMixin, throttling.ScopedRateThrottle):
    pass


class ClientIPThrottle(ClientIPIdentMixin, throttling.SimpleRateThrottle):
    """Every request from one client address, signed in or not (rate `ip`): many accounts or
    tokens behind one address share it, beside the per-person `user` rate."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

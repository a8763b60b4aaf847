"""One rate-limit mechanism for the platform: django-ratelimit's counters in the shared cache
(Redis in production, whose INCR is atomic; local memory in tests and the embedded mode), keyed by
the platform client address (causeweb.core.clientip), the signed-in user or the target of the
abuse (an email address), never the User-Agent.

The limits themselves, by name, live in settings.RATE_LIMITS (each overridable with a
RATE_LIMIT_<NAME> environment variable), so they are readable and tunable in one place.

Moderators see and adjust them in admin (causeweb/core/abuse.py, models RateLimitHit and
RateLimitOverride):
- every refused attempt is recorded (a row per limit, key and hour, upserted) at the end of the
  request (RateLimitedMiddleware): a refusal usually rolls back the service's transaction, and the
  record must survive it. Outside a request (a task, a shell) at once. Fail soft: never a 500.
- an override gives a key (a person, an address) or a scope (the campaign a guest signs:
  `scope_for(campaign)`) another rate, or lifts the limit; cached. The key is still the platform's
  client address, so a forged X-Forwarded-For cannot claim somebody else's override.

Services enforce limits on who acts (a user) or whom it reaches (an email address), so the HTML
views and the API share one bucket; views add the per-address limits, which need the request.
"""

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import _split_rate, get_usage

from causeweb.core import abuse
from causeweb.core import cache as cache_degraded
from causeweb.core.clientip import client_ip
from causeweb.core.exceptions import RateLimited

logger = logging.getLogger(__name__)

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("ratelimits_suspended", default=False)
# Refused attempts of the current request, recorded when it ends (None: not in a request).
_pending_hits: contextvars.ContextVar[list | None] = contextvars.ContextVar("ratelimits_pending_hits", default=None)
LIFTED = abuse.LIFTED

DEFAULT_MESSAGE = _("You have done that too many times for now; please wait a while and try again.")


def rate_for(name: str) -> str:
    try:
        return settings.RATE_LIMITS[name]
    except KeyError:
        raise KeyError(f"Unknown rate limit {name!r}: add it to settings.RATE_LIMITS.") from None


@dataclasses.dataclass(frozen=True)
class LimitHit:
    """One refused attempt: which limit, whose key (ip:, user:, email:), when, in what scope."""

    limit: str
    key: str
    at: float
    scope: str | None = None


def scope_for(obj) -> str:
    """The scope string of a model instance, e.g. "campaigns.campaign:12" (for overrides)."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def effective_rate(name: str, *, key: str, scope: str | None = None) -> str:
    """The rate that applies to `key` (in `scope`): an override's, else the setting. Overrides that
    cannot be read (database or cache down) are ignored, with a log line: the setting applies."""
    try:
        override = abuse.override_rate(name=name, key=key, scope=scope)
    except Exception:
        logger.warning("Rate-limit overrides unavailable for %s; using the configured rate.", name, exc_info=True)
        override = None
    return override or rate_for(name)


def _record(hit_: LimitHit) -> None:
    pending = _pending_hits.get()
    if pending is not None:
        pending.append(hit_)
    else:
        record_hits([hit_])


def record_hits(hits: list) -> None:
    """Record refused attempts; never raises (a record is not worth a 500)."""
    if not hits:
        return
    try:
        abuse.record_hits(hits)
    except Exception:
        logger.warning("Could not record %d rate-limit hit(s).", len(hits), exc_info=True)


def ip_key(request) -> str:
    """The client address; IPv6 by /64 (one subscriber gets a whole /64 to rotate through)."""
    return abuse.ip_subject(client_ip(request))


def user_key(user) -> str:
    return f"user:{user.pk}"


def email_key(email: str) -> str:
    # Cache keys are hashed by django-ratelimit too; hashing here keeps addresses out of logs.
    return abuse.email_subject(email)


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


def _local_usage(name: str, key: str, rate: str | None = None) -> dict:
    """A fixed-window counter in process memory: with N web processes the limit is at most N
    times looser than with Redis, never absent."""
    limit, period = _split_rate(rate or rate_for(name))
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


def _degraded_usage(name: str, key: str, rate: str | None = None) -> dict | None:
    if name.startswith(LOCAL_FALLBACK_PREFIXES):
        logger.warning("Rate-limit cache unavailable for %s; counting in process memory.", name)
        return _local_usage(name, key, rate)
    logger.warning("Rate-limit cache unavailable for %s; allowing the action (fail open).", name)
    return None


def hit(name: str, *, key: str, rate: str | None = None) -> dict | None:
    """Count one attempt against the limit `name` (at `rate`, by default the setting's) for `key`;
    the usage, with `should_limit`. While the cache is down (causeweb.core.cache answered without
    Redis, or raised), money limits count in process memory and the others fail open, each with a
    log line: never a 500."""
    if _suspended.get():
        return None
    rate = rate or rate_for(name)
    cache_degraded.reset_degraded()
    try:
        usage = get_usage(None, group=f"causeweb:{name}", key=lambda group, request: key, rate=rate, increment=True)
    except Exception:
        return _degraded_usage(name, key, rate)
    if cache_degraded.degraded():
        return _degraded_usage(name, key, rate)
    return usage


def enforce(name: str, *, key: str, message: str = DEFAULT_MESSAGE, scope: str | None = None) -> None:
    """Raise RateLimited when `key` is over the limit `name` (counting this attempt), at the rate
    an override gives it (`scope`: what it acts on, see scope_for); the refusal is recorded."""
    if _suspended.get():
        return
    rate = effective_rate(name, key=key, scope=scope)
    if rate == LIFTED:
        return
    usage = hit(name, key=key, rate=rate)
    if usage is not None and usage["should_limit"]:
        logger.info("Rate limit %s reached", name)
        _record(LimitHit(limit=name, key=key, at=time.time(), scope=scope))
        raise RateLimited(message, limit=name, retry_after=max(int(usage.get("time_left") or 0), 1))


def enforce_ip(name: str, request, *, message: str = DEFAULT_MESSAGE, scope: str | None = None) -> None:
    enforce(name, key=ip_key(request), message=message, scope=scope)


def enforce_user(name: str, user, *, message: str = DEFAULT_MESSAGE) -> None:
    if getattr(user, "is_authenticated", False):
        enforce(name, key=user_key(user), message=message)


def enforce_email(name: str, email: str, *, message: str = DEFAULT_MESSAGE, scope: str | None = None) -> None:
    if email:
        enforce(name, key=email_key(email), message=message, scope=scope)


# --- HTML: an uncaught RateLimited is a 429 page ---------------------------------------------------


class RateLimitedMiddleware:
    """A limit a view did not turn into a form error still answers 429 with the message; the
    request's refused attempts are recorded once it is over (outside the view's transactions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending: list = []
        token = _pending_hits.set(pending)
        try:
            return self.get_response(request)
        finally:
            _pending_hits.reset(token)
            record_hits(pending)

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
    """Per account. An anonymous caller is the `anon` rate's: DRF's default would count them by
    address here too, a second copy of the anon counter costing two more cache round trips on
    every anonymous request (the page-cached API list's hits among them)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ScopedThrottle(ClientIPIdentMixin, throttling.ScopedRateThrottle):
    pass


class ClientIPThrottle(ClientIPIdentMixin, throttling.SimpleRateThrottle):
    """Every request from one client address, signed in or not (rate `ip`): many accounts or
    tokens behind one address share it, beside the per-person `user` rate."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

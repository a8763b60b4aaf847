"""An optional read replica (`DATABASE_REPLICA_URL`) for the heavy public reads.

Only reads that opt in go to the replica: the selectors behind the public browse pages and the home
page's sections, decorated with `@public_read` (a page listing campaigns, events or groups to
anonymous visitors can be a second or so behind). Everything else reads the primary, and so does
every write. A public read still goes to the primary when:

- the replica is not configured (`DATABASE_REPLICA_ENABLED` off): one database, nothing changes;
- the replica is down: connecting failed within the last `REPLICA_RETRY_SECONDS` (a breaker, so
  visitors do not each wait for the connect timeout); logged once per period;
- we are inside a transaction on the primary (a service reading what it just wrote);
- this request (or this task, outside a request) has written: read-after-write;
- this browser wrote within the last `REPLICA_STICKY_SECONDS` (the `cw_primary` cookie set by
  `ReplicaPinMiddleware` after a write): a person who signs a petition and is redirected to the
  campaign list sees their signature even if the replica lags.

A selector returning a lazy QuerySet gets it bound to the chosen database with `.using()`, so the
query runs where it was decided even when a template evaluates it later; prefetches and related
objects follow the instances' database. Writes through such instances (`save()`, related managers)
still go to the primary (`db_for_write`). Tests: tests/core/test_replica.py.
"""

import contextvars
import functools
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

PRIMARY, REPLICA = "default", "replica"
PIN_COOKIE = "cw_primary"

_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica_read_alias", default=None)
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_pinned", default=False)
_replica_down_until = 0.0


def enabled() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_ENABLED", False)) and REPLICA in settings.DATABASES


def pin_to_primary() -> None:
    """Send this context's later public reads to the primary (after a write)."""
    _pinned.set(True)


def reset(*, pinned: bool = False) -> None:
    """A new request starts unpinned, unless its browser wrote a moment ago."""
    _pinned.set(pinned)
    _read_alias.set(None)


def pinned() -> bool:
    return _pinned.get()


def _replica_up() -> bool:
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "read replica unavailable (%s); public reads go to the primary for %s s",
            exc.__class__.__name__,
            settings.REPLICA_RETRY_SECONDS,
        )
        return False
    return True


def read_alias() -> str:
    """Where a public read runs now (see the module docstring for the rules)."""
    if not enabled() or _pinned.get() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA if _replica_up() else PRIMARY


def public_read(selector):
    """Mark a selector whose result may be a moment stale: it reads the replica when it can."""

    @functools.wraps(selector)
    def wrapper(*args, **kwargs):
        alias = read_alias()
        token = _read_alias.set(alias)
        try:
            result = selector(*args, **kwargs)
        finally:
            _read_alias.reset(token)
        if alias == REPLICA and isinstance(result, QuerySet) and result._db is None:
            result = result.using(alias)
        return result

    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS entry when a replica is configured. Reads follow `public_read`'s decision
    (else the primary, or the instance's own database for related objects); writes, migrations and
    anything else go to the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is not None:
            return alias
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return PRIMARY

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy made by Postgres' replication: never migrated by us.
        return db != REPLICA


class ReplicaPinMiddleware:
    """Per request: start unpinned unless the `cw_primary` cookie says this browser wrote within
    REPLICA_STICKY_SECONDS; after a request that wrote (or any unsafe method), set that cookie.
    Does nothing without a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        reset(pinned=PIN_COOKIE in request.COOKIES)
        response = self.get_response(request)
        if pinned() or request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        reset()
        return response

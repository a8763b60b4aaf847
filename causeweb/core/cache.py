"""The Redis cache, failing soft: while Redis is unreachable a read is a miss, a write is
dropped, and the request goes on (sessions are in the database; the cache only speeds things up
and counts rate limits). One failure opens a short breaker (`CACHE_BREAKER_SECONDS`, 5 s) so a
request does not wait for the socket timeout on every cache call; a warning is logged at most
once per breaker period.

`causeweb.core.ratelimits` asks `degraded()` after counting, to decide per limit what an outage
means (docs/reliability.md): money limits fall back to a counter in this process's memory, the
others fail open with a log line. DRF throttles and allauth's limits, which read and write the
cache directly, fail open.
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_FAULTS = (RedisConnectionError, RedisTimeoutError, OSError)
_degraded: contextvars.ContextVar[bool] = contextvars.ContextVar("cache_degraded", default=False)


def degraded() -> bool:
    """True when a cache call in this context was answered without Redis."""
    return _degraded.get()


def reset_degraded() -> None:
    _degraded.set(False)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every cache call, and its constructor builds
    the ~170 response callbacks each time: about 0.1 ms of CPU per call, several calls per
    request. One client per connection pool does: a `redis.Redis` is thread-safe, the pool holds
    the connections (and renews them after a fork)."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._open_until = 0.0
        self._lock = threading.Lock()

    def _breaker_seconds(self) -> float:
        return float(getattr(settings, "CACHE_BREAKER_SECONDS", 5.0))

    def _call(self, name, default, *args, **kwargs):
        if time.monotonic() < self._open_until:
            _degraded.set(True)
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _FAULTS as exc:
            _degraded.set(True)
            with self._lock:
                first = time.monotonic() >= self._open_until
                self._open_until = time.monotonic() + self._breaker_seconds()
            if first:
                logger.warning("cache unavailable (%s: %s); answering without it", type(exc).__name__, exc)
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=None, version=None):
        # True: a caller counting with add()+incr() then counts from its initial value.
        return self._call("add", True, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", [], data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)

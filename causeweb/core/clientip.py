"""The one answer to "which address is this client?" for the whole platform: rate limits, DRF
throttles, the login lockout (django-axes) and the logs all call `client_ip`.

Behind N trusted reverse proxies (TRUSTED_PROXY_COUNT), each proxy appends the address it saw to
X-Forwarded-For, so the client is the N-th entry from the right; anything further left was written
by the client and is ignored. With 0 (the default) no forwarded header is trusted at all and the
TCP peer (REMOTE_ADDR) is the client. This is the same rule as DRF's NUM_PROXIES, which settings
keep equal to TRUSTED_PROXY_COUNT.

Why not django-ipware: its 8.x `proxy_count` counts proxies *inside* the chain and, in strict mode,
returns no address at all when the client prepends its own entries (so every spoofer falls back to
the proxy's address), while non-strict mode picks the wrong hop when more than one entry is
prepended. Rotating a prepended X-Forwarded-For is exactly the attack we defend against, so the
rule is spelled out here (and tested) instead.
"""

import contextvars
import ipaddress
import logging

from django.conf import settings

UNKNOWN = "0.0.0.0"  # noqa: S104 - a bucket name for "no usable address", never bound to
_current: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="-")


def _valid(candidate: str) -> str | None:
    candidate = candidate.strip()
    if candidate.startswith("[") and "]" in candidate:  # [v6]:port
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # v4:port
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address as a normalised string (never the User-Agent, never client-chosen
    unless a trusted proxy vouched for it)."""
    meta = request.META
    remote = _valid(meta.get("REMOTE_ADDR", "") or "") or UNKNOWN
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [part for part in (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if part.strip()]
    if not forwarded:
        return remote  # reached us without passing the proxy (health checks inside the network)
    # Fewer entries than proxies: take the left-most, which a proxy still wrote (as DRF does).
    entry = forwarded[-min(hops, len(forwarded))]
    return _valid(entry) or UNKNOWN


def axes_client_ip(request, *args) -> str:
    """AXES_CLIENT_IP_CALLABLE: the same address for the login lockout."""
    return client_ip(request)


class ClientIPLogFilter(logging.Filter):
    """Adds `client_ip` to every log record (set per request by ClientIPMiddleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "client_ip"):
            record.client_ip = _current.get()
        return True


class ClientIPMiddleware:
    """Resolve the client address once per request: `request.client_ip`, and in the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        token = _current.set(request.client_ip)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

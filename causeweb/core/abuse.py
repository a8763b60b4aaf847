"""What moderators see of and do to the rate limits (causeweb/core/ratelimits.py):

- `record_hits`: refused attempts, one RateLimitHit row per (limit, key, hour) upserted with
  `count = count + 1` (a flood is one row). Keys are stored as a keyed hash (HMAC with the
  SECRET_KEY: an IPv4 address is not recoverable by hashing the 2^32 candidates without it); the
  person is linked for `user:` keys.
- `override_rate`: the moderators' RateLimitOverride rows, read from one cached table (a minute,
  and dropped whenever an override is saved or deleted), so a limited request costs no query.
"""

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from causeweb.core.hooks import AttentionItem
from causeweb.core.models import RateLimitHit, RateLimitOverride

LIFTED = "lifted"
CACHE_KEY = "ratelimit-overrides:v1"
CACHE_SECONDS = 60
ALL_LIMITS = "*"


def key_hash(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def ip_subject(address: str) -> str:
    """The rate-limit key of an address as ratelimits.ip_key makes it (IPv6 by /64)."""
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return f"ip:{ipaddress.ip_network(f'{parsed}/64', strict=False).network_address}"
    return f"ip:{parsed}"


def email_subject(email: str) -> str:
    return "email:" + hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


# --- Recording ------------------------------------------------------------------------------------


def record_hits(hits) -> None:
    """Upsert one row per (limit, key, hour) for each refused attempt (each in its own savepoint,
    so a failure loses that record only)."""
    for hit in hits:
        kind, _, rest = hit.key.partition(":")
        moment = datetime.fromtimestamp(hit.at, tz=UTC)
        hour = moment.replace(minute=0, second=0, microsecond=0)
        row = {"limit": hit.limit[:60], "key_hash": key_hash(hit.key), "hour": hour}
        bump = {"count": F("count") + 1, "last_at": moment}
        with transaction.atomic():
            if RateLimitHit.objects.filter(**row).update(**bump):
                continue
            try:
                with transaction.atomic():
                    RateLimitHit.objects.create(
                        **row,
                        key_kind=kind if kind in RateLimitHit.KeyKind.values else RateLimitHit.KeyKind.IP,
                        user_id=_existing_user_id(kind, rest),
                        scope=(hit.scope or "")[:120],
                        count=1,
                        last_at=moment,
                    )
            except IntegrityError:  # created concurrently for the same hour
                RateLimitHit.objects.filter(**row).update(**bump)


def _existing_user_id(kind: str, rest: str) -> int | None:
    if kind != "user" or not rest.isdigit():
        return None
    return get_user_model().objects.filter(pk=int(rest)).values_list("pk", flat=True).first()


# --- Overrides ------------------------------------------------------------------------------------


def _subjects(override: RateLimitOverride) -> list[str]:
    if override.user_id:
        subjects = [f"user:{override.user_id}"]
        if override.user.email:
            subjects.append(email_subject(override.user.email))
        return subjects
    if override.ip:
        return [ip_subject(override.ip)]
    return [f"{override.content_type.app_label}.{override.content_type.model}:{override.object_id}"]


def _override_table() -> dict[str, tuple[str, float | None]]:
    """{"<limit or *>|<subject>": (rate or LIFTED, expiry timestamp or None)}, cached."""
    table = cache.get(CACHE_KEY)
    if table is not None:
        return table
    table = {}
    active = RateLimitOverride.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    for override in active.select_related("user", "content_type").order_by("created_at"):
        expiry = override.expires_at.timestamp() if override.expires_at else None
        for subject in _subjects(override):
            table[f"{override.limit or ALL_LIMITS}|{subject}"] = (override.rate or LIFTED, expiry)
    cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def override_rate(*, name: str, key: str, scope: str | None = None) -> str | None:
    """The override for `key` (then for `scope`), the limit's own before an every-limit one:
    a rate, LIFTED, or None (the setting applies)."""
    table = _override_table()
    if not table:
        return None
    now = timezone.now().timestamp()
    for subject in (key, scope):
        if not subject:
            continue
        for limit in (name, ALL_LIMITS):
            found = table.get(f"{limit}|{subject}")
            if found is not None and (found[1] is None or found[1] > now):
                return found[0]
    return None


def overrides_changed(**kwargs) -> None:
    """post_save / post_delete of an override (connected in CoreConfig.ready): read them again."""
    cache.delete(CACHE_KEY)


# --- The admin dashboard ---------------------------------------------------------------------------


def admin_attention(*, user) -> AttentionItem | None:
    """People and addresses refused by a limit in the last 24 hours, for whoever sees the hits."""
    if not (getattr(user, "is_active", False) and user.has_perm("core.view_ratelimithit")):
        return None
    since = timezone.now() - timedelta(hours=24)
    keys = RateLimitHit.objects.filter(hour__gte=since).values("key_hash").distinct().count()
    url = reverse("admin:core_ratelimithit_changelist")
    return AttentionItem("People or addresses stopped by a rate limit (24 h)", keys, url, "content")

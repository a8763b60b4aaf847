"""Webhooks out: an organizer registers a URL for their campaign's events; each event becomes one
delivery per subscribed endpoint, written in the transaction that made the event (an outbox, so
a rolled-back donation tells nobody) and sent after commit by `campaigns.tasks.deliver_webhook`,
retried with backoff. Nothing here runs in the request that caused the event.

Events come from this app (`signature.confirmed`) and from the apps above it, which call
`webhook_event_emit` (a downward call: fundraising and events depend on campaigns, never the
reverse). Payloads carry no email addresses: names only where the person chose to be shown.

A delivery is a POST of JSON with headers `Causeweb-Event`, `Causeweb-Delivery` (the event id,
the same for every endpoint told of it) and `Causeweb-Signature: t=<unix time>,v1=<hex>`, where
v1 = HMAC-SHA256(endpoint secret, f"{t}.{body}") (docs/api.md: how partners verify it)."""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from campaigns import policies, tasks
from campaigns.models import Campaign, WebhookDelivery, WebhookEndpoint
from causeweb.core import outbox
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError

# The event types, for the apps above that emit them (they do not import campaigns' models).
SIGNATURE_CONFIRMED = WebhookEndpoint.EventType.SIGNATURE_CONFIRMED.value
DONATION_SUCCEEDED = WebhookEndpoint.EventType.DONATION_SUCCEEDED.value
RSVP_CREATED = WebhookEndpoint.EventType.RSVP_CREATED.value
RSVP_CANCELLED = WebhookEndpoint.EventType.RSVP_CANCELLED.value
EVENT_CANCELLED = WebhookEndpoint.EventType.EVENT_CANCELLED.value
EVENT_NAMESPACE = uuid.UUID("8f5e2a0c-3d1b-4c36-9a57-2b9c0e6f4d11")
MAX_ENDPOINTS_PER_CAMPAIGN = 5
SIGNATURE_HEADER = "Causeweb-Signature"


def _refuse_url(url: str) -> None:
    """https only and public addresses only, outside LOCAL (tests and the embedded mode may use a
    loopback server): the server makes the request, so a URL must not reach our own network."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except Exception:
        raise ValidationError({"url": gettext("Enter a full URL, like https://example.org/hooks/causeweb.")})
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not settings.WEBHOOKS_ALLOW_HTTP:
        raise ValidationError({"url": gettext("Use an https:// URL.")})
    if parts.username or parts.password:
        raise ValidationError({"url": gettext("Put no credentials in the URL; verify our signature instead.")})
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError):
        raise ValidationError({"url": gettext("That host name does not resolve.")})
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise ValidationError({"url": gettext("That URL points to a private or local address.")})


def _require_organizer(campaign: Campaign, actor) -> None:
    if not policies.is_organizer(actor, campaign):
        raise PermissionDenied(gettext("Only the campaign's organizer manages its webhooks."))


@transaction.atomic
def webhook_endpoint_create(*, campaign: Campaign, actor, url: str, event_types) -> WebhookEndpoint:
    """The organizer registers a URL for some of the campaign's events; a new secret is made."""
    _require_organizer(campaign, actor)
    url = (url or "").strip()
    event_types = sorted(set(event_types or []))
    if not event_types or not set(event_types) <= set(WebhookEndpoint.EventType.values):
        raise ValidationError({"event_types": gettext("Choose at least one of the events.")})
    _refuse_url(url)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one count at a time
    active = WebhookEndpoint.objects.filter(campaign=campaign, is_active=True)
    if active.count() >= MAX_ENDPOINTS_PER_CAMPAIGN:
        raise Conflict(
            gettext("A campaign has at most %(max)d webhooks.") % {"max": MAX_ENDPOINTS_PER_CAMPAIGN},
            code="too_many_webhooks",
        )
    if active.filter(url=url).exists():
        raise Conflict(gettext("This URL is already registered for this campaign."), code="duplicate_webhook")
    return WebhookEndpoint.objects.create(
        campaign=campaign,
        url=url,
        event_types=event_types,
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=actor,
    )


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """Stop sending to it (its deliveries stay visible); pending ones are not sent."""
    _require_organizer(endpoint.campaign, actor)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    endpoint.is_active = False
    return endpoint


def webhook_event_emit(*, campaign_id: int | None, event_type: str, data: dict, event_key: str) -> int:
    """Record one delivery per active endpoint of the campaign subscribed to `event_type` and send
    each after commit. `event_key` names the event ("donation:42"): the same key gives the same
    event id, so a service retried after a failure does not tell a partner twice. Returns how many
    deliveries were recorded. Call it inside the transaction that makes the event."""
    if campaign_id is None:
        return 0
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(campaign_id=campaign_id, is_active=True)
        if event_type in endpoint.event_types
    ]
    if not endpoints:
        return 0
    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{event_type}:{event_key}")
    campaign_slug = Campaign.objects.filter(pk=campaign_id).values_list("slug", flat=True).first()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "campaign": campaign_slug,
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event_id=event_id, event_type=event_type, payload=payload) for e in endpoints],
        ignore_conflicts=True,
    )
    fresh = WebhookDelivery.objects.filter(event_id=event_id, status=WebhookDelivery.Status.PENDING, attempts=0)
    for delivery_id in fresh.values_list("pk", flat=True):
        outbox.enqueue(tasks.deliver_webhook, delivery_id)  # kept in Postgres if the broker is down
    return len(endpoints)


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `v1` value of the signature header: hex HMAC-SHA256 of "<timestamp>.<body>"."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (a failed delivery), never followed: it could lead inside our network."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def webhook_delivery_attempt(*, delivery_id: int) -> bool:
    """Send one delivery once (no transaction open while the partner answers). True when done
    (delivered, or nothing left to do: already delivered, endpoint disabled); False when this
    attempt failed and a retry should follow. Locks the delivery row only to record the outcome."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return True
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, last_error="Disabled"
        )
        return True
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    signature = webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Causeweb-Webhooks/1",
        "Causeweb-Event": delivery.event_type,
        "Causeweb-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: f"t={timestamp},v1={signature}",
    }
    status_code, error = None, ""
    try:
        _refuse_url(endpoint.url)  # again: the name may resolve elsewhere than when it was registered
        request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")  # noqa: S310
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except ValidationError as exc:
        error = "; ".join(m for ms in exc.message_dict.values() for m in ms)[:300]
    except urllib.error.URLError as exc:
        error = f"Could not connect: {exc.reason}"[:300]
    except TimeoutError:
        error = f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} seconds."
    except (OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    delivered = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.attempts += 1
        locked.last_status_code = status_code
        locked.last_error = "" if delivered else (error or f"HTTP {status_code}")
        if delivered:
            locked.status, locked.delivered_at = WebhookDelivery.Status.SUCCEEDED, timezone.now()
        locked.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at"])
    return delivered


def webhook_delivery_ids_stalled(*, now=None, older_than_minutes: int = 10, limit: int = 500) -> list[int]:
    """Pending deliveries never tried, recorded more than a few minutes ago (their task was lost)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=older_than_minutes)
    stalled = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts=0, created_at__lt=cutoff, endpoint__is_active=True
    )
    return list(stalled.order_by("created_at").values_list("pk", flat=True)[:limit])


def webhook_delivery_give_up(*, delivery_id: int) -> None:
    """After the last retry: the delivery shows as failed in the organizer's settings."""
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED
    )

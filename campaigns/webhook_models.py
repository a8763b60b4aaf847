"""Webhooks out: a URL an organizer registered for their campaign's events, and each delivery to
it (written in the transaction that made the event, sent after commit: campaigns.services.webhooks).
Registered through campaigns.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """A URL the organizer registered for their campaign's events, signed with `secret` (HMAC-SHA256)."""

    class EventType(models.TextChoices):
        SIGNATURE_CONFIRMED = "signature.confirmed", _("A signature counts")
        DONATION_SUCCEEDED = "donation.succeeded", _("A donation succeeded")
        RSVP_CREATED = "rsvp.created", _("Someone RSVPed to one of its events")
        RSVP_CANCELLED = "rsvp.cancelled", _("An RSVP was cancelled")
        EVENT_CANCELLED = "event.cancelled", _("One of its events was cancelled")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    event_types = models.JSONField(default=list, help_text=_("Which EventType values to send."))
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "is_active"], name="webhook_endpoint_campaign")]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction that made the event (an outbox),
    sent after commit by a Celery task, retried with backoff until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(help_text=_("The same for every endpoint told of one event (partners dedupe on it)."))
    event_type = models.CharField(max_length=40, choices=WebhookEndpoint.EventType.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self):
        return f"{self.event_type} {self.event_id} ({self.status})"

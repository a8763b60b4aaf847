from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from causeweb.notifications import texts
from causeweb.notifications.kinds import Kind


class Notification(models.Model):
    """One thing someone is told about: shown in-app (when they have an account) and emailed.
    `dedupe_key` is unique, so the same event never notifies twice however often it is raised.

    Email life cycle (see delivery.py for why it is shaped like this):
    pending -> sending (claimed by one worker, `claimed_at` set) -> sent;
    sending -> pending again on a transient error (retried with backoff) or when the claim goes
    stale because the worker died (the sweep re-queues it); -> failed after N attempts or on a
    permanent error (admin can retry); `skipped` when preferences say no; `digest` while it waits
    for the person's daily digest.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("Waiting for the daily digest")
        SKIPPED = "skipped", _("Skipped (preferences)")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    email = models.EmailField(help_text="Where email goes; the account's address or a guest's.")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    # The language of the page where a guest (no account) acted, when the caller knew it: their
    # email's language. An account's own `User.language` wins (delivery.recipient_language).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed the email for sending (status 'sending')."
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="The sweep leaves a pending email alone until then (retry backoff)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_recipient_unread"),
            models.Index(fields=["created_at"], condition=Q(email_status="pending"), name="notif_email_pending"),
            models.Index(fields=["claimed_at"], condition=Q(email_status="sending"), name="notif_email_sending"),
            models.Index(fields=["recipient"], condition=Q(email_status="digest"), name="notif_email_digest"),
            models.Index(fields=["-created_at"], condition=Q(email_status="failed"), name="notif_email_failed"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def text(self, field: str, *, tz: str | None = None) -> str:
        """`title`, `body` or an extra, in the active language when the caller stored a message
        (texts.py); the stored text otherwise (user content, callers that pass plain strings)."""
        value = self.context.get(field) if isinstance(self.context, dict) else None
        if texts.is_message(value):
            return texts.render(value, tz=tz)
        return getattr(self, field, "") if field in ("title", "body") else ("" if value is None else str(value))

    @property
    def display_title(self) -> str:
        return self.text("title")

    @property
    def display_body(self) -> str:
        return self.text("body")


class NotificationPreference(models.Model):
    """A person's choice for one kind. No row means the default: email each one as it happens.
    Mandatory kinds (receipts, security) ignore these rows; the service refuses to store them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    email_enabled = models.BooleanField(default=True)
    daily_digest = models.BooleanField(default=False, help_text="Collect these into one email a day instead.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_one_per_user_kind")]

    def __str__(self):
        return f"{self.user_id} {self.kind}: email={self.email_enabled} digest={self.daily_digest}"


class GuestOptOut(models.Model):
    """A person without an account (RSVP or signature by email) said "no more of these".
    `email` is stored lower-cased."""

    email = models.EmailField()
    kind = models.CharField(max_length=40, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "kind"], name="notif_guest_optout_unique")]

    def __str__(self):
        return f"{self.email} opted out of {self.kind}"


class DigestRun(models.Model):
    """One daily digest for one person on one date. The unique constraint is what makes a beat
    that fires twice (or two beat processes) send a single digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs")
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="notif_digest_once_per_day")]

    def __str__(self):
        return f"Digest for {self.user_id} on {self.date}"

"""Platform records that belong to no product app: the transactional outbox (a task to queue,
written in the same transaction as the change it follows, relayed to Celery after commit or by the
sweep: causeweb/core/outbox.py); who hit the rate limits, and the moderators' overrides of them
(causeweb/core/abuse.py, read by causeweb/core/ratelimits.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import _split_rate


class RateLimitHit(models.Model):
    """Refused attempts of one key against one limit in one hour (a row upserted per hit, so a
    flood is one row, not thousands). Addresses are stored only as a keyed hash."""

    class KeyKind(models.TextChoices):
        IP = "ip", _("Address")
        USER = "user", _("Person")
        EMAIL = "email", _("Email address")

    limit = models.CharField(max_length=60)
    key_kind = models.CharField(max_length=10, choices=KeyKind.choices)
    key_hash = models.CharField(max_length=64, help_text=_("Keyed hash of the address, person or email."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(max_length=120, blank=True, help_text=_("What was acted on, e.g. campaigns.campaign:12."))
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rate-limit hit")
        ordering = ["-hour", "-count"]
        constraints = [models.UniqueConstraint(fields=["limit", "key_hash", "hour"], name="ratelimithit_once_per_hour")]
        indexes = [models.Index(fields=["-hour"], name="ratelimithit_recent")]

    def __str__(self):
        return f"{self.limit} × {self.count} ({self.get_key_kind_display()}, {self.hour:%Y-%m-%d %H}h)"


class RateLimitOverride(models.Model):
    """A moderator's exception to a limit: lifted (no rate) or another rate, for one person, one
    address, or everything acting on one object (a busy campaign), until it expires."""

    limit = models.CharField(max_length=60, blank=True, help_text=_("Empty: every limit."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True, help_text=_("An IPv6 address covers its /64."))
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    rate = models.CharField(max_length=20, blank=True, help_text=_('Empty: no limit. Else e.g. "200/h".'))
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: until removed."))

    class Meta:
        verbose_name = _("rate-limit override")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, ip__isnull=True, content_type__isnull=True)
                    | Q(user__isnull=True, ip__isnull=False, content_type__isnull=True)
                    | Q(user__isnull=True, ip__isnull=True, content_type__isnull=False, object_id__isnull=False)
                ),
                name="ratelimitoverride_one_subject",
            )
        ]

    def __str__(self):
        what = self.rate or "lifted"
        return f"{self.limit or 'every limit'}: {what} for {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.user_id:
            return str(self.user)
        if self.ip:
            return self.ip
        return (
            f"{self.content_type.app_label}.{self.content_type.model} #{self.object_id}"
            if self.content_type_id
            else "?"
        )

    def clean(self):
        self.ip = self.ip or None  # the admin form gives "" for no address
        subjects = [self.user_id is not None, bool(self.ip), self.content_type_id is not None]
        if sum(subjects) != 1:
            raise ValidationError(gettext("Choose exactly one of: a person, an address, or an object (type and id)."))
        if self.content_type_id is not None and not self.object_id:
            raise ValidationError({"object_id": gettext("Give the id of the object.")})
        if self.limit and self.limit not in settings.RATE_LIMITS:
            raise ValidationError({"limit": f"Unknown limit; one of {', '.join(sorted(settings.RATE_LIMITS))}."})
        if self.rate:
            try:
                _split_rate(self.rate.strip())
            except (ValueError, KeyError, TypeError, AttributeError):  # django-ratelimit: no match
                raise ValidationError({"rate": 'Write a rate such as "200/h", "30/10m" or "5/s".'}) from None
            self.rate = self.rate.strip()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "Say why, for the audit log."})


class OutboxMessage(models.Model):
    """One task to publish. `sent_at` set = published; `claimed_until` in the future = a relayer is
    publishing it now (the claim makes one relayer win per row)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # The sweep's scan: unsent rows only, oldest first.
            models.Index(fields=["created_at"], name="outbox_unsent_idx", condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"

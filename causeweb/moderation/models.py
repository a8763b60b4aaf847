from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Flag(models.Model):
    """Someone says a piece of content (a comment, a post, a campaign) breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Harassment or hate"
        MISINFORMATION = "misinformation", "False or misleading"
        FRAUD = "fraud", "Fraud or scam"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld (content hidden)"
        DISMISSED = "dismissed", "Dismissed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When moderators were alerted that this flag's item was waiting (causeweb/moderation/alerts.py):
    # an item is in one alert only, however long it keeps waiting.
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="moderation_flag_once_per_reporter"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="moderation_flag_target")]

    def __str__(self):
        return f"{self.get_reason_display()} on {self.content_type.model} #{self.object_id}"


class ModerationAction(models.Model):
    """The audit log: every moderator action, who took it, on what, and why. Never edited."""

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action} {self.target_repr}"


class Suspension(models.Model):
    """A person barred from signing in, for a period (`ends_at`) or permanently (no `ends_at`),
    for a rule they broke. Active while not lifted and not past its end; at most one active per
    person is kept by the services (they lock the user row)."""

    Rule = Flag.Reason

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    rule = models.CharField(max_length=20, choices=Flag.Reason.choices)
    note = models.TextField(blank=True, max_length=2000, help_text="Shown to the person with the rule.")
    starts_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: permanent.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("suspend_user", "Can suspend and reinstate people (moderators)")]
        indexes = [models.Index(fields=["lifted_at", "ends_at"], name="moderation_suspension_active")]

    def __str__(self):
        until = f"until {self.ends_at:%Y-%m-%d}" if self.ends_at else "permanently"
        return f"{self.user} suspended {until} ({self.get_rule_display()})"

    @property
    def is_permanent(self) -> bool:
        return self.ends_at is None

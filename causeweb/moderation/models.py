from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Flag(models.Model):
    """Someone says a piece of content (a comment, a post, a campaign) breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Harassment or hate")
        MISINFORMATION = "misinformation", _("False or misleading")
        FRAUD = "fraud", _("Fraud or scam")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld (content hidden)")
        DISMISSED = "dismissed", _("Dismissed")

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


class AuditLogQuerySet(models.QuerySet):
    """The audit log is append-only: bulk updates and deletes through the ORM are refused too (a
    Postgres trigger, migration 0004, refuses them in SQL as well)."""

    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AppendOnlyError(Exception):
    pass


class ModerationAction(models.Model):
    """The audit log: every moderator and finance action: who (`moderator`, None for the
    system), what (`action` on `target`), when, why (`reason`, `rule`), whom it is about
    (`subject`, so they can appeal a decision) and the state before and after as JSON. Rows are
    only ever added: save() refuses an update, delete() refuses, and so does the database on
    Postgres. (A person's or content type's deletion still nulls its key, which the trigger allows.)"""

    # The actions the public transparency log shows: decisions about content and accounts.
    DECISIONS = {
        "hide": _("Content hidden"),
        "auto_hide": _("Hidden pending review"),
        "dismiss_flags": _("Reports dismissed, content kept"),
        "suspend_user": _("Account suspended"),
        "restore": _("Content restored"),
    }
    APPEALABLE = ("hide", "suspend_user")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("staff member")
    )
    action = models.CharField(max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(max_length=200, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The person the decision is about (the author of hidden content, the suspended person)."),
    )
    rule = models.CharField(max_length=20, blank=True, choices=Flag.Reason.choices)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        # An item's history (the queue's "already done", whether it is hidden now).
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="moderation_action_target")]

    def __str__(self):
        return f"{self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    @property
    def outcome(self) -> str:
        return str(self.DECISIONS.get(self.action, self.action.replace("_", " ")))


class Appeal(models.Model):
    """The person a decision is about asks for it to be looked at again: once per decision (the
    one-to-one). A moderator upholds it or overturns it (which restores the content or lifts the
    suspension); the person is told either way."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a moderator")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    decision = models.OneToOneField(ModerationAction, on_delete=models.PROTECT, related_name="appeal")
    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals")
    statement = models.TextField(max_length=4000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=2000, help_text=_("Sent to the person with the outcome."))

    class Meta:
        ordering = ["status", "created_at"]
        permissions = [("decide_appeal", _("Can uphold or overturn appeals (moderators)"))]

    def __str__(self):
        return f"Appeal #{self.pk} against {self.decision.outcome.lower()}"


class Suspension(models.Model):
    """A person barred from signing in, for a period (`ends_at`) or permanently (no `ends_at`),
    for a rule they broke. Active while not lifted and not past its end; at most one active per
    person is kept by the services (they lock the user row)."""

    Rule = Flag.Reason

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    rule = models.CharField(max_length=20, choices=Flag.Reason.choices)
    note = models.TextField(blank=True, max_length=2000, help_text=_("Shown to the person with the rule."))
    starts_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: permanent."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("suspend_user", _("Can suspend and reinstate people (moderators)"))]
        indexes = [models.Index(fields=["lifted_at", "ends_at"], name="moderation_suspension_active")]

    def __str__(self):
        until = f"until {self.ends_at:%Y-%m-%d}" if self.ends_at else "permanently"
        return f"{self.user} suspended {until} ({self.get_rule_display()})"

    @property
    def is_permanent(self) -> bool:
        return self.ends_at is None

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > timezone.now())

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from causeweb.core.money import CURRENCY_CHOICES


class Cause(models.Model):
    """A cause category (climate, housing, health...) shared by campaigns, events and groups."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_REVIEW = "pending_review", "Pending review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"

    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(max_length=280, help_text="One or two sentences; used in previews and shares.")
    story = models.TextField(help_text="Markdown.")
    story_html = models.TextField(blank=True, editable=False)
    cause = models.ForeignKey(Cause, on_delete=models.PROTECT, related_name="campaigns")
    location = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    rejection_reason = models.TextField(blank=True)
    petition_target = models.PositiveIntegerField(null=True, blank=True)
    goal_minor = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Fundraising goal in the currency's minor unit (cents)."
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="EUR")
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_minor__isnull=True) | Q(goal_minor__gt=0), name="campaign_goal_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)

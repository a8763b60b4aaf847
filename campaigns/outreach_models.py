"""Campaign models for reaching people beyond the page (split from campaigns/models.py by
concept; imported there so Django registers them): the organizer's messages to supporters with
their click counts, and petition delivery to the decision-makers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CampaignMessage(models.Model):
    """An organizer's email to a segment of the campaign's supporters (campaigns.services.messages).
    A draft until sent; only people who opted in to the campaign's news are ever in a segment."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    segment = models.CharField(max_length=60)
    segment_label = models.CharField(max_length=160)
    subject = models.CharField(max_length=140)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    recipient_count = models.PositiveIntegerField(default=0)
    # Distinct people who followed the message's tracked link (CampaignMessageClick).
    click_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "sent_at"], name="campaign_message_sent")]

    def __str__(self):
        return self.subject

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class CampaignMessageClick(models.Model):
    """One visitor (a salted hash, no raw address) who opened a message's tracked link."""

    message = models.ForeignKey(CampaignMessage, on_delete=models.CASCADE, related_name="clicks")
    visitor = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "visitor"], name="campaign_message_click_once")]

    def __str__(self):
        return f"Click on message {self.message_id}"


class DecisionMaker(models.Model):
    """Who the petition asks: a name and a role, and an address if the organizer has one."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="decision_makers")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=160, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class PetitionDelivery(models.Model):
    """The petition handed to a decision-maker: when, by whom, how many signatures, and what
    they answered (recorded by the organizer afterwards)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="deliveries")
    decision_maker = models.ForeignKey(DecisionMaker, on_delete=models.CASCADE, related_name="deliveries")
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.EmailField(blank=True)
    # Set by the task that mails the file, so a retried task never mails it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class FileFormat(models.TextChoices):
        PDF = "pdf", _("PDF (to read and print)")
        CSV = "csv", _("CSV (a spreadsheet)")
        BOTH = "both", _("Both, PDF and CSV")

    signature_count = models.PositiveIntegerField(default=0)
    # What the email attached (the organizer picks when delivering).
    file_format = models.CharField(max_length=4, choices=FileFormat.choices, default=FileFormat.CSV)
    response = models.TextField(blank=True, max_length=5000)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(file_format__in=["pdf", "csv", "both"]), name="petition_delivery_file_format"
            )
        ]

    def __str__(self):
        return f"Petition of campaign {self.campaign_id} to {self.decision_maker_id}"

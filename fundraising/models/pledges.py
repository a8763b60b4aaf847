"""All-or-nothing pledges (fundraising/services/pledges.py): a backer's saved card, charged only
when the goal is met at the deadline."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import CURRENCY_CHOICES
from fundraising.models.ledger import Donation


class Pledge(models.Model):
    """A backer's promise to an all-or-nothing campaign: their card is saved (SetupIntent,
    usage=off_session) and charged only if the goal is met at the deadline.

        setting_up -> active -> charging -> collected
                         |          `-> payment_required -> collected (paid on-session)
                         |                              `-> lapsed (grace period over)
                         |-> canceled (by the backer, before the deadline)
                         `-> released (goal missed: nobody is charged)
    """

    class State(models.TextChoices):
        SETTING_UP = "setting_up", _("Saving the card")
        ACTIVE = "active", _("Active")
        CHARGING = "charging", _("Being charged")
        COLLECTED = "collected", _("Charged")
        PAYMENT_REQUIRED = "payment_required", _("Payment required")
        LAPSED = "lapsed", _("Not paid in time")
        CANCELED = "canceled", _("Canceled")
        RELEASED = "released", _("Released (goal missed)")

    # Count toward the pledged total on the campaign page.
    COUNTED_STATES = (State.ACTIVE, State.CHARGING, State.COLLECTED, State.PAYMENT_REQUIRED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges")
    backer_name = models.CharField(max_length=120)
    email = models.EmailField()
    language = models.CharField(max_length=8, blank=True, default="")  # the page's, as on Donation
    visibility = models.CharField(max_length=12, choices=Donation.Visibility.choices, default=Donation.Visibility.NAME)
    keep_updated = models.BooleanField(default=False)  # "Keep me updated about this campaign"
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SETTING_UP)

    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    # The donation that collects the pledge (off-session at the deadline, or on-session after a
    # failed charge); it carries the PaymentIntent and the receipt.
    donation = models.OneToOneField(Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="pledge")
    failure_message = models.CharField(max_length=300, blank=True)
    payment_due_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # When a worker took the pledge to charge it: another worker leaves it alone until the claim
    # is stale (the first one crashed), then resumes it from the stored PaymentIntent.
    charge_claimed_at = models.DateTimeField(null=True, blank=True)
    referral_share_link_id = models.BigIntegerField(
        null=True, blank=True, help_text="The campaign share link that brought the backer, if any."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "state"], name="pledge_campaign_state"),
            models.Index(fields=["state", "payment_due_at"], name="pledge_state_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="pledge_amount_positive"),
            # One live pledge per backer per campaign: they change its amount instead.
            models.UniqueConstraint(
                fields=["campaign", "backer"],
                condition=Q(state__in=["setting_up", "active", "charging", "payment_required", "collected"]),
                name="pledge_one_live_per_backer",
            ),
        ]

    def __str__(self):
        return f"Pledge {self.pk} ({self.state})"

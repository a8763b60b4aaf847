"""Monthly giving: a MonthlyPlan charges the donor's saved card once a month, each charge a
Donation in the ledger (with its receipt). MonthlyCharge is the one row per plan and period
("2027-01"): unique on (plan, period), so beat firing twice, two workers or a crashed worker can
never charge a period twice (fundraising/services/monthly.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import CURRENCY_CHOICES


class MonthlyPlan(models.Model):
    """
        setting_up -> active <-> paused (failed charges; the donor updates the card)
                         `-> cancelled (by the donor, any time)
    setting_up: the first month's donation is being paid on the donate page; it becomes active
    when that donation succeeds (fundraising.services.transitions._mark_succeeded).
    """

    class State(models.TextChoices):
        SETTING_UP = "setting_up", _("Starting")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused: card needs updating")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="monthly_plans")
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="monthly_plans"
    )
    donor_name = models.CharField(max_length=120)
    email = models.EmailField()
    visibility = models.CharField(max_length=12, default="name")
    amount_minor = models.PositiveBigIntegerField(help_text="Each month, to the campaign, in minor units.")
    cover_fee = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    anchor_day = models.PositiveSmallIntegerField(help_text="Day of the month the plan charges (1-31, capped).")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SETTING_UP)
    # The period the next charge is for and when it is due (a retry keeps the period).
    next_period = models.CharField(max_length=7)
    next_charge_at = models.DateTimeField()
    failure_count = models.PositiveSmallIntegerField(default=0, help_text="Failed attempts for next_period.")
    failure_message = models.CharField(max_length=300, blank=True)

    first_donation = models.OneToOneField(
        "fundraising.Donation", on_delete=models.PROTECT, related_name="monthly_plan_started"
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True, help_text="The last card update.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat's "what is due" query.
            models.Index(fields=["state", "next_charge_at"], name="monthly_plan_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="monthly_plan_amount_positive"),
            models.CheckConstraint(condition=Q(anchor_day__gte=1, anchor_day__lte=31), name="monthly_plan_anchor_day"),
        ]

    def __str__(self):
        return f"Monthly plan {self.pk} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.ACTIVE, self.State.PAUSED)


class MonthlyCharge(models.Model):
    """One period of a plan. `donation` is the current attempt (a failed attempt's donation stays
    failed in the ledger; a retry gets a new one). `claimed_at`: a worker is charging it now."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being charged")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(MonthlyPlan, on_delete=models.CASCADE, related_name="charges")
    period = models.CharField(max_length=7, help_text="YYYY-MM")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    donation = models.OneToOneField(
        "fundraising.Donation", null=True, blank=True, on_delete=models.PROTECT, related_name="monthly_charge"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "period"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="monthly_charge_one_per_period"),
        ]

    def __str__(self):
        return f"Monthly charge {self.plan_id}/{self.period} ({self.state})"

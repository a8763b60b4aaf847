"""Reconciliation of the ledger with Stripe (fundraising/services/reconciliation.py): the runs and
the differences they found."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fundraising.models.ledger import Donation


class ReconciliationRun(models.Model):
    """One comparison of the ledger with Stripe (fundraising.services.reconciliation): the window of
    Stripe charges it read, what it checked, fixed and flagged, and how long it took. At most one
    run is `running` at a time (a partial unique constraint)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        ABANDONED = "abandoned", _("Abandoned (worker lost)")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Hourly schedule")
        ADMIN = "admin", _("Finance staff (run now)")
        DEMO = "demo", _("Demo")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    window_start = models.DateTimeField(help_text="Stripe charges created after this were read.")
    window_end = models.DateTimeField(help_text="...and up to this (when the run started).")
    charges_checked = models.PositiveIntegerField(default=0)
    refunds_checked = models.PositiveIntegerField(default=0)
    donations_checked = models.PositiveIntegerField(default=0)
    campaigns_checked = models.PositiveIntegerField(default=0)
    fixed_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)
    events_needing_attention = models.PositiveIntegerField(
        default=0, help_text="Webhook events left failed, or pending for over an hour, when the run ended."
    )
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="one_running_reconciliation"
            ),
        ]

    def __str__(self):
        return f"Reconciliation {self.pk} ({self.status})"

    @property
    def changed_anything(self) -> bool:
        return bool(self.fixed_count or self.flagged_count)


class Discrepancy(models.Model):
    """A difference between Stripe and the ledger found by a reconciliation run. `repaired` ones
    were fixed by the run and are its audit trail (a lost webhook applied, a refund recorded, a
    campaign total corrected, with the before/after in `details`); `open` ones it could not fix
    (amount or currency mismatch, a local success Stripe does not know) wait for finance staff."""

    class Kind(models.TextChoices):
        PAYMENT_APPLIED = "payment_applied", _("Lost payment applied")
        REFUND_RECORDED = "refund_recorded", _("Lost refund recorded")
        CARD_DETAILS = "card_details", _("Card details filled in")
        FUNDING_DRIFT = "funding_drift", _("Campaign total corrected")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount or currency differs")
        REFUND_MISMATCH = "refund_mismatch", _("Refunds differ")
        UNKNOWN_CHARGE = "unknown_charge", _("Stripe charge with no donation")
        MISSING_CHARGE = "missing_charge", _("Paid donation Stripe does not confirm")

    class Status(models.TextChoices):
        REPAIRED = "repaired", _("Repaired by the run")
        OPEN = "open", _("Open (finance staff to resolve)")
        RESOLVED = "resolved", _("Resolved by finance staff")

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="discrepancies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    # What it is about: a key that names the thing once (the charge, refund, donation or campaign),
    # so a later run does not open the same discrepancy again while one is open.
    subject = models.CharField(max_length=255)
    donation = models.ForeignKey(Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stripe_object_id = models.CharField(max_length=255, blank=True)
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = _("discrepancies")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="discrepancy_status_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"], condition=Q(status="open"), name="one_open_discrepancy_per_subject"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

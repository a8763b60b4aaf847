"""Money. Amounts are integers in the currency's minor unit (see causeweb.core.money).

A Donation moves through a small state machine, each step a service in fundraising.services (transitions.py) that locks
the row and returns early when the step was already taken:

    pending -> succeeded -> partially_refunded -> refunded
    pending -> failed        pending -> canceled

plus one deliberate extra edge: failed/canceled -> succeeded when Stripe itself reports the
payment succeeded (a charge must never go uncounted, whatever we believed before).

CampaignFunding is the per-campaign total every page shows: its own figures (the seed, a
reconciliation's repair) plus its CampaignFundingShard rows, summed on read by
`fundraising.selectors.campaign_funding_totals` (the one read path). A donation's state change
adds its delta to one of FUNDING_SHARDS shard rows in the same transaction (INSERT ... ON CONFLICT
DO UPDATE SET x = x + d), so concurrent webhooks cannot lose updates and a burst to one campaign
does not queue on one row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import CURRENCY_CHOICES


class CampaignFunding(models.Model):
    """Raised amount and donor count of one campaign (what the campaign page shows), and how the
    campaign raises money: keep what you raise (donations) or all-or-nothing by the deadline
    (pledges, charged only when the goal is met; see fundraising.services.pledges)."""

    class Model(models.TextChoices):
        KEEP_WHAT_YOU_RAISE = "keep", _("Keep what you raise")
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing by the deadline")

    class PledgeOutcome(models.TextChoices):
        OPEN = "open", _("Taking pledges")
        COLLECTING = "collecting", _("Goal met: charging pledges")
        COLLECTED = "collected", _("Goal met: pledges charged")
        RELEASED = "released", _("Goal missed: pledges released")

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="funding")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    raised_minor = models.BigIntegerField(default=0)
    donor_count = models.IntegerField(default=0)
    funding_model = models.CharField(max_length=16, choices=Model.choices, default=Model.KEEP_WHAT_YOU_RAISE)
    # Moves once, under this row's lock, when the deadline of an all-or-nothing campaign passed:
    # open -> collecting -> collected, or open -> released.
    pledge_outcome = models.CharField(max_length=12, choices=PledgeOutcome.choices, default=PledgeOutcome.OPEN)
    pledge_decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign funding total")
        constraints = [
            models.CheckConstraint(condition=Q(raised_minor__gte=0), name="funding_raised_non_negative"),
            models.CheckConstraint(condition=Q(donor_count__gte=0), name="funding_donors_non_negative"),
        ]
        indexes = [
            models.Index(
                fields=["pledge_outcome"], condition=Q(funding_model="all_or_nothing"), name="funding_pledge_outcome"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.raised_minor} {self.currency} from {self.donor_count}"


# Shard rows per campaign: a burst of N concurrent successes to one campaign waits on one row only
# when two of them pick the same shard (docs/performance.md has the measurements).
FUNDING_SHARDS = 16


class CampaignFundingShard(models.Model):
    """One of a campaign's FUNDING_SHARDS running deltas on top of its CampaignFunding figures.
    A shard may go negative (a refund on another shard than its donation's); the sum cannot."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="funding_shards")
    shard = models.PositiveSmallIntegerField()
    raised_minor = models.BigIntegerField(default=0)
    donor_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("campaign funding shard")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "shard"], name="funding_shard_unique"),
            models.CheckConstraint(condition=Q(shard__lt=FUNDING_SHARDS), name="funding_shard_in_range"),
        ]

    def __str__(self):
        return f"{self.campaign_id}#{self.shard}: {self.raised_minor:+} / {self.donor_count:+}"


class StripeCustomer(models.Model):
    """The Stripe customer of a signed-in donor, so their saved card can be charged again later."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer")
    customer_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.customer_id


class Donation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    class Visibility(models.TextChoices):
        NAME = "name", _("Show my name")
        FIRST_NAME = "first_name", _("Show my first name only")
        ANONYMOUS = "anonymous", _("Anonymous")

    # States in which the money was received (and, net of refunds, counts toward the total).
    PAID_STATES = (State.SUCCEEDED, State.PARTIALLY_REFUNDED, State.REFUNDED)
    # Shown on the campaign page's donor wall: paid and not fully refunded.
    WALL_STATES = (State.SUCCEEDED, State.PARTIALLY_REFUNDED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    donor_name = models.CharField(max_length=120)
    email = models.EmailField()
    language = models.CharField(max_length=8, blank=True, default="")  # the page's: services/_language.py
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.NAME)
    message = models.CharField(max_length=500, blank=True)
    # "Keep me updated about this campaign" (never assumed): the campaign's news reaches them once paid.
    keep_updated = models.BooleanField(default=False)

    amount_minor = models.PositiveBigIntegerField(help_text="What goes to the campaign, in minor units.")
    fee_minor = models.PositiveBigIntegerField(default=0, help_text="Processing fee the donor chose to cover.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    refunded_minor = models.PositiveBigIntegerField(default=0)

    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    failure_message = models.CharField(max_length=300, blank=True)

    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    # Set (in its own short transaction) by the request creating the PaymentIntent, so a retry or
    # a second click during the Stripe call does not create a second one.
    charge_started_at = models.DateTimeField(null=True, blank=True)
    # The card as the donor's receipt names it, from the PaymentMethod when the payment succeeds.
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)

    disputed_at = models.DateTimeField(null=True, blank=True)
    stripe_dispute_id = models.CharField(max_length=255, blank=True)
    dispute_reason = models.CharField(max_length=100, blank=True)

    referral_share_link_id = models.BigIntegerField(
        null=True, blank=True, help_text="The campaign share link that brought the donor, if any."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The API's `Idempotency-Key` header: a client retrying a create after a timeout gets this
    # donation back instead of a second charge (unique per donor; empty from the site's pages).
    client_request_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("refund_donation", "Can refund donations and see anonymous donors (finance staff)")]
        indexes = [
            # The donor wall (fundraising.selectors.campaign_funding_panel): partial on the wall's
            # states, so `state IN (...)` is the index's condition and the rows come out in the
            # wall's order: five rows read, never a sort of the campaign's donations.
            models.Index(
                "campaign",
                F("succeeded_at").desc(),
                F("id").desc(),
                condition=Q(state__in=("succeeded", "partially_refunded")),
                name="donation_wall_latest_paid",
            ),  # fmt: skip
            models.Index(
                "campaign",
                F("amount_minor").desc(),
                "succeeded_at",
                "id",
                condition=Q(state__in=("succeeded", "partially_refunded")),
                name="donation_wall_top_paid",
            ),  # fmt: skip
            # The organizer's donations tab (`campaign_donations`): every paid state, refunded too.
            models.Index(
                "campaign",
                F("succeeded_at").desc(),
                F("id").desc(),
                condition=Q(state__in=("succeeded", "partially_refunded", "refunded")),
                name="donation_organizer_paid",
            ),  # fmt: skip
            models.Index(fields=["state", "created_at"], name="donation_state_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=models.F("amount_minor") + models.F("fee_minor")),
                name="donation_refund_not_above_charge",
            ),
            models.UniqueConstraint(
                fields=["donor", "client_request_key"],
                condition=~Q(client_request_key=""),
                name="donation_client_request_key_unique",
            ),
        ]

    def __str__(self):
        return f"Donation {self.pk} ({self.state})"

    @property
    def total_minor(self) -> int:
        """What the donor's card is charged."""
        return self.amount_minor + self.fee_minor

    @property
    def counted_minor(self) -> int:
        """What this donation adds to the campaign's raised total: refunds come out of the
        donation itself first, then out of the covered fee."""
        if self.state not in self.PAID_STATES:
            return 0
        return max(0, self.amount_minor - self.refunded_minor)

    @property
    def refundable_minor(self) -> int:
        if self.state not in (self.State.SUCCEEDED, self.State.PARTIALLY_REFUNDED):
            return 0
        return self.total_minor - self.refunded_minor

    @property
    def is_paid(self) -> bool:
        return self.state in self.PAID_STATES

    @property
    def card_label(self) -> str:
        """How the receipt names the card: "Visa ending 4242" ('' when unknown)."""
        if not self.card_last4:
            return ""
        brand = {"amex": "American Express", "mastercard": "Mastercard", "visa": "Visa"}.get(
            self.card_brand, self.card_brand.replace("_", " ").title() or gettext("Card")
        )
        return gettext("%(brand)s ending %(last4)s") % {"brand": brand, "last4": self.card_last4}

    @property
    def public_name(self) -> str:
        """How the donor appears to the public and to the organizer."""
        if self.visibility == self.Visibility.ANONYMOUS:
            return gettext("Anonymous")
        if self.visibility == self.Visibility.FIRST_NAME:
            return (self.donor_name.split() or [gettext("Anonymous")])[0]
        return self.donor_name or gettext("Anonymous")


class Refund(models.Model):
    class Source(models.TextChoices):
        ADMIN = "admin", _("Refunded by finance staff")
        STRIPE = "stripe", _("Refunded in the Stripe dashboard")

    class Status(models.TextChoices):
        # An admin refund is claimed (pending) under the donation's lock, asked of Stripe with no
        # lock or transaction held, then applied (fundraising.services.refunds).
        PENDING = "pending", _("Asked of Stripe")
        APPLIED = "applied", _("Refunded")
        FAILED = "failed", _("Stripe refused")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="refunds")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # An admin refund being asked of Stripe right now (set by the request asking, cleared when its
    # outcome is unknown); a pending refund with no live claim is resumed by the next attempt with
    # the same idempotency key, never asked again under a new one (fundraising.services.refunds).
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            # One admin refund of a donation with Stripe at a time: a retry or a second click
            # reuses it (its pk is in the idempotency key), so a timeout never refunds twice.
            models.UniqueConstraint(
                fields=["donation"],
                condition=Q(status="pending", source="admin"),
                name="refund_one_pending_admin_claim",
            ),
        ]

    def __str__(self):
        return f"Refund {self.pk} of donation {self.donation_id}"


class StripeEvent(models.Model):
    """A webhook event as Stripe signed it. Stored once (unique id), applied by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"], condition=Q(status="pending"), name="stripe_event_pending")]

    def __str__(self):
        return f"{self.type} {self.event_id}"

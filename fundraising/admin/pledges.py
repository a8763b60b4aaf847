"""Campaign funding totals and pledges (all-or-nothing campaigns)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from causeweb.core.admin_export import export_as_csv
from fundraising import l10n, selectors
from fundraising.admin._common import FinanceOnlyAdmin, campaign_admin_link
from fundraising.models import CampaignFunding, Pledge


@admin.register(CampaignFunding)
class CampaignFundingAdmin(FinanceOnlyAdmin):
    list_display = ("campaign", "raised", "donors", "updated_at")
    list_select_related = ("campaign",)
    search_fields = ("campaign__title",)

    def get_queryset(self, request):
        # The row alone misses what the shards hold since the last roll-up (split counters).
        return selectors.with_funding_totals(super().get_queryset(request))

    @admin.display(description=_("raised"), ordering="raised_total")
    def raised(self, funding):
        return l10n.local_money(funding.raised_total, funding.currency)

    @admin.display(description=_("donors"), ordering="donor_total")
    def donors(self, funding):
        return funding.donor_total


@admin.register(Pledge)
class PledgeAdmin(FinanceOnlyAdmin):
    """Pledges of all-or-nothing campaigns, read-only: they move only through
    fundraising.services.pledges (the backer, or the deadline task)."""

    list_display = ("public_id", "campaign_link", "backer_name", "amount", "state", "payment_due_at", "created_at")
    actions = [export_as_csv]
    list_filter = ("state",)
    search_fields = ("public_id", "email", "backer_name", "campaign__title")
    list_select_related = ("campaign",)
    readonly_fields = (
        "public_id",
        "campaign",
        "backer",
        "backer_name",
        "email",
        "visibility",
        "amount_minor",
        "currency",
        "state",
        "donation",
        "failure_message",
        "payment_due_at",
        "reminders_sent",
        "charge_claimed_at",
        "stripe_customer_id",
        "stripe_setup_intent_id",
        "stripe_payment_method_id",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("amount"))
    def amount(self, pledge):
        return l10n.local_money(pledge.amount_minor, pledge.currency)

    @admin.display(description=_("campaign"), ordering="campaign__title")
    def campaign_link(self, pledge):
        return campaign_admin_link(pledge.campaign)

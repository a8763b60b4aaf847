"""Monthly giving, read-only for finance staff: plans and each month's charge. Plans change only
through fundraising.services.monthly (beat, the donor's signed link or account)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from causeweb.core.admin_export import export_as_csv
from fundraising import l10n, policies
from fundraising.admin._common import FinanceOnlyAdmin, campaign_admin_link, stripe_dashboard_link
from fundraising.models import MonthlyCharge, MonthlyPlan


class MonthlyChargeInline(admin.TabularInline):
    model = MonthlyCharge
    extra = 0
    can_delete = False
    fields = ("period", "state", "attempts", "donation", "claimed_at", "updated_at")
    readonly_fields = fields
    ordering = ("-period",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return policies.can_manage_refunds(request.user)


@admin.register(MonthlyPlan)
class MonthlyPlanAdmin(FinanceOnlyAdmin):
    list_display = ("public_id", "campaign_link", "donor_name", "monthly", "state", "next_charge_at", "failure_count")
    list_filter = ("state", "currency")
    search_fields = ("public_id", "email", "donor_name", "campaign__title")
    list_select_related = ("campaign",)
    date_hierarchy = "created_at"
    actions = [export_as_csv]
    inlines = [MonthlyChargeInline]
    exclude = ("stripe_payment_method_id", "stripe_setup_intent_id", "stripe_customer_id")
    readonly_fields = ("customer",)

    @admin.display(description=_("campaign"), ordering="campaign__title")
    def campaign_link(self, plan):
        return campaign_admin_link(plan.campaign)

    @admin.display(description=_("each month"), ordering="amount_minor")
    def monthly(self, plan):
        return l10n.local_money(plan.amount_minor, plan.currency)

    @admin.display(description=_("Stripe customer"))
    def customer(self, plan):
        return stripe_dashboard_link(plan.stripe_customer_id)


@admin.register(MonthlyCharge)
class MonthlyChargeAdmin(FinanceOnlyAdmin):
    list_display = ("plan", "period", "state", "attempts", "donation", "updated_at")
    list_filter = ("state",)
    search_fields = ("plan__public_id", "plan__email", "period")
    list_select_related = ("plan", "donation")

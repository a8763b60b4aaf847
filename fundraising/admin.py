"""Finance staff work here (superusers, or staff with fundraising.refund_donation): donations with
filters, full and partial refunds through Stripe, read-only Stripe ids linking to the dashboard,
disputes flagged, webhook events. Nothing about money is editable by hand: every change goes
through fundraising.services; who may see and do it is fundraising.policies."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from causeweb.core import outbox
from causeweb.core.boundary import flash_errors
from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.core.money import format_money, parse_amount
from fundraising import gateway, policies, tasks
from fundraising.models import CampaignFunding, Discrepancy, Donation, Pledge, ReconciliationRun, Refund, StripeEvent
from fundraising.services import reconciliation, refunds, webhooks


class FinanceOnlyAdmin(admin.ModelAdmin):
    """Visible to finance staff only (they alone may see anonymous donors)."""

    def has_module_permission(self, request):
        return policies.can_manage_refunds(request.user)

    def has_view_permission(self, request, obj=None):
        return policies.can_manage_refunds(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _stripe_link(object_id: str):
    if not object_id:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', gateway.dashboard_url(object_id), object_id
    )


class DisputedFilter(admin.SimpleListFilter):
    title = "dispute"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "Disputed"), ("no", "Not disputed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(disputed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(disputed_at__isnull=True)
        return queryset


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "status", "source", "reason", "created_by", "stripe_refund")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return policies.can_manage_refunds(request.user)

    @admin.display(description="amount")
    def amount(self, refund):
        return format_money(refund.amount_minor, refund.currency)

    @admin.display(description="Stripe refund")
    def stripe_refund(self, refund):
        return _stripe_link(refund.stripe_refund_id or "")


class PartialRefundForm(forms.Form):
    amount = forms.CharField(label="Amount to refund (in the donation's currency, e.g. 10.50)")
    reason = forms.CharField(label="Reason (kept in the refund record)", required=False, max_length=200)


@admin.register(Donation)
class DonationAdmin(FinanceOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "campaign",
        "donor_name",
        "visibility",
        "amount",
        "refunded",
        "state",
        "disputed",
    )
    list_filter = ("state", DisputedFilter, "currency", "visibility", "created_at")
    search_fields = ("email", "donor_name", "stripe_payment_intent_id", "stripe_charge_id", "campaign__title")
    list_select_related = ("campaign",)
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    actions = ["refund_in_full", "refund_partially"]
    fieldsets = (
        (None, {"fields": ("public_id", "campaign", "state", "failure_message", "created_at", "succeeded_at")}),
        ("Donor", {"fields": ("donor", "donor_name", "email", "visibility", "message", "referral_share_link_id")}),
        ("Money", {"fields": ("amount", "fee", "total", "refunded")}),
        (
            "Stripe",
            {"fields": ("payment_intent_link", "charge_link", "customer_link", "setup_intent", "dispute")},
        ),
    )
    readonly_fields = (
        "public_id",
        "campaign",
        "state",
        "failure_message",
        "created_at",
        "succeeded_at",
        "donor",
        "donor_name",
        "email",
        "visibility",
        "message",
        "referral_share_link_id",
        "amount",
        "fee",
        "total",
        "refunded",
        "payment_intent_link",
        "charge_link",
        "customer_link",
        "setup_intent",
        "dispute",
    )

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, donation):
        return format_money(donation.amount_minor, donation.currency)

    @admin.display(description="fee covered")
    def fee(self, donation):
        return format_money(donation.fee_minor, donation.currency)

    @admin.display(description="charged")
    def total(self, donation):
        return format_money(donation.total_minor, donation.currency)

    @admin.display(description="refunded")
    def refunded(self, donation):
        return format_money(donation.refunded_minor, donation.currency) if donation.refunded_minor else "—"

    @admin.display(description="disputed", boolean=True, ordering="disputed_at")
    def disputed(self, donation):
        return donation.disputed_at is not None

    @admin.display(description="PaymentIntent")
    def payment_intent_link(self, donation):
        return _stripe_link(donation.stripe_payment_intent_id or "")

    @admin.display(description="Charge")
    def charge_link(self, donation):
        return _stripe_link(donation.stripe_charge_id)

    @admin.display(description="Customer")
    def customer_link(self, donation):
        return _stripe_link(donation.stripe_customer_id)

    @admin.display(description="SetupIntent")
    def setup_intent(self, donation):
        return donation.stripe_setup_intent_id or "—"

    @admin.display(description="Dispute")
    def dispute(self, donation):
        if not donation.disputed_at:
            return "—"
        return format_html(
            '<strong style="color:#b42318">Disputed {}</strong> ({}) {}',
            donation.disputed_at.strftime("%Y-%m-%d %H:%M"),
            donation.dispute_reason or "no reason given",
            _stripe_link(donation.stripe_dispute_id),
        )

    def _refund_each(self, request, queryset, amount_for, reason: str) -> None:
        done = 0
        for donation in queryset:
            with flash_errors(
                request, prefix=f"Donation {donation.pk}", level=messages.WARNING, also=(gateway.GatewayError,)
            ) as call:
                refunds.donation_refund(
                    actor=request.user, donation_id=donation.pk, amount_minor=amount_for(donation), reason=reason
                )
            if call.ok:
                done += 1
        if done:
            self.message_user(request, f"Refunded {done} donation{'s' if done != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Refund in full through Stripe")
    def refund_in_full(self, request, queryset):
        if not policies.can_manage_refunds(request.user):
            raise PermissionDenied
        self._refund_each(request, queryset, lambda d: Donation.objects.get(pk=d.pk).refundable_minor, "Full refund")

    @admin.action(description="Refund part of one donation through Stripe…")
    def refund_partially(self, request, queryset):
        if not policies.can_manage_refunds(request.user):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one donation for a partial refund.", messages.WARNING)
            return None
        donation = queryset.get()
        form = PartialRefundForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:  # the same reading as the donate page: "12,50" is 12.50, "1,250" is refused as ambiguous
                amount_minor = parse_amount(form.cleaned_data["amount"], donation.currency)
            except ValidationError as exc:
                form.add_error("amount", exc.messages)
            else:
                self._refund_each(request, queryset, lambda d: amount_minor, form.cleaned_data["reason"])
                return None
        return TemplateResponse(
            request,
            "admin/fundraising/partial_refund.html",
            {
                **self.admin_site.each_context(request),
                "title": "Partial refund",
                "donation": donation,
                "refundable": format_money(donation.refundable_minor, donation.currency),
                "form": form,
                "opts": self.model._meta,
                "action": "refund_partially",
            },
        )


@admin.register(Refund)
class RefundAdmin(FinanceOnlyAdmin):
    list_display = ("id", "created_at", "donation", "amount", "status", "source", "created_by", "stripe_refund_id")
    list_filter = ("source", "currency", "created_at")
    list_select_related = ("donation", "created_by")
    search_fields = ("stripe_refund_id", "donation__email")

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, refund):
        return format_money(refund.amount_minor, refund.currency)


@admin.register(StripeEvent)
class StripeEventAdmin(FinanceOnlyAdmin):
    list_display = ("event_id", "type", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "type")
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "type", "status", "error", "attempts", "received_at", "processed_at", "payload")
    actions = ["retry"]

    @admin.action(description="Apply again (failed events, after fixing the cause)")
    def retry(self, request, queryset):
        retried = 0
        for event in queryset.filter(status=StripeEvent.Status.FAILED):
            status = None
            with flash_errors(request, prefix=f"Event {event.event_id}"):
                status = webhooks.stripe_event_retry(actor=request.user, stripe_event_pk=event.pk)
            if status is not None:
                retried += 1
        self.message_user(request, f"Applied {retried} event{'s' if retried != 1 else ''} again.")


@admin.register(CampaignFunding)
class CampaignFundingAdmin(FinanceOnlyAdmin):
    list_display = ("campaign", "raised", "donor_count", "updated_at")
    list_select_related = ("campaign",)
    search_fields = ("campaign__title",)

    @admin.display(description="raised", ordering="raised_minor")
    def raised(self, funding):
        return format_money(funding.raised_minor, funding.currency)


@admin.register(Pledge)
class PledgeAdmin(FinanceOnlyAdmin):
    """Pledges of all-or-nothing campaigns, read-only: they move only through
    fundraising.services.pledges (the backer, or the deadline task)."""

    list_display = ("public_id", "campaign", "backer_name", "amount", "state", "payment_due_at", "created_at")
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

    @admin.display(description="amount")
    def amount(self, pledge):
        return format_money(pledge.amount_minor, pledge.currency)


class DiscrepancyInline(admin.TabularInline):
    model = Discrepancy
    extra = 0
    can_delete = False
    fields = ("kind", "status", "message", "donation", "campaign", "stripe_link", "details")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return policies.can_manage_refunds(request.user)

    @admin.display(description="Stripe")
    def stripe_link(self, discrepancy):
        return _stripe_link(discrepancy.stripe_object_id)


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(FinanceOnlyAdmin):
    """Every comparison of the ledger with Stripe; "Run reconciliation now" queues one on the
    payments queue (finance staff); a run opens on its discrepancies."""

    change_list_template = "admin/fundraising/reconciliationrun/change_list.html"
    list_display = (
        "id",
        "started_at",
        "status",
        "trigger",
        "window_start",
        "window_end",
        "charges_checked",
        "fixed_count",
        "flagged_count",
        "events_needing_attention",
        "duration_ms",
    )
    list_filter = ("status", "trigger")
    readonly_fields = (
        "status",
        "trigger",
        "requested_by",
        "window_start",
        "window_end",
        "charges_checked",
        "refunds_checked",
        "donations_checked",
        "campaigns_checked",
        "fixed_count",
        "flagged_count",
        "events_needing_attention",
        "error",
        "started_at",
        "finished_at",
        "duration_ms",
    )
    inlines = [DiscrepancyInline]

    def get_urls(self):
        run_now = path(
            "run-now/", self.admin_site.admin_view(self.run_now_view), name="fundraising_reconciliation_run_now"
        )
        return [run_now, *super().get_urls()]

    def run_now_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not policies.can_run_reconciliation(request.user):
            raise PermissionDenied
        outbox.enqueue(tasks.reconciliation_run, trigger=str(ReconciliationRun.Trigger.ADMIN), actor_id=request.user.pk)
        self.message_user(request, "Reconciliation queued on the payments queue; its run appears here when done.")
        return HttpResponseRedirect(reverse("admin:fundraising_reconciliationrun_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_run_now": policies.can_run_reconciliation(request.user)}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Discrepancy)
class DiscrepancyAdmin(FinanceOnlyAdmin):
    list_display = ("id", "created_at", "kind", "status", "message", "donation", "campaign", "run")
    list_filter = ("status", "kind", "created_at")
    list_select_related = ("donation", "campaign", "run")
    search_fields = ("subject", "stripe_object_id", "message")
    readonly_fields = (
        "run",
        "kind",
        "status",
        "subject",
        "donation",
        "campaign",
        "stripe_link",
        "message",
        "details",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    )
    exclude = ("stripe_object_id",)
    actions = ["resolve"]

    @admin.display(description="Stripe")
    def stripe_link(self, discrepancy):
        return _stripe_link(discrepancy.stripe_object_id)

    @admin.action(description="Mark resolved (after fixing it in Stripe or the ledger)")
    def resolve(self, request, queryset):
        done = 0
        for discrepancy in queryset.filter(status=Discrepancy.Status.OPEN):
            with flash_errors(request, prefix=f"Discrepancy {discrepancy.pk}") as call:
                reconciliation.discrepancy_resolve(
                    actor=request.user, discrepancy=discrepancy, note=f"Resolved in admin by {request.user}"
                )
            if call.ok:
                done += 1
        self.message_user(request, f"Resolved {done} discrepanc{'ies' if done != 1 else 'y'}.")

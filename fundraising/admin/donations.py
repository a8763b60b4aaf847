"""Donations and refunds: filters, money formatted, full and partial refunds through Stripe."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.admin_export import export_as_csv
from causeweb.core.boundary import flash_errors
from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.core.money import parse_amount
from fundraising import gateway, l10n, policies
from fundraising.admin._common import FinanceOnlyAdmin, campaign_admin_link, stripe_dashboard_link
from fundraising.models import Donation, Refund
from fundraising.services import refunds


class DisputedFilter(admin.SimpleListFilter):
    title = "dispute"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", _("Disputed")), ("no", _("Not disputed"))]

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

    @admin.display(description=_("amount"))
    def amount(self, refund):
        return l10n.local_money(refund.amount_minor, refund.currency)

    @admin.display(description=_("Stripe refund"))
    def stripe_refund(self, refund):
        return stripe_dashboard_link(refund.stripe_refund_id or "")


class PartialRefundForm(forms.Form):
    amount = forms.CharField(label=_("Amount to refund (in the donation's currency, e.g. 10.50)"))
    reason = forms.CharField(label=_("Reason (kept in the refund record)"), required=False, max_length=200)


@admin.register(Donation)
class DonationAdmin(FinanceOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "campaign_link",
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
    actions = ["refund_in_full", "refund_partially", export_as_csv]
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

    @admin.display(description=_("campaign"), ordering="campaign__title")
    def campaign_link(self, donation):
        return campaign_admin_link(donation.campaign)

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount(self, donation):
        return l10n.local_money(donation.amount_minor, donation.currency)

    @admin.display(description=_("fee covered"))
    def fee(self, donation):
        return l10n.local_money(donation.fee_minor, donation.currency)

    @admin.display(description=_("charged"))
    def total(self, donation):
        return l10n.local_money(donation.total_minor, donation.currency)

    @admin.display(description=_("refunded"))
    def refunded(self, donation):
        return l10n.local_money(donation.refunded_minor, donation.currency) if donation.refunded_minor else "—"

    @admin.display(description=_("disputed"), boolean=True, ordering="disputed_at")
    def disputed(self, donation):
        return donation.disputed_at is not None

    @admin.display(description="PaymentIntent")
    def payment_intent_link(self, donation):
        return stripe_dashboard_link(donation.stripe_payment_intent_id or "")

    @admin.display(description=_("Charge"))
    def charge_link(self, donation):
        return stripe_dashboard_link(donation.stripe_charge_id)

    @admin.display(description=_("Customer"))
    def customer_link(self, donation):
        return stripe_dashboard_link(donation.stripe_customer_id)

    @admin.display(description="SetupIntent")
    def setup_intent(self, donation):
        return donation.stripe_setup_intent_id or "—"

    @admin.display(description=_("Dispute"))
    def dispute(self, donation):
        if not donation.disputed_at:
            return "—"
        return format_html(
            '<strong style="color:#b42318">Disputed {}</strong> ({}) {}',
            donation.disputed_at.strftime("%Y-%m-%d %H:%M"),
            donation.dispute_reason or "no reason given",
            stripe_dashboard_link(donation.stripe_dispute_id),
        )

    def _refund_each(self, request, queryset, amount_for, reason: str) -> None:
        done = 0
        for donation in queryset:
            with flash_errors(
                request,
                prefix=gettext("Donation %(id)s") % {"id": donation.pk},
                level=messages.WARNING,
                also=(gateway.GatewayError,),
            ) as call:
                refunds.donation_refund(
                    actor=request.user, donation_id=donation.pk, amount_minor=amount_for(donation), reason=reason
                )
            if call.ok:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("Refunded %(count)d donation.", "Refunded %(count)d donations.", done) % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Refund in full through Stripe"))
    def refund_in_full(self, request, queryset):
        if not policies.can_manage_refunds(request.user):
            raise PermissionDenied
        self._refund_each(
            request, queryset, lambda d: Donation.objects.get(pk=d.pk).refundable_minor, gettext("Full refund")
        )

    @admin.action(description=_("Refund part of one donation through Stripe…"))
    def refund_partially(self, request, queryset):
        if not policies.can_manage_refunds(request.user):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose exactly one donation for a partial refund."), messages.WARNING)
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
                "title": gettext("Partial refund"),
                "donation": donation,
                "refundable": l10n.local_money(donation.refundable_minor, donation.currency),
                "form": form,
                "opts": self.model._meta,
                "action": "refund_partially",
            },
        )


@admin.register(Refund)
class RefundAdmin(FinanceOnlyAdmin):
    list_display = ("id", "created_at", "donation_link", "amount", "status", "source", "created_by", "stripe_refund_id")
    actions = [export_as_csv]
    list_filter = ("source", "currency", "created_at")
    list_select_related = ("donation", "created_by")
    search_fields = ("stripe_refund_id", "donation__email")

    @admin.display(description=_("donation"), ordering="donation_id")
    def donation_link(self, refund):
        url = reverse("admin:fundraising_donation_change", args=[refund.donation_id])
        return format_html('<a href="{}">{}</a>', url, refund.donation)

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount(self, refund):
        return l10n.local_money(refund.amount_minor, refund.currency)

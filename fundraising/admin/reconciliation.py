"""Reconciliation runs and the discrepancies they found between the ledger and Stripe."""

from django.contrib import admin
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core import outbox
from causeweb.core.admin_export import export_as_csv
from causeweb.core.boundary import flash_errors
from causeweb.core.exceptions import PermissionDenied
from fundraising import policies, tasks
from fundraising.admin._common import FinanceOnlyAdmin, stripe_dashboard_link
from fundraising.models import Discrepancy, ReconciliationRun
from fundraising.services import reconciliation


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
        return stripe_dashboard_link(discrepancy.stripe_object_id)


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
        self.message_user(
            request, gettext("Reconciliation queued on the payments queue; its run appears here when done.")
        )
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
    actions = ["resolve", export_as_csv]

    @admin.display(description="Stripe")
    def stripe_link(self, discrepancy):
        return stripe_dashboard_link(discrepancy.stripe_object_id)

    @admin.action(description=_("Mark resolved (after fixing it in Stripe or the ledger)"))
    def resolve(self, request, queryset):
        done = 0
        for discrepancy in queryset.filter(status=Discrepancy.Status.OPEN):
            with flash_errors(request, prefix=gettext("Discrepancy %(id)s") % {"id": discrepancy.pk}) as call:
                reconciliation.discrepancy_resolve(
                    actor=request.user, discrepancy=discrepancy, note=f"Resolved in admin by {request.user}"
                )
            if call.ok:
                done += 1
        self.message_user(
            request,
            ngettext("Resolved %(count)d discrepancy.", "Resolved %(count)d discrepancies.", done) % {"count": done},
        )

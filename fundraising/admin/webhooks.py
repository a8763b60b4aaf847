"""Stripe webhook events: status, attempts, retry."""

from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.boundary import flash_errors
from fundraising.admin._common import FinanceOnlyAdmin
from fundraising.models import StripeEvent
from fundraising.services import webhooks


@admin.register(StripeEvent)
class StripeEventAdmin(FinanceOnlyAdmin):
    list_display = ("event_id", "type", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "type")
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "type", "status", "error", "attempts", "received_at", "processed_at", "payload")
    actions = ["retry"]

    @admin.action(description=_("Apply again (failed events, after fixing the cause)"))
    def retry(self, request, queryset):
        retried = 0
        for event in queryset.filter(status=StripeEvent.Status.FAILED):
            status = None
            with flash_errors(request, prefix=gettext("Event %(id)s") % {"id": event.event_id}):
                status = webhooks.stripe_event_retry(actor=request.user, stripe_event_pk=event.pk)
            if status is not None:
                retried += 1
        self.message_user(
            request,
            ngettext("Applied %(count)d event again.", "Applied %(count)d events again.", retried) % {"count": retried},
        )

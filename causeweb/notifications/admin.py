from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.boundary import flash_errors
from causeweb.notifications import services
from causeweb.notifications.models import DigestRun, GuestOptOut, Notification, NotificationPreference


class DeliveryProblemFilter(admin.SimpleListFilter):
    """Failed emails, and claims that look stuck (a worker died; the sweep will re-send them)."""

    title = _("delivery problems")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed")), ("retrying", _("Retrying (had an error)")), ("sending", _("Sending now"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(email_status=Notification.EmailStatus.FAILED)
        if self.value() == "retrying":
            return queryset.filter(email_status=Notification.EmailStatus.PENDING).exclude(last_error="")
        if self.value() == "sending":
            return queryset.filter(email_status=Notification.EmailStatus.SENDING)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "email", "email_status", "email_attempts", "created_at", "emailed_at", "read_at"]
    list_filter = [DeliveryProblemFilter, "email_status", "kind"]
    search_fields = ["email", "title", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["dedupe_key", "created_at", "emailed_at", "claimed_at", "next_attempt_at", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = False
    actions = ["retry_failed_emails"]

    @admin.action(description=_("Retry email delivery of the selected failed notifications"))
    def retry_failed_emails(self, request, queryset):
        with flash_errors(request) as call:
            count = services.notification_retry_failed(
                actor=request.user, notification_ids=queryset.values_list("pk", flat=True)
            )
        if not call.ok:
            return
        skipped = queryset.count() - count
        self.message_user(
            request,
            gettext("Queued %(count)s email(s) again.") % {"count": count}
            + (
                " "
                + ngettext(
                    "%(count)s selected were not failed and were left alone.",
                    "%(count)s selected were not failed and were left alone.",
                    skipped,
                )
                % {"count": skipped}
                if skipped
                else ""
            ),
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email_enabled", "daily_digest", "updated_at"]
    list_filter = ["kind", "email_enabled", "daily_digest"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(GuestOptOut)
class GuestOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email"]


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "item_count", "sent_at"]
    date_hierarchy = "date"
    raw_id_fields = ["user"]
    list_select_related = ["user"]

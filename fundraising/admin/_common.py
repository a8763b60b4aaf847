"""Shared by the fundraising admin modules (not for other apps)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from fundraising import gateway, policies


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


def stripe_dashboard_link(object_id: str):
    if not object_id:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', gateway.dashboard_url(object_id), object_id
    )


def campaign_admin_link(campaign) -> str:
    """The campaign's admin page (whence its organizer), for the money lists."""
    if campaign is None:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("admin:campaigns_campaign_change", args=[campaign.pk]), campaign)

from django.contrib import admin

from causeweb.core.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Tasks kept for the relay (causeweb/core/outbox.py): unsent rows older than a minute mean
    the broker or beat is down (docs/operations.md)."""

    list_display = ("id", "task_name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "task_name")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from causeweb.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "email", "email_status", "email_attempts", "created_at", "read_at"]
    list_filter = ["kind", "email_status"]
    search_fields = ["email", "title", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["dedupe_key", "created_at", "emailed_at"]

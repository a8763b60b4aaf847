from django.contrib import admin

from causeweb.moderation.models import Flag, ModerationAction


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "reporter", "status", "created_at"]
    list_filter = ["status", "reason", "content_type"]
    raw_id_fields = ["reporter", "resolved_by"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "target_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["target_repr", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

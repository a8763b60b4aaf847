from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.utils.html import format_html

from causeweb.core.boundary import flash_errors
from causeweb.moderation import services
from causeweb.moderation.models import Flag, ModerationAction


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """The review queue: open flags first, with how often the same content was flagged."""

    list_display = ["created_at", "target_link", "content_type", "reason", "reporter", "status", "flags_on_target"]
    list_filter = ["status", "reason", "content_type"]
    list_select_related = ["reporter", "content_type"]
    search_fields = ["note", "reporter__email"]
    raw_id_fields = ["reporter", "resolved_by"]
    readonly_fields = ["content_type", "object_id", "reporter", "reason", "note", "created_at", "resolved_at",
                       "resolved_by", "status"]  # fmt: skip
    actions = ["uphold_and_hide", "dismiss"]
    ordering = ["status", "-created_at"]

    def get_queryset(self, request):
        same_target = (
            Flag.objects.filter(content_type_id=OuterRef("content_type_id"), object_id=OuterRef("object_id"))
            .order_by()
            .values("object_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        return super().get_queryset(request).annotate(flags_on_target_count=Subquery(same_target))

    @admin.display(description="Flags on this content", ordering="flags_on_target_count")
    def flags_on_target(self, flag):
        return flag.flags_on_target_count

    @admin.display(description="Content")
    def target_link(self, flag):
        target = flag.target
        if target is None:
            return "(deleted)"
        url = getattr(target, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), str(target)[:80]) if url else str(target)[:80]

    def has_add_permission(self, request):
        return False

    def _resolve(self, request, queryset, service, verb):
        done = 0
        for flag in queryset:
            with flash_errors(request, prefix=str(flag)):
                done += service(flag=flag, moderator=request.user) and 1
        self.message_user(request, f"{verb} {done} flagged item(s).", messages.SUCCESS)

    @admin.action(description="Uphold: hide the content and close its flags")
    def uphold_and_hide(self, request, queryset):
        self._resolve(request, queryset.filter(status=Flag.Status.OPEN), services.flag_uphold, "Hid")

    @admin.action(description="Dismiss: keep the content and close its flags")
    def dismiss(self, request, queryset):
        self._resolve(request, queryset.filter(status=Flag.Status.OPEN), services.flag_dismiss, "Dismissed flags on")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit trail: read-only, for everyone with access."""

    list_display = ["created_at", "moderator", "action", "content_type", "target_repr", "reason"]
    list_filter = ["action", "content_type"]
    list_select_related = ["moderator", "content_type"]
    search_fields = ["target_repr", "reason", "moderator__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from causeweb.core.boundary import flash_errors
from causeweb.moderation import policies, registry, selectors, services
from causeweb.moderation.admin_trust import suspension_end  # also registers the trust-and-safety admin
from causeweb.moderation.forms import DURATION_CHOICES
from causeweb.moderation.models import Flag


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
        # The flagged content of a page of flags in one query per content type (with what each
        # type's link needs, `registry.related`), not one per row.
        content = GenericPrefetch("target", registry.bulk_querysets())
        return (
            super()
            .get_queryset(request)
            .annotate(flags_on_target_count=Subquery(same_target))
            .prefetch_related(content)
        )

    @admin.display(description=_("Flags on this content"), ordering="flags_on_target_count")
    def flags_on_target(self, flag):
        return flag.flags_on_target_count

    @admin.display(description=_("Content"))
    def target_link(self, flag):
        target = flag.target
        if target is None:
            return "(deleted)"
        url = getattr(target, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), str(target)[:80]) if url else str(target)[:80]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        queue = path("queue/", self.admin_site.admin_view(self.queue_view), name="moderation_flag_queue")
        return [queue, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": gettext("Flags (the grouped queue is at Moderation queue)")}
        return super().changelist_view(request, extra_context)

    def queue_view(self, request):
        """Flags grouped by item with the content inline; resolve an item in one click."""
        if not policies.can_resolve_flags(request.user):
            raise DjangoPermissionDenied
        if request.method == "POST":
            self._resolve_item(request)
            return redirect("admin:moderation_flag_queue")
        context = {
            **self.admin_site.each_context(request),
            "items": selectors.flag_queue(),
            "hidden_items": selectors.hidden_items(),
            "can_suspend": policies.can_suspend(request.user),
            "suspend_durations": DURATION_CHOICES,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/moderation/queue.html", context)

    def _restore_item(self, request) -> None:
        object_id = request.POST.get("object_id", "")
        target = object_id.isdigit() and selectors.restorable_target_for(
            label=request.POST.get("content_type", ""), object_id=int(object_id)
        )
        if not target:
            self.message_user(request, gettext("That item cannot be restored from here."), messages.WARNING)
            return
        with flash_errors(request, prefix=str(target)[:80]):
            services.content_restore(target=target, moderator=request.user, reason=request.POST.get("reason", ""))
            self.message_user(request, gettext("Restored %(item)s.") % {"item": str(target)[:80]}, messages.SUCCESS)

    def _resolve_item(self, request) -> None:
        if request.POST.get("resolution") == "restore":
            self._restore_item(request)
            return
        app_label, _dot, model = request.POST.get("content_type", "").partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        object_id = request.POST.get("object_id", "")
        flag = (
            content_type
            and object_id.isdigit()
            and selectors.open_flag_for(content_type_id=content_type.pk, object_id=int(object_id))
        )
        if not flag:
            self.message_user(request, gettext("That item has no open flags any more."), messages.WARNING)
            return
        resolution, reason = request.POST.get("resolution"), request.POST.get("reason", "")
        with flash_errors(request, prefix=str(flag)):
            if resolution == "dismiss":
                services.flag_dismiss(flag=flag, moderator=request.user, reason=reason)
                self.message_user(
                    request, gettext("Dismissed the flags on %(item)s.") % {"item": flag}, messages.SUCCESS
                )
            elif resolution in ("hide", "hide_and_suspend"):
                suspend = resolution == "hide_and_suspend"
                services.flag_uphold(
                    flag=flag,
                    moderator=request.user,
                    reason=reason,
                    suspend_author=suspend,
                    suspend_until=suspension_end(request.POST.get("suspend_days", "30")) if suspend else None,
                )
                done = (
                    gettext("Hid it and suspended its author (%(item)s).") if suspend else gettext("Hid it (%(item)s).")
                )
                self.message_user(request, done % {"item": flag}, messages.SUCCESS)

    def _resolve(self, request, queryset, service, done_message):
        """`done_message(count)`: what to say after acting on `count` items."""
        done = 0
        for flag in queryset:
            with flash_errors(request, prefix=str(flag)):
                done += service(flag=flag, moderator=request.user) and 1
        self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Uphold: hide the content and close its flags"))
    def uphold_and_hide(self, request, queryset):
        self._resolve(
            request,
            queryset.filter(status=Flag.Status.OPEN),
            services.flag_uphold,
            lambda n: ngettext("Hid %(count)s flagged item(s).", "Hid %(count)s flagged item(s).", n) % {"count": n},
        )

    @admin.action(description=_("Dismiss: keep the content and close its flags"))
    def dismiss(self, request, queryset):
        self._resolve(
            request,
            queryset.filter(status=Flag.Status.OPEN),
            services.flag_dismiss,
            lambda n: (
                ngettext(
                    "Dismissed flags on %(count)s flagged item(s).", "Dismissed flags on %(count)s flagged item(s).", n
                )
                % {"count": n}
            ),
        )

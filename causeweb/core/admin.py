"""Abuse limits in admin: who hit which rate limit and how often (read-only), and the moderators'
overrides: lift a limit for a person or an address, or raise it for a busy campaign."""

import contextlib
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from causeweb.core import abuse
from causeweb.core.admin_export import export_as_csv
from causeweb.core.models import OutboxMessage, RateLimitHit, RateLimitOverride
from causeweb.moderation.services import moderation_action_record


@admin.register(RateLimitHit)
class RateLimitHitAdmin(admin.ModelAdmin):
    list_display = ["hour", "limit", "key_kind", "person", "scope", "count", "last_at", "override_link"]
    list_filter = ["limit", "key_kind", "hour"]
    list_select_related = ["user"]
    search_fields = ["user__email", "scope"]
    search_help_text = _("A person's email, a scope (campaigns.campaign:12), or an exact IP or email address.")
    date_hierarchy = "hour"
    actions = [export_as_csv]

    def get_search_results(self, request, queryset, search_term):
        """An address or email typed in is matched by its hash (the table never stores it)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, duplicates
        hashes = [abuse.key_hash(abuse.email_subject(term))]
        with contextlib.suppress(ValueError):  # not an address
            hashes.append(abuse.key_hash(abuse.ip_subject(term)))
        return results | queryset.filter(key_hash__in=hashes), True

    @admin.display(description=_("Person"), ordering="user__email")
    def person(self, hit):
        if hit.user_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:accounts_user_change", args=[hit.user_id]), hit.user)

    @admin.display(description=_("Override"))
    def override_link(self, hit):
        """A prefilled override form: lift it for the person, or raise it for the scope."""
        initial = {"limit": hit.limit}
        if hit.user_id:
            initial["user"] = hit.user_id
        elif hit.scope and ":" in hit.scope:
            label, _, object_id = hit.scope.rpartition(":")
            app_label, _, model = label.partition(".")
            content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
            if content_type is None or not object_id.isdigit():
                return "—"
            initial.update(content_type=content_type.pk, object_id=object_id)
        else:
            return "—"
        url = reverse("admin:core_ratelimitoverride_add") + "?" + urlencode(initial)
        text = gettext("lift for person…") if hit.user_id else gettext("raise for it…")
        return format_html('<a href="{}">{}</a>', url, text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RateLimitOverride)
class RateLimitOverrideAdmin(admin.ModelAdmin):
    list_display = ["created_at", "limit_label", "subject", "rate_label", "expires_at", "created_by", "reason"]
    list_filter = ["limit", ("expires_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "content_type", "created_by"]
    search_fields = ["user__email", "ip", "reason"]
    raw_id_fields = ["user"]
    fields = ["limit", "user", "ip", "content_type", "object_id", "rate", "expires_at", "reason"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "limit":
            choices = [("", gettext("Every limit")), *((name, f"{name} ({rate})") for name, rate in _limits())]
            return forms.ChoiceField(choices=choices, required=False, label=gettext("Limit"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        before = _override_state(RateLimitOverride.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        # A moderator's exception to a limit is a moderation action: it goes in the audit log.
        moderation_action_record(
            moderator=request.user,
            action="ratelimit_override_change" if change else "ratelimit_override_create",
            target=obj,
            reason=obj.reason,
            subject=obj.user,
            before=before,
            after=_override_state(obj),
        )

    def delete_model(self, request, obj):
        before = _override_state(obj)
        moderation_action_record(
            moderator=request.user, action="ratelimit_override_delete", target=obj, subject=obj.user, before=before
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            self.delete_model(request, override)

    @admin.display(description=_("Limit"), ordering="limit")
    def limit_label(self, override):
        return override.limit or gettext("every limit")

    @admin.display(description=_("For"))
    def subject(self, override):
        return override.subject_label

    @admin.display(description=_("Rate"), ordering="rate")
    def rate_label(self, override):
        return override.rate or gettext("lifted (no limit)")


def _override_state(override) -> dict:
    return {
        "limit": override.limit or "every limit",
        "for": override.subject_label,
        "rate": override.rate or "lifted",
        "expires_at": override.expires_at.isoformat() if override.expires_at else None,
    }


def _limits():
    return sorted(settings.RATE_LIMITS.items())


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

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from causeweb.accounts.models import ApiToken, User
from causeweb.core.boundary import flash_errors
from causeweb.moderation.policies import can_suspend
from causeweb.moderation.services import user_reinstate


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "bio", "location", "timezone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    # Suspension is the one way to bar someone (moderation.services.user_suspend keeps is_active),
    # so the box is not ticked by hand here.
    readonly_fields = ["is_active"]
    actions = ["suspend", "reinstate"]

    def has_suspend_permission(self, request):
        return can_suspend(request.user)

    @admin.action(description=_("Suspend… (choose the rule and the period)"), permissions=["suspend"])
    def suspend(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:200])
        return redirect(f"{reverse('admin:moderation_suspension_suspend')}?users={ids}")

    @admin.action(description=_("Lift their suspension (they are told)"), permissions=["suspend"])
    def reinstate(self, request, queryset):
        done = 0
        for user in queryset:
            with flash_errors(request, prefix=user.email):
                done += user_reinstate(user=user, moderator=request.user, reason="Lifted from the user admin")
        self.message_user(
            request,
            ngettext("Reinstated %(count)s account(s).", "Reinstated %(count)s account(s).", done) % {"count": done},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: the secret is never here (only its hash and first characters); people create,
    rename and revoke their own tokens on their profile page, and suspension revokes them all."""

    list_display = ["name", "user", "prefix", "scope", "created", "last_used", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "scope", "created", "last_used", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from communities.models import (
    Announcement,
    Ban,
    Group,
    GroupCampaign,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Reaction,
    Thread,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "cause", "location", "member_count", "created_at"]
    list_filter = ["visibility", "cause"]
    search_fields = ["name", "slug", "location"]
    readonly_fields = ["member_count", "description_html", "code_of_conduct_html", "created_at", "updated_at"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "group__name"]
    raw_id_fields = ["user", "group"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "banned_by", "created_at"]
    raw_id_fields = ["user", "group", "banned_by"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "group", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["group", "note", "expires_at", "revoked_at", "use_count", "max_uses"]
    raw_id_fields = ["group", "created_by"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "author", "is_pinned", "is_locked", "is_hidden", "reply_count"]
    list_filter = ["is_pinned", "is_locked", "is_hidden"]
    search_fields = ["title"]
    raw_id_fields = ["group", "author"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "is_hidden", "deleted_at"]
    list_filter = ["is_hidden"]
    search_fields = ["body"]
    raw_id_fields = ["thread", "author", "parent", "hidden_by"]
    readonly_fields = ["body_html"]


admin.site.register(Reaction, raw_id_fields=["post", "user"], list_display=["post", "user", "kind"])
admin.site.register(GroupCampaign, raw_id_fields=["group", "campaign", "added_by"])
admin.site.register(
    Announcement, raw_id_fields=["group", "author"], list_display=["subject", "group", "sent_at", "recipient_count"]
)

from django.contrib import admin

from campaigns.models import Campaign, Cause


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "organizer", "cause", "status", "published_at"]
    list_filter = ["status", "cause"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["organizer"]

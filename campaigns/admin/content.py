"""Moderators work here: a review queue of pending campaigns with approve / reject-with-reason,
close and unpublish actions, and comment hiding. Every action goes through campaigns.services
(lifecycle, comments), which checks permissions and writes the moderation audit log."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from campaigns.admin.review import CampaignReviewMixin
from campaigns.forms import RejectForm
from campaigns.models import (
    Campaign,
    CampaignTranslation,
    CampaignUpdate,
    Cause,
    Comment,
    PendingCampaign,
    ShareLink,
    Signature,
    Tag,
)
from campaigns.services import comments, lifecycle
from causeweb.core.admin_export import export_as_csv
from causeweb.core.boundary import flash_errors
from causeweb.core.markdown import render_markdown
from causeweb.core.money import format_money, visitor_locale

# What each action says it did, as whole sentences per count (ngettext_lazy keyed on %(count)d).
DONE = {
    "approved": ngettext_lazy("Approved %(count)d campaign.", "Approved %(count)d campaigns.", "count"),
    "rejected": ngettext_lazy("Rejected %(count)d campaign.", "Rejected %(count)d campaigns.", "count"),
    "closed": ngettext_lazy("Closed %(count)d campaign.", "Closed %(count)d campaigns.", "count"),
    "unpublished": ngettext_lazy("Unpublished %(count)d campaign.", "Unpublished %(count)d campaigns.", "count"),
    "hid": ngettext_lazy("Hid %(count)d comment.", "Hid %(count)d comments.", "count"),
    "restored": ngettext_lazy("Restored %(count)d comment.", "Restored %(count)d comments.", "count"),
}


def _run_each(modeladmin, request, queryset, action, verb: str, **kwargs) -> None:
    done = 0
    for campaign in queryset:
        with flash_errors(request, prefix=str(campaign), level=messages.WARNING) as call:
            action(campaign=campaign, **kwargs)
        done += call.ok
    if done:
        modeladmin.message_user(request, DONE[verb] % {"count": done}, messages.SUCCESS)


def _with_reason(modeladmin, request, queryset, *, action, verb: str, title: str, action_name: str):
    """Intermediate page asking for the reason (emailed to the organizer) before acting."""
    if "apply" in request.POST:
        form = RejectForm(request.POST)
        if form.is_valid():
            _run_each(
                modeladmin, request, queryset, action, verb, moderator=request.user, reason=form.cleaned_data["reason"]
            )
            return None
    else:
        form = RejectForm()
    return TemplateResponse(
        request,
        "admin/campaigns/reason_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "campaigns": queryset,
            "form": form,
            "action_name": action_name,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class CampaignModerationMixin:
    actions = ["approve", "reject", "close", "unpublish"]

    @admin.action(description=_("Approve and publish the selected campaigns"), permissions=["change"])
    def approve(self, request, queryset):
        _run_each(self, request, queryset, lifecycle.campaign_approve, "approved", moderator=request.user)

    @admin.action(description=_("Reject the selected campaigns (with a reason)…"), permissions=["change"])
    def reject(self, request, queryset):
        return _with_reason(
            self,
            request,
            queryset,
            action=lifecycle.campaign_reject,
            verb="rejected",
            title=_("Reject campaigns"),
            action_name="reject",
        )

    @admin.action(description=_("Close the selected campaigns"), permissions=["change"])
    def close(self, request, queryset):
        _run_each(self, request, queryset, lifecycle.campaign_close, "closed", actor=request.user)

    @admin.action(description=_("Unpublish the selected campaigns (with a reason)…"), permissions=["change"])
    def unpublish(self, request, queryset):
        return _with_reason(
            self,
            request,
            queryset,
            action=lifecycle.campaign_unpublish,
            verb="unpublished",
            title=_("Unpublish campaigns"),
            action_name="unpublish",
        )


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


class CampaignTranslationInline(admin.StackedInline):
    model = CampaignTranslation
    extra = 0
    fields = ["language", "title", "summary", "story"]


@admin.register(Campaign)
class CampaignAdmin(CampaignReviewMixin, CampaignModerationMixin, admin.ModelAdmin):
    inlines = [CampaignTranslationInline]
    actions = [*CampaignModerationMixin.actions, export_as_csv]
    list_display = ["title", "organizer_link", "cause", "status", "goal", "signature_count", "published_at"]
    list_filter = ["status", "cause", "currency", ("goal_minor", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "organizer__email", "organizer__display_name"]
    raw_id_fields = ["organizer"]
    list_select_related = ["organizer", "cause"]
    # Status changes go through the actions (and their services), never by editing the field.
    readonly_fields = [
        "status",
        "rejection_reason",
        "signature_count",
        "follower_count",
        "submitted_at",
        "published_at",
        "closed_at",
        "last_activity_at",
    ]
    filter_horizontal = ["tags"]

    def save_model(self, request, obj, form, change):
        obj.story_html = render_markdown(obj.story)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is CampaignTranslation:
            for version in formset.save(commit=False):
                version.story_html = render_markdown(version.story)
                version.save()
            for version in formset.deleted_objects:
                version.delete()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("Organizer"), ordering="organizer__email")
    def organizer_link(self, campaign):
        return organizer_link(campaign)

    @admin.display(description=_("Goal"), ordering="goal_minor")
    def goal(self, campaign):
        return (
            format_money(campaign.goal_minor, campaign.currency, locale=visitor_locale())
            if campaign.goal_minor
            else "—"
        )


def organizer_link(campaign) -> str:
    url = reverse("admin:accounts_user_change", args=[campaign.organizer_id])
    return format_html('<a href="{}">{}</a>', url, campaign.organizer)


@admin.register(PendingCampaign)
class ReviewQueueAdmin(CampaignReviewMixin, CampaignModerationMixin, admin.ModelAdmin):
    actions = ["approve", "reject", export_as_csv]
    list_display = ["title", "organizer_link", "cause", "submitted_at", "public_preview"]
    list_select_related = ["organizer", "cause"]
    search_fields = ["title", "summary"]
    readonly_fields = [
        "title",
        "organizer",
        "cause",
        "summary",
        "story_rendered",
        "location",
        "petition_target",
        "goal",
        "deadline",
        "submitted_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Campaign.Status.PENDING_REVIEW).order_by("submitted_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Organizer"), ordering="organizer__email")
    def organizer_link(self, campaign):
        return organizer_link(campaign)

    @admin.display(description=_("Goal"))
    def goal(self, campaign):
        return (
            format_money(campaign.goal_minor, campaign.currency, locale=visitor_locale())
            if campaign.goal_minor
            else "—"
        )

    @admin.display(description=_("Story"))
    def story_rendered(self, obj):
        # Rendered from the source now (sanitized SafeString), as the public page will show it.
        return format_html('<div class="campaign-story">{}</div>', render_markdown(obj.story))

    @admin.display(description=_("Preview"))
    def public_preview(self, obj):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', reverse("campaigns:preview", args=[obj.slug]), _("Preview")
        )


@admin.register(CampaignUpdate)
class CampaignUpdateAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "created_at"]
    raw_id_fields = ["campaign", "author"]
    list_select_related = ["campaign"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "campaign", "confirmed_at", "created_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email"]
    raw_id_fields = ["campaign", "user", "share_link"]
    list_select_related = ["campaign"]
    readonly_fields = ["confirmed_at", "created_at"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "campaign", "created_by", "click_count", "created_at"]
    raw_id_fields = ["campaign", "created_by"]
    list_select_related = ["campaign", "created_by"]
    readonly_fields = ["code", "click_count"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "campaign", "created_at", "hidden_at", "deleted_at"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["campaign", "author", "parent", "hidden_by"]
    list_select_related = ["author", "campaign"]
    readonly_fields = ["body_html", "hidden_at", "hidden_by", "deleted_at", "edited_at"]
    actions = ["hide", "restore"]

    @admin.action(description=_("Hide the selected comments"), permissions=["change"])
    def hide(self, request, queryset):
        _run_comment_action(self, request, queryset, comments.comment_hide, "hid", actor=request.user)

    @admin.action(description=_("Restore the selected comments"), permissions=["change"])
    def restore(self, request, queryset):
        _run_comment_action(self, request, queryset, comments.comment_unhide, "restored", moderator=request.user)


def _run_comment_action(modeladmin, request, queryset, action, verb: str, **kwargs) -> None:
    done = 0
    for comment in queryset:
        with flash_errors(request, prefix=str(comment), level=messages.WARNING) as call:
            action(comment=comment, **kwargs)
        done += call.ok
    if done:
        modeladmin.message_user(request, DONE[verb] % {"count": done}, messages.SUCCESS)

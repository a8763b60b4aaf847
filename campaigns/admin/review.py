"""The campaign change page a moderator can judge from: the story rendered as the public sees it
(sanitized by causeweb.core.markdown), the cover, the goal in money, the organizer's history
(their campaigns with states and flags, account age), the edits of a live campaign as a diff, and
Approve / Reject-with-a-reason buttons that POST to the same services as the list actions."""

import difflib

from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext

from campaigns import policies, selectors
from campaigns.models import Campaign, CampaignRevision
from campaigns.services import lifecycle
from causeweb.core.boundary import flash_errors
from causeweb.core.markdown import render_markdown
from causeweb.core.money import format_money, visitor_locale


def story_diff(revision: CampaignRevision) -> list[tuple[str, str]]:
    """The story's change as unified-diff lines tagged "add", "del", "hunk" or "same"."""
    lines = difflib.unified_diff(
        revision.story_before.splitlines(), revision.story_after.splitlines(), lineterm="", n=2
    )
    tagged = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        tagged.append((kind, line))
    return tagged


class CampaignReviewMixin:
    """For ModelAdmins over Campaign (and its PendingCampaign proxy)."""

    change_form_template = "admin/campaigns/review_change_form.html"

    def _review_url_name(self, what: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{what}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        extra = [
            path("<int:object_id>/approve/", wrap(self.approve_view), name=self._review_url_name("approve")),
            path("<int:object_id>/reject/", wrap(self.reject_view), name=self._review_url_name("reject")),
            path(
                "<int:object_id>/edits-reviewed/",
                wrap(self.edits_reviewed_view),
                name=self._review_url_name("edits_reviewed"),
            ),
        ]
        return [*extra, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            review = selectors.campaign_review(campaign=obj)
            context.update(
                {
                    "campaign": obj,
                    "review": review,
                    "story_html": render_markdown(obj.story),
                    "goal_display": format_money(obj.goal_minor, obj.currency, locale=visitor_locale())
                    if obj.goal_minor
                    else "",
                    "revisions": [
                        {
                            "revision": revision,
                            "diff": story_diff(revision),
                            "goal_before": format_money(
                                revision.goal_before_minor, revision.currency, locale=visitor_locale()
                            )
                            if revision.goal_before_minor
                            else "none",
                            "goal_after": format_money(
                                revision.goal_after_minor, revision.currency, locale=visitor_locale()
                            )
                            if revision.goal_after_minor
                            else "none",
                        }
                        for revision in review.revisions
                    ],
                    "can_review": policies.user_is_moderator(request.user),
                    "is_pending": obj.status == Campaign.Status.PENDING_REVIEW,
                    "review_url_names": {
                        what: f"admin:{self._review_url_name(what)}" for what in ("approve", "reject", "edits_reviewed")
                    },
                }
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _campaign_for_review(self, request, object_id: int) -> Campaign:
        """The campaign, after the checks every review POST needs (405, 404, 403)."""
        campaign = Campaign.objects.select_related("organizer").filter(pk=object_id).first()
        if campaign is None:
            raise Http404("No such campaign.")
        if not self.has_change_permission(request, campaign):
            raise DjangoPermissionDenied
        return campaign

    def _review_action(self, request, object_id: int, *, success: str, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        campaign = self._campaign_for_review(request, object_id)
        with flash_errors(request, success=success % {"campaign": campaign}):
            action(campaign)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", campaign.pk)

    def approve_view(self, request, object_id: int):
        return self._review_action(
            request,
            object_id,
            success=gettext("Approved “%(campaign)s”: it is live and the organizer was told."),
            action=lambda campaign: lifecycle.campaign_approve(campaign=campaign, moderator=request.user),
        )

    def reject_view(self, request, object_id: int):
        reason = request.POST.get("reason", "")
        return self._review_action(
            request,
            object_id,
            success=gettext("Rejected “%(campaign)s”: the organizer was sent your reason."),
            action=lambda campaign: lifecycle.campaign_reject(campaign=campaign, moderator=request.user, reason=reason),
        )

    def edits_reviewed_view(self, request, object_id: int):
        return self._review_action(
            request,
            object_id,
            success=gettext("Marked the edits of “%(campaign)s” as seen; it stays live."),
            action=lambda campaign: lifecycle.campaign_revisions_mark_reviewed(
                campaign=campaign, moderator=request.user
            ),
        )


@admin.register(CampaignRevision)
class CampaignRevisionAdmin(admin.ModelAdmin):
    """Edits of live campaigns; unreviewed first. Read-only: they are what the organizer did."""

    list_display = ["created_at", "campaign", "editor", "resubmitted", "reviewed_at"]
    list_filter = [("reviewed_at", admin.EmptyFieldListFilter), "resubmitted"]
    list_select_related = ["campaign", "editor"]
    search_fields = ["campaign__title", "editor__email"]
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

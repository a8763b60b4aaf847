"""The organizer's pages: create and edit a campaign, submit or close it, their list, share stats,
news posts and the signatures export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from campaigns import policies, selectors
from campaigns.forms import CampaignForm, UpdateForm
from campaigns.hooks import campaign_form_sections
from campaigns.services import authoring, lifecycle, updates
from campaigns.views._common import detail_context, managed_or_404
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.csv_export import csv_stream_response

SIGNATURES_CSV_HEADER = ["name", "email", "comment", "public", "confirmed", "signed_at", "via_share_link"]


def _save_with_sections(request, form, sections, save):
    """Save the campaign, then let each section (campaigns.hooks.campaign_form_sections) apply its
    part, in one transaction: a section that refuses (its error shown on its form) saves nothing."""
    with transaction.atomic():
        with form_errors(form) as call:
            campaign = save()
        if not call.ok:
            return None
        for section in sections:
            with form_errors(section.form) as section_call:
                section.apply(campaign=campaign, actor=request.user)
            if not section_call.ok:
                transaction.set_rollback(True)
                return None
    return campaign


def _valid(form, sections) -> bool:
    return all([form.is_valid(), *(section.form.is_valid() for section in sections)])


@login_required
def campaign_create(request):
    form = CampaignForm(request.POST or None, request.FILES or None)
    sections = campaign_form_sections.sections(campaign=None, data=request.POST or None)
    if request.method == "POST" and _valid(form, sections):
        campaign = _save_with_sections(
            request,
            form,
            sections,
            lambda: authoring.campaign_create(organizer=request.user, **form.service_kwargs()),
        )
        if campaign is not None:
            messages.success(request, gettext("Draft saved. Preview it, then submit it for review when it is ready."))
            return redirect("campaigns:preview", slug=campaign.slug)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None, "form_sections": sections})


@login_required
def campaign_edit(request, slug: str):
    campaign = managed_or_404(request, slug)
    if not policies.is_organizer(request.user, campaign):
        raise Http404("No such campaign.")
    form = CampaignForm(request.POST or None, request.FILES or None, initial=CampaignForm.initial_for(campaign))
    sections = campaign_form_sections.sections(campaign=campaign, data=request.POST or None)
    if request.method == "POST" and _valid(form, sections):
        was_public = campaign.is_public
        saved = _save_with_sections(
            request,
            form,
            sections,
            lambda: authoring.campaign_edit(campaign=campaign, actor=request.user, **form.service_kwargs()),
        )
        if saved is not None and was_public and saved.status == saved.Status.PENDING_REVIEW:
            # CAMPAIGN_EDIT_REVIEW = "resubmit": the story or goal changed, so it waits for a moderator.
            messages.info(
                request,
                gettext("Changes saved. A moderator reviews the new story or goal before the campaign is back online."),
            )
            return redirect("campaigns:preview", slug=saved.slug)
        if saved is not None:
            messages.success(request, gettext("Changes saved."))
            target = "campaigns:detail" if saved.is_public else "campaigns:preview"
            return redirect(target, slug=saved.slug)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign, "form_sections": sections})


@login_required
@require_POST
def campaign_submit(request, slug: str):
    campaign = managed_or_404(request, slug)
    with flash_errors(request, success=gettext("Submitted. A moderator will review it soon; we will email you.")):
        lifecycle.campaign_submit_for_review(campaign=campaign, actor=request.user)
    return redirect("campaigns:preview", slug=slug)


@login_required
@require_POST
def campaign_close(request, slug: str):
    campaign = managed_or_404(request, slug)
    with flash_errors(request, success=gettext("The campaign is closed. Thank you for all you did.")):
        lifecycle.campaign_close(campaign=campaign, actor=request.user)
    return redirect("campaigns:detail", slug=slug)


@login_required
@require_safe
def my_campaigns(request):
    return render(
        request, "campaigns/mine.html", {"campaigns": selectors.campaign_list_for_organizer(user=request.user)}
    )


@login_required
@require_safe
def campaign_stats(request, slug: str):
    campaign = managed_or_404(request, slug)
    return render(
        request,
        "campaigns/stats.html",
        {"campaign": campaign, "stats": selectors.share_stats(campaign=campaign)},
    )


@login_required
@require_POST
def update_create(request, slug: str):
    campaign = managed_or_404(request, slug)
    form = UpdateForm(request.POST)
    if form.is_valid():
        with form_errors(form) as call:
            update = updates.campaign_update_create(
                campaign=campaign, author=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        if call.ok:
            messages.success(request, gettext("Update posted; followers are being notified."))
            return redirect(f"{campaign.get_absolute_url()}#update-{update.pk}")
    if not campaign.is_public:
        messages.error(request, gettext("Post updates once the campaign is published."))
        return redirect("campaigns:preview", slug=slug)
    return render(request, "campaigns/detail.html", detail_context(request, campaign, update_form=form), status=400)


@login_required
@require_safe
def signatures_csv(request, slug: str):
    campaign = selectors.campaign_get_for_signature_export(slug=slug, user=request.user)
    if campaign is None:
        raise Http404("No such campaign.")
    rows = (
        [
            signature.name,
            signature.email,
            signature.comment,
            "yes" if signature.is_public else "no",
            signature.confirmed_at.isoformat() if signature.confirmed_at else "",
            signature.created_at.isoformat(),
            signature.share_link.code if signature.share_link else "",
        ]
        for signature in selectors.signature_list_for_export(campaign=campaign)
    )
    return csv_stream_response(filename=f"{campaign.slug}-signatures.csv", header=SIGNATURES_CSV_HEADER, rows=rows)

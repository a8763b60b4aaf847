"""The organizer's translations of a campaign: list, add or edit one, remove one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import content_selectors, policies
from campaigns.forms import CampaignTranslationForm
from campaigns.services import translations
from campaigns.views._common import managed_or_404
from causeweb.core.boundary import flash_errors, form_errors


def _organizer_campaign(request, slug: str):
    campaign = managed_or_404(request, slug)
    if not policies.is_organizer(request.user, campaign):
        raise Http404("No such campaign.")
    return campaign


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def translation_list(request, slug: str):
    """The campaign's translations and a form to add one or, with ?language=xx, edit that one."""
    campaign = _organizer_campaign(request, slug)
    editing = content_selectors.campaign_translation_get(campaign=campaign, language=request.GET.get("language", ""))
    initial = (
        {"language": editing.language, "title": editing.title, "summary": editing.summary, "story": editing.story}
        if editing
        else {}
    )
    form = CampaignTranslationForm(
        request.POST if request.method == "POST" else None, campaign=campaign, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            translations.campaign_translation_save(campaign=campaign, actor=request.user, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Translation saved."))
            return redirect("campaigns:translations", slug=campaign.slug)
    return render(
        request,
        "campaigns/translations.html",
        {
            "campaign": campaign,
            "form": form,
            "editing": editing,
            "translations": content_selectors.campaign_translation_list(campaign=campaign),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def translation_delete(request, slug: str, language: str):
    campaign = _organizer_campaign(request, slug)
    with flash_errors(request, success=gettext("Translation removed.")):
        translations.campaign_translation_delete(campaign=campaign, actor=request.user, language=language)
    return redirect("campaigns:translations", slug=campaign.slug)

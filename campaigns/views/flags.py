"""Reporting a campaign, one of its updates or a comment to the site moderators. All go through
campaigns.services.moderation, which hands the report to the generic flag service
(causeweb.moderation.services.flag_create); this module only has the one form flow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from campaigns import selectors
from campaigns.forms import FlagForm
from campaigns.services import moderation
from campaigns.views._common import public_or_404
from campaigns.views.comments import comment_or_404
from causeweb.core.boundary import form_errors
from causeweb.core.exceptions import Conflict


def _flag_form(request, *, campaign, comment, report, back_to: str, update=None):
    """GET shows the form; a valid POST calls `report(reporter=, reason=, note=)`. Flagging twice is
    a note, not an error."""
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            try:
                report(reporter=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"])
            except Conflict as exc:
                messages.info(request, exc.message)
                return redirect(back_to)
        if call.ok:
            messages.success(request, gettext("Thank you — moderators will look at it."))
            return redirect(back_to)
    return render(
        request,
        "campaigns/comment_flag.html",
        {"campaign": campaign, "comment": comment, "update": update, "form": form},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_flag(request, slug: str, comment_id: int):
    campaign = public_or_404(slug)
    comment = comment_or_404(campaign, comment_id)

    def report(**kwargs):
        return moderation.comment_flag(comment=comment, **kwargs)

    return _flag_form(
        request,
        campaign=campaign,
        comment=comment,
        report=report,
        back_to=f"{campaign.get_absolute_url()}#comment-{comment.pk}",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_flag(request, slug: str):
    campaign = public_or_404(slug)

    def report(**kwargs):
        return moderation.campaign_flag(campaign=campaign, **kwargs)

    return _flag_form(request, campaign=campaign, comment=None, report=report, back_to=campaign.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_flag(request, slug: str, update_id: int):
    campaign = public_or_404(slug)
    update = selectors.campaign_updates(campaign=campaign).filter(pk=update_id).first()
    if update is None:  # unknown, of another campaign, or already hidden
        raise Http404

    def report(**kwargs):
        return moderation.update_flag(update=update, **kwargs)

    return _flag_form(
        request,
        campaign=campaign,
        comment=None,
        update=update,
        report=report,
        back_to=f"{campaign.get_absolute_url()}#update-{update.pk}",
    )

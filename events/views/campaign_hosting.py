"""Distributed campaigns: the organizer opens a campaign to hosts and reviews their events (the
buttons are in the events section of the campaign page, events/_campaign_section.html)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from campaigns import selectors as campaign_selectors
from causeweb.core.boundary import flash_errors
from events.services.campaign_hosting import campaign_hosting_set, event_campaign_review
from events.views._common import event_or_404

REVIEW_DECISIONS = {"1": True, "0": False, "approve": True, "reject": False}


def _back_to_actions(campaign) -> str:
    return f"{campaign.get_absolute_url()}#actions"


@login_required
@require_POST
def campaign_hosting(request, slug):
    campaign = campaign_selectors.campaign_get_for_manager(slug=slug, user=request.user)
    if campaign is None:
        raise Http404("No such campaign.")
    open_to_anyone = request.POST.get("open_to_anyone") == "1"
    success = (
        gettext("Anyone can now host an event for this campaign; you review each one before it appears.")
        if open_to_anyone
        else gettext("Only you host events for this campaign now.")
    )
    with flash_errors(request, success=success):
        campaign_hosting_set(campaign=campaign, actor=request.user, open_to_anyone=open_to_anyone)
    return redirect(_back_to_actions(campaign))


@login_required
@require_POST
def event_review(request, slug):
    event = event_or_404(slug, request.user)
    # "1"/"0" from the buttons (a button's value is read out, so it carries no English word);
    # "approve"/"reject" still accepted from pages rendered before.
    decision = REVIEW_DECISIONS.get(request.POST.get("decision", ""))
    if decision is None or event.campaign_id is None:
        raise Http404("No such review.")
    approve = decision
    with flash_errors(
        request,
        success=(gettext("%(event)s: approved.") if approve else gettext("%(event)s: rejected."))
        % {"event": event.title},
    ):
        event_campaign_review(event=event, actor=request.user, approve=approve)
    return redirect(_back_to_actions(event.campaign))

"""The organizer's messages to supporters: compose (choosing a segment), preview with the number
of people it will reach, send a test to yourself, send; and the tracked link in the email that
counts who opened it by clicking."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import outreach_selectors as selectors
from campaigns import policies
from campaigns.forms import MessageForm
from campaigns.services import messages as message_services
from campaigns.services import sharing
from campaigns.views._common import managed_or_404
from campaigns.views.sharing import _visitor
from causeweb.core.boundary import flash_errors, form_errors


def _organizer_campaign(request, slug):
    campaign = managed_or_404(request, slug)
    if not policies.is_organizer(request.user, campaign):
        raise Http404("No such campaign.")
    return campaign


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_list(request, slug):
    campaign = _organizer_campaign(request, slug)
    segments = message_services.campaign_message_segments_for(campaign=campaign)
    form = MessageForm(request.POST or None, segments=segments)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            message = message_services.campaign_message_create(
                campaign=campaign, author=request.user, **form.cleaned_data
            )
        if call.ok:
            return redirect("campaigns:message_preview", slug=campaign.slug, message_id=message.pk)
    return render(
        request,
        "campaigns/messages.html",
        {"campaign": campaign, "form": form, "sent_messages": selectors.campaign_messages(campaign=campaign)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_preview(request, slug, message_id):
    campaign = _organizer_campaign(request, slug)
    message = selectors.campaign_message_get(campaign=campaign, message_id=message_id)
    if message is None:
        raise Http404("No such message.")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "test":
            with flash_errors(
                request, success=gettext("A test is on its way to %(email)s.") % {"email": request.user.email}
            ):
                message_services.campaign_message_send_test(message=message, actor=request.user)
        elif action == "send":
            with flash_errors(request) as call:
                sent = message_services.campaign_message_send(message=message, actor=request.user)
            if call.ok:
                flash.success(
                    request,
                    ngettext("Sent to %(count)d supporter.", "Sent to %(count)d supporters.", sent.recipient_count)
                    % {"count": sent.recipient_count},
                )
        elif action == "discard":
            with flash_errors(request, success=gettext("Draft discarded.")) as call:
                message_services.campaign_message_delete(message=message, actor=request.user)
            if call.ok:
                return redirect("campaigns:messages", slug=campaign.slug)
        return redirect("campaigns:message_preview", slug=campaign.slug, message_id=message.pk)
    audience = 0
    if not message.is_sent:
        audience = message_services.campaign_message_audience_size(
            campaign=campaign, segment_key=message.segment, author=request.user
        )
    return render(
        request,
        "campaigns/message_preview.html",
        {"campaign": campaign, "message": message, "audience": audience},
    )


@require_safe
def message_open(request, slug, message_id):
    """The link in a message's email: counts the reader once (preview bots are not counted), then
    opens the campaign page."""
    message = selectors.campaign_message_get_sent(slug=slug, message_id=message_id)
    if message is None:
        raise Http404("No such message.")
    if not sharing.is_link_preview_bot(request.META.get("HTTP_USER_AGENT", "")):
        message_services.campaign_message_click(message=message, visitor=_visitor(request))
    return redirect(message.campaign)

"""The organizer's webhook settings for a campaign: register a partner's URL for some events, see
each delivery's status, and disable an endpoint. The same services and selectors as
/api/v1/me/webhooks/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import policies, selectors
from campaigns.forms import WebhookForm
from campaigns.models import WebhookEndpoint
from campaigns.services import webhooks
from campaigns.views._common import managed_or_404
from causeweb.core.boundary import flash_errors, form_errors

DELIVERIES_SHOWN = 50


def _own_campaign(request, slug):
    campaign = managed_or_404(request, slug)
    if not policies.is_organizer(request.user, campaign):
        raise Http404("No such campaign.")
    return campaign


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_settings(request, slug: str):
    campaign = _own_campaign(request, slug)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            webhooks.webhook_endpoint_create(
                campaign=campaign,
                actor=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
            )
        if call.ok:
            messages.success(request, gettext("Webhook added. Verify our signature with its secret (below)."))
            return redirect("campaigns:webhooks", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "endpoints": list(selectors.webhook_endpoint_list(campaign=campaign)),
        "deliveries": list(selectors.webhook_delivery_list(campaign=campaign)[:DELIVERIES_SHOWN]),
    }
    return render(request, "campaigns/webhooks.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def webhook_disable(request, slug: str, endpoint_id: int):
    campaign = _own_campaign(request, slug)
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id, campaign=campaign)
    with flash_errors(request, success=gettext("Webhook disabled; nothing more is sent to it.")):
        webhooks.webhook_endpoint_disable(endpoint=endpoint, actor=request.user)
    return redirect("campaigns:webhooks", slug=campaign.slug)

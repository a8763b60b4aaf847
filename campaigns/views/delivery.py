"""Petition delivery: the organizer's page to name decision-makers, deliver the petition (the
PDF and/or CSV by email, or downloaded to hand over), record the answer and mark the campaign won."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import outreach_selectors as selectors
from campaigns import policies
from campaigns.forms import DecisionMakerForm, PetitionResponseForm
from campaigns.models import PetitionDelivery
from campaigns.services import delivery as delivery_services
from campaigns.views._common import managed_or_404
from causeweb.core.boundary import flash_errors, form_errors


def _organizer_campaign(request, slug):
    campaign = managed_or_404(request, slug)
    if not policies.is_organizer(request.user, campaign) or not campaign.is_public:
        raise Http404("No such campaign.")
    return campaign


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delivery_page(request, slug):
    campaign = _organizer_campaign(request, slug)
    form = DecisionMakerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            delivery_services.decision_maker_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Decision-maker added."))
            return redirect("campaigns:delivery", slug=campaign.slug)
    return render(
        request,
        "campaigns/delivery.html",
        {
            "campaign": campaign,
            "form": form,
            "decision_makers": selectors.campaign_decision_makers(campaign=campaign),
            "deliveries": selectors.campaign_petition_deliveries(campaign=campaign),
            "response_form": PetitionResponseForm(),
            "file_formats": PetitionDelivery.FileFormat.choices,
        },
    )


@login_required
@require_POST
def petition_deliver(request, slug, decision_maker_id):
    campaign = _organizer_campaign(request, slug)
    decision_maker = selectors.campaign_decision_maker_get(campaign=campaign, decision_maker_id=decision_maker_id)
    if decision_maker is None:
        raise Http404("No such decision-maker.")
    success = (
        gettext("The petition is on its way to %(name)s (%(email)s).")
        % {"name": decision_maker.name, "email": decision_maker.email}
        if decision_maker.email
        else gettext("Delivery to %(name)s recorded; download the file to hand it over.")
        % {"name": decision_maker.name}
    )
    with flash_errors(request, success=success):
        delivery_services.petition_deliver(
            campaign=campaign,
            decision_maker=decision_maker,
            actor=request.user,
            note=request.POST.get("note", ""),
            file_format=request.POST.get("file_format", "pdf"),
        )
    return redirect("campaigns:delivery", slug=campaign.slug)


@login_required
@require_POST
def decision_maker_remove(request, slug, decision_maker_id):
    campaign = _organizer_campaign(request, slug)
    decision_maker = selectors.campaign_decision_maker_get(campaign=campaign, decision_maker_id=decision_maker_id)
    if decision_maker is None:
        raise Http404("No such decision-maker.")
    with flash_errors(request, success=gettext("Removed.")):
        delivery_services.decision_maker_remove(decision_maker=decision_maker, actor=request.user)
    return redirect("campaigns:delivery", slug=campaign.slug)


@login_required
@require_POST
def petition_response(request, slug, delivery_id):
    campaign = _organizer_campaign(request, slug)
    delivery = selectors.campaign_petition_delivery_get(campaign=campaign, delivery_id=delivery_id)
    if delivery is None:
        raise Http404("No such delivery.")
    form = PetitionResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Write what they answered."))
        return redirect("campaigns:delivery", slug=campaign.slug)
    won = form.cleaned_data["won"]
    with flash_errors(request, success=gettext("We won! Supporters are being told.") if won else "Answer recorded."):
        delivery_services.petition_response_record(
            delivery=delivery, actor=request.user, response=form.cleaned_data["response"], won=won
        )
    return redirect("campaigns:delivery", slug=campaign.slug)


@login_required
@require_safe
def petition_file(request, slug, file_format="csv"):
    """The petition to download: petition.csv or petition.pdf."""
    campaign = _organizer_campaign(request, slug)
    if file_format == "pdf":
        response = HttpResponse(delivery_services.petition_pdf(campaign=campaign), content_type="application/pdf")
    else:
        file_format = "csv"
        content = delivery_services.petition_csv(campaign=campaign)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = delivery_services.petition_filename(campaign, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""A campaign's page (public, or the preview its managers see), its news and live counter."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from campaigns import selectors
from campaigns.views._common import detail_context, managed_or_404, public_or_404


@require_safe
def campaign_detail(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        if selectors.campaign_get_for_manager(slug=slug, user=request.user) is not None:
            return redirect("campaigns:preview", slug=slug)
        raise Http404("No such campaign.")
    return render(request, "campaigns/detail.html", detail_context(request, campaign))


@require_safe
def update_list(request, slug: str):
    campaign = public_or_404(slug)
    page = Paginator(selectors.campaign_updates(campaign=campaign), 20).get_page(request.GET.get("page"))
    return render(request, "campaigns/updates.html", {"campaign": campaign, "page": page})


@login_required
@require_safe
def campaign_preview(request, slug: str):
    campaign = managed_or_404(request, slug)
    return render(request, "campaigns/detail.html", detail_context(request, campaign, preview=True))


@require_safe
def signature_counter(request, slug: str):
    """The live counter, polled by htmx."""
    campaign = public_or_404(slug)
    return render(request, "campaigns/_counter.html", {"campaign": campaign})

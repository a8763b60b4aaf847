"""A campaign's page (public, or the preview its managers see), its news and live counter."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from campaigns import selectors
from campaigns.forms import SignatureForm
from campaigns.views._common import detail_context, managed_or_404, public_or_404
from causeweb.core import page_cache


@require_safe
@page_cache.cached_page
def campaign_detail(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        if selectors.campaign_get_for_manager(slug=slug, user=request.user) is not None:
            return redirect("campaigns:preview", slug=slug)
        raise Http404("No such campaign.")
    page_cache.depends_on(f"campaign:{campaign.pk}")
    return render(request, "campaigns/detail.html", detail_context(request, campaign))


@require_safe
def sign_form(request, slug: str):
    """The petition's sign form for an anonymous visitor, loaded by htmx into the (cached, shared)
    campaign page so that page carries no CSRF token; without JavaScript the page links here and
    this is a page of its own. Signed-in people get the form inline and never need it."""
    campaign = public_or_404(slug)
    if request.user.is_authenticated or not campaign.is_open:
        return redirect(f"{campaign.get_absolute_url()}#sign")
    template = "campaigns/_sign_form.html" if request.htmx else "campaigns/sign.html"
    return render(request, template, {"campaign": campaign, "signature_form": SignatureForm(user=request.user)})


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

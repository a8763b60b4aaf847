"""The public list of campaigns: search, filters, sorts, pages."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from campaigns import selectors
from campaigns.forms import BrowseForm
from causeweb.core import page_cache
from causeweb.core.pagination import CappedPaginator

PAGE_SIZE = 12


@require_safe
@page_cache.cached_page
def campaign_list(request):
    page_cache.depends_on("campaigns")
    form = BrowseForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    campaigns = selectors.campaign_search(
        query=filters.get("q", ""),
        cause_slug=filters.get("cause", ""),
        tag_slug=filters.get("tag", ""),
        location=filters.get("location", ""),
        status=filters.get("status", ""),
        sort=filters.get("sort", ""),
    )
    page = CappedPaginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "page": page,
            "campaigns": page.object_list,
            "causes": selectors.cause_list(),
            "tags": selectors.tag_cloud(limit=20),
            "filters": filters,
            "querystring": query_without_page.urlencode(),
        },
    )

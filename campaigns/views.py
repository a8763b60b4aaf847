from django.http import Http404
from django.shortcuts import render

from campaigns import selectors


def campaign_list(request):
    return render(request, "campaigns/list.html", {"campaigns": selectors.campaign_list_featured(limit=24)})


def campaign_detail(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404
    return render(request, "campaigns/detail.html", {"campaign": campaign})

"""Insights' pages: the page-view beacon (see integrations.page_view_beacon_section) and the
organizer's dashboard."""

import base64

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns import selectors as campaign_selectors
from causeweb.core import page_cache, viewer_page_cache
from causeweb.core.csv_export import csv_stream_response
from insights import policies, selectors, services
from insights.dashboard_page import dashboard_body
from insights.forms import period_from
from insights.tables import csv_tables

# The smallest transparent GIF: what the beacon <img> receives.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_safe
def page_view(request, campaign_id: int):
    """Count a view of a public campaign's page and answer with a pixel either way (an unknown or
    unpublished campaign counts nothing; the image must never break the page). HEAD counts nothing."""
    if request.method == "GET" and campaign_selectors.campaign_public_exists(campaign_id=campaign_id):
        services.page_view_record(campaign_id=campaign_id, user_agent=request.headers.get("User-Agent", ""))
    return HttpResponse(PIXEL_GIF, content_type="image/gif")


def _dashboard_or_403(request, slug: str):
    campaign = selectors.campaign_for_insights(slug=slug)
    if campaign is None:
        raise Http404(gettext("No such campaign."))
    if not policies.can_view_campaign_insights(request.user, campaign):
        raise PermissionDenied(gettext("Only the campaign's organizer and site staff can see its insights."))
    return campaign


@login_required
@require_safe
def campaign_dashboard(request, slug: str):
    wanted = request.GET.get("csv")
    # The viewer's own copy of this page, if current (insights.dashboard_page): no campaign read,
    # no render; who may see it is checked again from the organizer's id it recorded.
    copy = None if wanted else viewer_page_cache.lookup(request)
    if copy is not None and policies.can_view_insights_of(request.user, organizer_id=copy["meta"]["organizer_id"]):
        return viewer_page_cache.response_from(request, copy)
    campaign = _dashboard_or_403(request, slug)
    form, period = period_from(request.GET)
    if wanted:
        tables = csv_tables(selectors.campaign_dashboard(campaign=campaign, period=period))
        if wanted not in tables:
            raise Http404(gettext("No such table."))
        header, rows = tables[wanted]
        name = f"{campaign.slug}-{wanted}-{period.start}-{period.end}.csv"
        return csv_stream_response(filename=name, header=header, rows=rows)
    scopes = selectors.dashboard_scopes(campaign_id=campaign.pk)
    tokens = page_cache.current_tokens(scopes)  # before the figures are read
    body = dashboard_body(
        campaign=campaign, viewer=request.user, form=form, period=period, query=request.GET.urlencode()
    )
    context = {"campaign": campaign, "body": body, **viewer_page_cache.render_context(request)}
    response = render(request, "insights/dashboard.html", context)
    viewer_page_cache.store(
        request, response, context=context, scopes=scopes, tokens=tokens,
        meta={"organizer_id": campaign.organizer_id}, timeout=body.seconds_left(),
    )  # fmt: skip
    return response


@login_required
@require_safe
def site_dashboard(request):
    if not policies.can_view_site_insights(request.user):
        raise PermissionDenied(gettext("Only site staff can see the site-wide insights."))
    form, period = period_from(request.GET)
    context = {
        "form": form,
        "period": period,
        "totals": selectors.site_totals(period=period),
        "growing": selectors.fastest_growing_campaigns(),
    }
    return render(request, "insights/site.html", context)

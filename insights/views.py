"""Insights' pages: the page-view beacon (see integrations.page_view_beacon_section)."""

import base64

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns import selectors as campaign_selectors
from insights import services

# The smallest transparent GIF: what the beacon <img> receives.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_GET
def page_view(request, campaign_id: int):
    """Count a view of a public campaign's page and answer with a pixel either way (an unknown or
    unpublished campaign counts nothing; the image must never break the page)."""
    if campaign_selectors.campaign_public_exists(campaign_id=campaign_id):
        services.page_view_record(campaign_id=campaign_id, user_agent=request.headers.get("User-Agent", ""))
    return HttpResponse(PIXEL_GIF, content_type="image/gif")

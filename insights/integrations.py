"""What insights plugs into the lower apps' pages (registered in apps.py)."""

from causeweb.core.hooks import PageSection
from insights import policies


def page_view_beacon_section(*, campaign, viewer) -> PageSection | None:
    """A 1x1 image the browser fetches after the page: it counts the view, so a cached page costs
    no query and link-preview bots (which do not load body images) never count. The organizer's
    own visits are not counted."""
    if not campaign.is_public or getattr(viewer, "pk", None) == campaign.organizer_id:
        return None
    return PageSection(template="insights/beacon.html", context={"campaign_id": campaign.pk}, slot="main")


def dashboard_link_section(*, campaign, viewer) -> PageSection | None:
    """The organizer's (and staff's) way to the campaign's insights, in the page's side column."""
    if campaign.pk is None or not policies.can_view_campaign_insights(viewer, campaign):
        return None
    return PageSection(template="insights/_dashboard_link.html", context={"campaign": campaign}, slot="aside")

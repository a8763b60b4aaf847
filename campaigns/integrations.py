"""What campaigns adds to the platform's pages (registered in CampaignsConfig.ready())."""

from campaigns import selectors
from causeweb.core.hooks import PageSection


def home_section(*, request) -> PageSection:
    return PageSection("campaigns/_home_section.html", {"campaigns": selectors.campaign_list_featured(limit=6)})

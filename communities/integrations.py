"""What communities adds to lower layers' pages (registered in CommunitiesConfig.ready())."""

from causeweb.core.hooks import PageSection
from communities import selectors


def home_section(*, request) -> PageSection:
    return PageSection("communities/_home_section.html", {"groups": selectors.group_list_featured(limit=4)})


def campaign_groups_section(*, campaign, viewer) -> PageSection:
    return PageSection(
        "communities/_campaign_section.html",
        {"groups": selectors.group_list_for_campaign(campaign_id=campaign.pk, limit=5)},
    )

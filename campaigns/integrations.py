"""What campaigns adds to the platform's pages (registered in CampaignsConfig.ready())."""

from campaigns import selectors
from causeweb.core.hooks import PageSection


def home_section(*, request) -> PageSection:
    return PageSection("campaigns/_home_section.html", {"campaigns": selectors.campaign_list_featured(limit=6)})


def my_activity_section(*, user) -> PageSection:
    return PageSection(
        "campaigns/_my_activity.html",
        {
            "signatures": selectors.signature_list_for_supporter(user=user),
            "followed": selectors.campaign_list_followed_by(user=user),
            "organized": list(selectors.campaign_list_for_organizer(user=user)[:20]),
        },
    )

"""What fundraising adds to lower layers' pages and rules (registered in FundraisingConfig.ready())."""

import functools

from campaigns.hooks import MessageSegment
from causeweb.core.hooks import PageSection
from fundraising import rules, selectors


def campaign_funding_section(*, campaign, viewer) -> PageSection | None:
    if rules.campaign_has_fundraising(campaign) and rules.funding_model_of(campaign) == rules.ALL_OR_NOTHING:
        panel = selectors.campaign_pledge_panel(campaign=campaign)
        return PageSection("fundraising/_pledge_panel.html", {"panel": panel}, slot="aside")
    funding = selectors.campaign_funding_panel(campaign=campaign)
    if not funding:
        return None
    return PageSection("fundraising/_campaign_panel.html", {"funding": funding}, slot="aside")


def campaign_currency_locked(*, campaign_id: int) -> bool:
    return selectors.campaign_currency_locked(campaign_id=campaign_id)


def campaign_embed_funding_section(*, campaign, absolute_url) -> PageSection | None:
    """Raised/goal and a Donate button on the campaign's embeddable widget."""
    funding = selectors.campaign_funding_panel(campaign=campaign)
    if not funding:
        return None
    return PageSection(
        "fundraising/_embed_funding.html",
        {"funding": funding, "donate_url": absolute_url(funding["donate_url"])},
    )


def campaign_update_audience(*, campaign):
    """Donors and backers who asked to be kept updated hear the campaign's news."""
    return selectors.campaign_update_audience(campaign=campaign)


def campaign_message_segments(*, campaign) -> list[MessageSegment]:
    """The organizer may write to the campaign's donors (`campaigns.hooks.campaign_message_segments`);
    campaigns keeps only those who opted in to its news."""
    if not selectors.campaign_has_paid_donations(campaign_id=campaign.pk):
        return []
    return [
        MessageSegment(
            key="donors",
            label="Donors",
            members=functools.partial(selectors.campaign_donor_members, campaign_id=campaign.pk),
        )
    ]

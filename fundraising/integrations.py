"""What fundraising adds to lower layers' pages and rules (registered in FundraisingConfig.ready())."""

from django.urls import reverse

from causeweb.core.hooks import AttentionItem, PageSection
from fundraising import policies, rules, selectors


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


def admin_attention(*, user) -> list[AttentionItem] | None:
    """The admin dashboard's money lines, for finance staff only."""
    if not policies.can_manage_refunds(user):
        return None
    counts = selectors.finance_attention_counts()
    return [
        AttentionItem(
            "Reconciliation discrepancies open",
            counts["discrepancies"],
            reverse("admin:fundraising_discrepancy_changelist") + "?status__exact=open",
            "money",
        ),
        AttentionItem(
            "Disputed donations",
            counts["disputes"],
            reverse("admin:fundraising_donation_changelist") + "?disputed=yes",
            "money",
        ),
        AttentionItem(
            "Stripe events that failed to apply",
            counts["failed_events"],
            reverse("admin:fundraising_stripeevent_changelist") + "?status__exact=failed",
            "money",
        ),
    ]

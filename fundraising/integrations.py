"""What fundraising adds to lower layers' pages and rules (registered in FundraisingConfig.ready())."""

import functools

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.hooks import FormSection, MessageSegment
from causeweb.core.hooks import AttentionItem, PageSection
from fundraising import pledge_selectors, policies, rules, selectors
from fundraising.forms import CampaignFundingSectionForm
from fundraising.services import funding_model


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


def my_activity_section(*, user) -> PageSection:
    """The latest few gifts; My giving has them all, with pledges and receipts."""
    recent = selectors.donation_list_for_donor(user=user)[:5]
    return PageSection(
        "fundraising/_my_activity.html", {"donations": [selectors.donation_giving_row(d) for d in recent]}
    )


def campaign_form_funding_section(*, campaign, data) -> FormSection:
    """The organizer chooses keep what you raise or all or nothing while creating or editing the
    campaign (the same service as the separate funding page). Applied after the campaign is saved,
    so the rules see its goal and deadline; unchanged or absent, nothing is written."""
    current = rules.funding_model_of(campaign) if campaign is not None else rules.KEEP_WHAT_YOU_RAISE
    locked = campaign is not None and pledge_selectors.campaign_funding_model_locked(campaign_id=campaign.pk)
    form = CampaignFundingSectionForm(data, initial={"funding_model": current}, locked=locked)

    def apply(*, campaign, actor) -> None:
        chosen = form.cleaned_data.get("funding_model") or ""
        if locked or not chosen or chosen == rules.funding_model_of(campaign):
            return
        funding_model.campaign_funding_model_set(campaign=campaign, actor=actor, funding_model=chosen)

    return FormSection(form=form, template="fundraising/_funding_model_section.html", apply=apply)


def admin_attention(*, user) -> list[AttentionItem] | None:
    """The admin dashboard's money lines, for finance staff only."""
    if not policies.can_manage_refunds(user):
        return None
    counts = selectors.finance_attention_counts()
    return [
        AttentionItem(
            gettext("Reconciliation discrepancies open"),
            counts["discrepancies"],
            reverse("admin:fundraising_discrepancy_changelist") + "?status__exact=open",
            "money",
        ),
        AttentionItem(
            gettext("Disputed donations"),
            counts["disputes"],
            reverse("admin:fundraising_donation_changelist") + "?disputed=yes",
            "money",
        ),
        AttentionItem(
            gettext("Stripe events that failed to apply"),
            counts["failed_events"],
            reverse("admin:fundraising_stripeevent_changelist") + "?status__exact=failed",
            "money",
        ),
    ]


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
            label=_("Donors"),
            members=functools.partial(selectors.campaign_donor_members, campaign_id=campaign.pk),
        )
    ]

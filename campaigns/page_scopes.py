"""Which cached pages a campaigns row shows on (causeweb/core/page_cache.py): a campaign's own page
(`campaign:<id>`) and every list of campaigns (`campaigns`: cards show signatures, and the trending
order moves with signatures and comments)."""

from campaigns.models import Campaign, CampaignUpdate, Comment, Follow, PendingCampaign, Signature
from causeweb.core import page_cache


def campaign_scopes(campaign_id: int) -> tuple[str, str]:
    return (f"campaign:{campaign_id}", "campaigns")


def campaign_changed(campaign_id: int) -> None:
    """For writes made with `QuerySet.update()`, which the model watch below does not see."""
    page_cache.changed(*campaign_scopes(campaign_id))


def watch_pages() -> None:
    page_cache.watch(Campaign, lambda row: campaign_scopes(row.pk))
    page_cache.watch(PendingCampaign, lambda row: campaign_scopes(row.pk))
    for model in (Signature, Comment, CampaignUpdate, Follow):
        page_cache.watch(model, lambda row: campaign_scopes(row.campaign_id))

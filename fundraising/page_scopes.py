"""Which cached pages a fundraising row shows on (causeweb/core/page_cache.py): the campaign's page
(funding panel, donor wall) and the campaign lists (raised amounts on the cards)."""

from causeweb.core import page_cache
from fundraising.models import CampaignFunding, Donation, Pledge


def funding_changed(campaign_id: int) -> None:
    page_cache.changed(f"campaign:{campaign_id}", "campaigns")


def watch_pages() -> None:
    for model in (Donation, CampaignFunding, Pledge):
        page_cache.watch(model, lambda row: (f"campaign:{row.campaign_id}", "campaigns"))

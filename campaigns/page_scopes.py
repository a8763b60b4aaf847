"""Which cached pages a campaigns row shows on (causeweb/core/page_cache.py): a campaign's own page
(`campaign:<id>`) and every list of campaigns (`campaigns`: cards show signatures, and the trending
order moves with signatures and comments)."""

from django.db.models.signals import m2m_changed

from campaigns.models import (
    Campaign,
    CampaignTranslation,
    CampaignUpdate,
    Comment,
    CommentReaction,
    Follow,
    PendingCampaign,
    Signature,
)
from causeweb.core import page_cache

# The campaign list's tag cloud (campaigns.selectors.tag_cloud): moves with a campaign's status or tags.
TAG_CLOUD_SCOPE = "campaign-tags"


def campaign_scopes(campaign_id: int) -> tuple[str, str]:
    return (f"campaign:{campaign_id}", "campaigns")


def campaign_changed(campaign_id: int) -> None:
    """For writes made with `QuerySet.update()`, which the model watch below does not see."""
    page_cache.changed(*campaign_scopes(campaign_id))


def _tags_changed(sender, instance, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        page_cache.changed(TAG_CLOUD_SCOPE, "campaigns", using=using)


def watch_pages() -> None:
    page_cache.watch(Campaign, lambda row: (*campaign_scopes(row.pk), TAG_CLOUD_SCOPE))
    page_cache.watch(PendingCampaign, lambda row: (*campaign_scopes(row.pk), TAG_CLOUD_SCOPE))
    m2m_changed.connect(_tags_changed, sender=Campaign.tags.through, weak=False, dispatch_uid="page_cache:tags")
    for model in (Signature, Comment, CampaignUpdate, Follow, CampaignTranslation):
        page_cache.watch(model, lambda row: campaign_scopes(row.campaign_id))
    page_cache.watch(CommentReaction, _reaction_scopes)


def _reaction_scopes(row) -> tuple:
    """A reaction row knows its comment, not its campaign: one small read on each change (none
    left to read when the whole comment or campaign is being deleted)."""
    campaign_id = Comment.objects.filter(pk=row.comment_id).values_list("campaign_id", flat=True).first()
    return campaign_scopes(campaign_id) if campaign_id else ()

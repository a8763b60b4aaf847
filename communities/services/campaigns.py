"""The campaigns a group says it supports (owners and moderators; shown on the group page and,
for groups that are not private, on the campaign's page)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from campaigns.selectors import campaign_get_public
from causeweb.core.exceptions import ValidationError
from communities.models import Group, GroupCampaign
from communities.services._common import require_moderator


@transaction.atomic
def group_campaign_add(*, actor, group: Group, campaign_slug: str) -> GroupCampaign:
    """Owners and moderators say the group supports a public campaign. Idempotent."""
    require_moderator(group, actor, action="campaign_add")
    campaign = campaign_get_public(slug=(campaign_slug or "").strip())
    if campaign is None:
        raise ValidationError({"campaign": gettext("No public campaign has that address.")})
    try:
        with transaction.atomic():
            link, _ = GroupCampaign.objects.get_or_create(group=group, campaign=campaign, defaults={"added_by": actor})
    except IntegrityError:
        link = GroupCampaign.objects.get(group=group, campaign=campaign)
    return link


@transaction.atomic
def group_campaign_remove(*, actor, group: Group, campaign_id: int) -> None:
    require_moderator(group, actor, action="campaign_remove")
    GroupCampaign.objects.filter(group=group, campaign_id=campaign_id).delete()

"""News the organizer posts on a published campaign; followers are notified."""

from django.db import transaction

from campaigns.models import Campaign, CampaignUpdate, Follow
from campaigns.services._common import bump_activity, require_organizer
from causeweb.core.exceptions import ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify_bulk


@transaction.atomic
def campaign_update_create(*, campaign: Campaign, author, title: str, body: str) -> CampaignUpdate:
    """The organizer posts news; every follower is notified in batched inserts."""
    require_organizer(author, campaign)
    if not campaign.is_public:
        raise ValidationError("Post updates once the campaign is published.", code="not_public")
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the update a title."
    elif len(title) > 120:
        errors["title"] = "Keep the title under 120 characters."
    if not body:
        errors["body"] = "Write the update."
    if errors:
        raise ValidationError(errors)
    update = CampaignUpdate.objects.create(
        campaign=campaign, author=author, title=title, body=body, body_html=render_markdown(body)
    )
    bump_activity(campaign.pk)
    followers = (
        Follow.objects.filter(campaign=campaign, user__is_active=True)
        .exclude(user=author)
        .select_related("user")
        .iterator(chunk_size=1000)
    )
    notify_bulk(
        recipients=(follow.user for follow in followers),
        kind=Kind.CAMPAIGN_UPDATE,
        context={
            "title": f"{campaign.title}: {title}",
            "body": plain_text(body, limit=500),
            "url": f"{campaign.get_absolute_url()}#update-{update.pk}",
            "campaign_id": campaign.pk,
            "update_id": update.pk,
        },
        dedupe_key=f"campaign-update:{update.pk}",
    )
    return update

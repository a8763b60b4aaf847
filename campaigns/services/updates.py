"""News the organizer posts on a published campaign; followers and the signers who asked to be
kept updated (guests too, once confirmed) are notified; nobody else."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from campaigns.models import Campaign, CampaignUpdate, Signature
from campaigns.services._common import bump_activity, require_organizer
from causeweb.core.exceptions import ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk


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
    context = {
        "title": f"{campaign.title}: {title}",
        "body": plain_text(body, limit=500),
        "url": f"{campaign.get_absolute_url()}#update-{update.pk}",
        "campaign_id": campaign.pk,
        "update_id": update.pk,
    }
    dedupe_key = f"campaign-update:{update.pk}"
    accounts = _update_recipient_accounts(campaign=campaign, author=author)
    notify_bulk(recipients=accounts.order_by("pk"), kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=dedupe_key)
    for signature in _update_recipient_guests(campaign=campaign, accounts=accounts, author=author):
        notify(
            email=signature.email,
            kind=Kind.CAMPAIGN_UPDATE,
            context=context,
            dedupe_key=f"{dedupe_key}:guest:{signature.pk}",
        )
    return update


def _update_recipient_accounts(*, campaign: Campaign, author):
    """Active accounts that follow the campaign or signed it ticking "keep me updated"; once each."""
    return (
        get_user_model()
        .objects.filter(
            Q(campaign_follows__campaign=campaign)
            | Q(signatures__campaign=campaign, signatures__keep_updated=True, signatures__confirmed_at__isnull=False),
            is_active=True,
        )
        .exclude(pk=author.pk)
        .distinct()
    )


def _update_recipient_guests(*, campaign: Campaign, accounts, author):
    """Guests who confirmed their signature and ticked "keep me updated", minus addresses already
    reached through an account (or the author's own). Unconfirmed addresses are never emailed."""
    known = accounts.annotate(address=Lower("email")).values("address")
    return (
        Signature.objects.filter(campaign=campaign, user__isnull=True, keep_updated=True, confirmed_at__isnull=False)
        .exclude(email__in=known)
        .exclude(email__iexact=author.email)
        .only("pk", "email")
        .order_by("pk")
        .iterator(chunk_size=1000)
    )

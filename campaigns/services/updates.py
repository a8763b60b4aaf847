"""News the organizer posts on a published campaign; followers and the signers who asked to be
kept updated (guests too, once confirmed) are notified; nobody else."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext

from campaigns.hooks import campaign_update_audiences
from campaigns.models import Campaign, CampaignUpdate, Signature
from campaigns.services._common import bump_activity, require_organizer
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk


@transaction.atomic
def campaign_update_create(*, campaign: Campaign, author, title: str, body: str) -> CampaignUpdate:
    """The organizer posts news; every follower is notified in batched inserts."""
    require_organizer(author, campaign)
    if not campaign.is_public:
        raise Conflict(gettext("Post updates once the campaign is published."), code="not_public")
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = gettext("Give the update a title.")
    elif len(title) > 120:
        errors["title"] = gettext("Keep the title under 120 characters.")
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
    accounts, guests = campaign_opted_in_audience(campaign=campaign, author=author)
    notify_bulk(recipients=accounts.order_by("pk"), kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=dedupe_key)
    for email in guests:
        notify(email=email, kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=f"{dedupe_key}:guest:{email}")
    return update


def campaign_opted_in_audience(*, campaign: Campaign, author):
    """Everyone who asked to hear the campaign's news, minus `author`: (active accounts as a
    QuerySet, confirmed guest addresses as an iterator, lowercased, none already an account's).
    Updates go to all of them; the organizer's messages to a segment of them
    (campaigns.services.messages). Nobody else is ever in it."""
    audiences = [audience for _key, audience in campaign_update_audiences.call_each(campaign=campaign)]
    accounts = _update_recipient_accounts(campaign=campaign, author=author, audiences=audiences)
    guests = _update_recipient_guests(campaign=campaign, accounts=accounts, author=author, audiences=audiences)
    return accounts, guests


def _update_recipient_accounts(*, campaign: Campaign, author, audiences):
    """Active accounts that follow the campaign, signed it ticking "keep me updated" or asked
    another app to keep them updated (an RSVP); once each."""
    opted_in = Q(campaign_follows__campaign=campaign) | Q(
        signatures__campaign=campaign, signatures__keep_updated=True, signatures__confirmed_at__isnull=False
    )
    for account_ids, _emails in audiences:
        opted_in |= Q(pk__in=account_ids)
    return get_user_model().objects.filter(opted_in, is_active=True).exclude(pk=author.pk).distinct()


def _update_recipient_guests(*, campaign: Campaign, accounts, author, audiences):
    """Confirmed guest addresses that ticked "keep me updated" (signing, or in another app), each
    once and minus those already reached through an account or the author's own. Unconfirmed
    addresses are never emailed."""
    known = accounts.annotate(address=Lower("email")).values("address")
    signers = (
        Signature.objects.filter(campaign=campaign, user__isnull=True, keep_updated=True, confirmed_at__isnull=False)
        .exclude(email__in=known)
        .values_list("email", flat=True)
        .order_by("pk")
    )
    reached = {author.email.lower()}
    others = [emails for _ids, emails in audiences]
    if others:
        # Addresses from other apps are not filtered by the query above; skip accounts' ones here.
        reached |= set(accounts.annotate(address=Lower("email")).values_list("address", flat=True))
    for group in (signers.iterator(chunk_size=1000), *others):
        for email in group:
            email = email.lower()
            if email not in reached:
                reached.add(email)
                yield email

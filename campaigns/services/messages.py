"""The organizer's messages to supporters: write to a segment (signers, followers, donors, the
RSVPs of an event, or all who opted in), preview, send a test to yourself, send.

Only people who asked to hear the campaign's news are ever written to: every segment, whoever
provides it (`campaigns.hooks.campaign_message_segments`), is intersected with
`campaign_opted_in_audience` (followers, signers and other supporters who ticked "keep me
updated"). Delivery is the notifications pipeline (`notify_bulk`, preferences, one-click
unsubscribe) under the campaign-update kind, so whoever unsubscribed from a campaign's news hears
nothing. A campaign sends at most CAMPAIGN_MESSAGES_PER_DAY messages a rolling day, and each
organizer's sends and tests are rate-limited (`campaign_message_user`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from campaigns.hooks import MessageSegment, campaign_message_segments
from campaigns.models import Campaign, CampaignMessage, CampaignMessageClick, Follow, Signature
from campaigns.services._common import lock, require_organizer
from campaigns.services.updates import campaign_opted_in_audience
from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, RateLimited, ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk

ALL = "all"


def _followers(campaign: Campaign):
    return lambda: (Follow.objects.filter(campaign=campaign).values_list("user_id", flat=True), [])


def _signers(campaign: Campaign):
    def members():
        confirmed = Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False)
        return (
            confirmed.exclude(user__isnull=True).values_list("user_id", flat=True),
            confirmed.values_list("email", flat=True),
        )

    return members


def campaign_message_segments_for(*, campaign: Campaign) -> list[MessageSegment]:
    """The segments an organizer may write to: all who opted in, followers, signers, then what
    other apps provide (donors, each event's RSVPs)."""
    segments = [
        MessageSegment(ALL, gettext("Everyone who asked for this campaign's news"), lambda: ((), ())),
        MessageSegment("followers", gettext("Followers"), _followers(campaign)),
        MessageSegment("signers", gettext("Signers who asked to be kept updated"), _signers(campaign)),
    ]
    for _key, provided in campaign_message_segments.call_each(campaign=campaign):
        segments.extend(provided)
    return segments


def _segment(campaign: Campaign, key: str) -> MessageSegment:
    for segment in campaign_message_segments_for(campaign=campaign):
        if segment.key == key:
            return segment
    raise ValidationError({"segment": gettext("Choose who the message is for.")})


def campaign_message_recipients(*, campaign: Campaign, segment_key: str, author):
    """(accounts QuerySet, guest addresses list) the message would reach: the segment's people who
    opted in to the campaign's news, never anyone else, never the author."""
    accounts, guests = campaign_opted_in_audience(campaign=campaign, author=author)
    guests = list(guests)
    if segment_key == ALL:
        return accounts, guests
    account_ids, emails = _segment(campaign, segment_key).members()
    emails = {email.lower() for email in emails if email}
    in_segment = Q(pk__in=list(account_ids))
    if emails:
        in_segment |= Q(email_lower__in=emails)
    accounts = accounts.annotate(email_lower=Lower("email")).filter(in_segment)
    return accounts, [email for email in guests if email in emails]


def campaign_message_audience_size(*, campaign: Campaign, segment_key: str, author) -> int:
    accounts, guests = campaign_message_recipients(campaign=campaign, segment_key=segment_key, author=author)
    return accounts.count() + len(guests)


def _clean(subject: str, body: str) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = "Give the message a subject."
    elif len(subject) > 140 or "\n" in subject:
        errors["subject"] = "Keep the subject to one line under 140 characters."
    if not body:
        errors["body"] = "Write the message."
    elif len(body) > 10_000:
        errors["body"] = "Keep the message under 10,000 characters."
    if errors:
        raise ValidationError(errors)
    return subject, body


@transaction.atomic
def campaign_message_create(*, campaign: Campaign, author, segment: str, subject: str, body: str) -> CampaignMessage:
    """A draft message, previewed before it is sent."""
    require_organizer(author, campaign)
    if not campaign.is_public:
        raise ValidationError(gettext("Write to supporters once the campaign is published."), code="not_public")
    subject, body = _clean(subject, body)
    chosen = _segment(campaign, segment)
    return CampaignMessage.objects.create(
        campaign=campaign,
        author=author,
        segment=chosen.key,
        segment_label=chosen.label[:160],
        subject=subject,
        body=body,
        body_html=render_markdown(body),
    )


def message_open_path(message: CampaignMessage) -> str:
    """The tracked link in the email: counts the click, then opens the campaign page."""
    return reverse("campaigns:message_open", kwargs={"slug": message.campaign.slug, "message_id": message.pk})


def _context(message: CampaignMessage) -> dict:
    campaign = message.campaign
    return {
        "title": f"{campaign.title}: {message.subject}",
        "body": plain_text(message.body, limit=5000),
        "url": message_open_path(message),
        "campaign": campaign.title,
        "campaign_id": campaign.pk,
        "message_id": message.pk,
        "from_organizer": True,
    }


def _rate_limit(actor) -> None:
    ratelimits.enforce_user(
        "campaign_message_user",
        actor,
        message=gettext("You have sent many messages in a short time; please wait a while."),
    )


@transaction.atomic
def campaign_message_send_test(*, message: CampaignMessage, actor, now=None) -> None:
    """The draft to the organizer's own address, as the supporters will see it."""
    require_organizer(actor, message.campaign)
    if message.is_sent:
        raise Conflict(gettext("This message was already sent."))
    _rate_limit(actor)
    now = now or timezone.now()
    context = _context(message)
    context["title"] = gettext("[Test] %(title)s") % {"title": context["title"]}
    notify(
        recipient=actor,
        kind=Kind.CAMPAIGN_UPDATE,
        context=context,
        dedupe_key=f"campaign-message-test:{message.pk}:{now.timestamp()}",
    )
    CampaignMessage.objects.filter(pk=message.pk).update(test_sent_at=now)


def messages_sent_today(*, campaign: Campaign, now) -> int:
    return CampaignMessage.objects.filter(campaign=campaign, sent_at__gt=now - timedelta(days=1)).count()


@transaction.atomic
def campaign_message_send(*, message: CampaignMessage, actor, now=None) -> CampaignMessage:
    """Send the draft to its segment. Locks the campaign row (so two sends cannot both pass the
    daily cap) and then the message (a second click or a retry sends nothing twice)."""
    campaign = message.campaign
    require_organizer(actor, campaign)
    now = now or timezone.now()
    lock(campaign)
    message = CampaignMessage.objects.select_for_update().select_related("campaign").get(pk=message.pk)
    if message.is_sent:
        raise Conflict(gettext("This message was already sent."))
    cap = settings.CAMPAIGN_MESSAGES_PER_DAY
    if messages_sent_today(campaign=campaign, now=now) >= cap:
        raise RateLimited(
            ngettext(
                "A campaign sends at most %(cap)d message a day; try again tomorrow.",
                "A campaign sends at most %(cap)d messages a day; try again tomorrow.",
                cap,
            )
            % {"cap": cap},
            limit="campaign_messages_per_day",
            retry_after=3600,
        )
    _rate_limit(actor)
    accounts, guests = campaign_message_recipients(campaign=campaign, segment_key=message.segment, author=actor)
    context = _context(message)
    dedupe_key = f"campaign-message:{message.pk}"
    sent = notify_bulk(
        recipients=accounts.order_by("pk"), kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=dedupe_key
    )
    for email in guests:
        if notify(email=email, kind=Kind.CAMPAIGN_UPDATE, context=context, dedupe_key=f"{dedupe_key}:guest:{email}"):
            sent += 1
    message.sent_at = now
    message.recipient_count = sent
    message.save(update_fields=["sent_at", "recipient_count"])
    return message


@transaction.atomic
def campaign_message_delete(*, message: CampaignMessage, actor) -> None:
    """Discard a draft; a sent message stays (its counts are the record)."""
    require_organizer(actor, message.campaign)
    if message.is_sent:
        raise Conflict(gettext("A sent message cannot be discarded."))
    message.delete()


def campaign_message_click(*, message: CampaignMessage, visitor: str) -> bool:
    """Count one visitor's first click on the message's tracked link; later ones are not counted."""
    if not message.is_sent:
        return False
    try:
        with transaction.atomic():
            CampaignMessageClick.objects.create(message=message, visitor=visitor)
    except IntegrityError:
        return False
    CampaignMessage.objects.filter(pk=message.pk).update(click_count=F("click_count") + 1)
    return True

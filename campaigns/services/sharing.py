"""Tracked share links and the clicks on them, remembered in the session for attribution."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Campaign, ShareClick, ShareLink
from campaigns.policies import share_target_is_shareable
from causeweb.core.exceptions import Conflict, ValidationError

SHARE_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERRAL_SESSION_KEY = "campaign_referrals"


def _new_share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(7))


def share_link_get_or_create(*, campaign: Campaign, user=None, referral_link_id: int | None = None) -> ShareLink:
    """The sharer's tracked link to a campaign (one per signed-in person, one for everyone else).

    `referral_link_id` is the link that brought this person here (their session's referral): a
    signed-in sharer's new link records it as its `parent`, so the next generation's actions can
    be credited up the chain. Set once, when the link is made; the shared anonymous link has none."""
    if not campaign.is_public:
        raise ValidationError(gettext("Only published campaigns can be shared."), code="not_public")
    sharer = user if getattr(user, "is_authenticated", False) else None
    existing = ShareLink.objects.filter(campaign=campaign, created_by=sharer).first()
    if existing is not None:
        return existing
    parent_id = None
    if sharer is not None and referral_link_id:
        parent_id = (
            ShareLink.objects.filter(pk=referral_link_id, campaign=campaign)
            .exclude(created_by=sharer)
            .values_list("pk", flat=True)
            .first()
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(
                    campaign=campaign, created_by=sharer, code=_new_share_code(), parent_id=parent_id
                )
        except IntegrityError:
            existing = ShareLink.objects.filter(campaign=campaign, created_by=sharer).first()
            if existing is not None:  # created concurrently by another request
                return existing
    raise Conflict(gettext("Could not create a share link; try again."), code="share_code_exhausted")


def share_link_get_or_create_for_target(*, target: models.Model, user=None) -> ShareLink:
    """The sharer's tracked link to another app's page (one per signed-in person and target, one
    for everyone else), so events and groups count shares the way campaigns do."""
    if target.pk is None or not share_target_is_shareable(target):
        raise ValidationError(gettext("This page cannot be shared."), code="not_shareable")
    sharer = user if getattr(user, "is_authenticated", False) else None
    target_type = ContentType.objects.get_for_model(target)
    lookup = {"target_type": target_type, "target_id": target.pk, "created_by": sharer}
    existing = ShareLink.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(code=_new_share_code(), **lookup)
        except IntegrityError:
            existing = ShareLink.objects.filter(**lookup).first()
            if existing is not None:  # created concurrently by another request
                return existing
    raise Conflict(gettext("Could not create a share link; try again."), code="share_code_exhausted")


_PREVIEW_BOT_MARKERS = (
    "bot",
    "crawler",
    "spider",
    "facebookexternalhit",
    "facebookcatalog",
    "whatsapp",
    "telegram",
    "linkedin",
    "slack",
    "discord",
    "embedly",
    "preview",
    "curl/",
    "python-requests",
)


def is_link_preview_bot(user_agent: str) -> bool:
    """Networks fetch a shared link to build its preview card (WhatsApp, Facebook, X, Telegram...);
    those fetches are not people and must not count as clicks."""
    agent = (user_agent or "").lower()
    return not agent or any(marker in agent for marker in _PREVIEW_BOT_MARKERS)


def visitor_fingerprint(*, user_id: int | None, ip: str) -> str:
    """A salted hash naming one visitor for click de-duplication (no raw IP stored): the user, or
    the client address; never the User-Agent, which the client rotates at will."""
    raw = f"user:{user_id}" if user_id else f"anon:{ip}"
    return hashlib.sha256(f"{settings.SECRET_KEY}|share-visitor|{raw}".encode()).hexdigest()


@transaction.atomic
def share_click_record(*, share_link: ShareLink, channel: str, visitor: str, session=None) -> bool:
    """Count a click once per visitor per day and remember the referral in the session, so a later
    signature (donation, RSVP) can be attributed. Returns True when this click was counted."""
    if channel not in ShareLink.Channel.values:
        channel = ShareLink.Channel.DIRECT
    if session is not None and share_link.campaign_id:
        referrals = dict(session.get(REFERRAL_SESSION_KEY, {}))
        referrals[str(share_link.campaign_id)] = share_link.pk
        session[REFERRAL_SESSION_KEY] = referrals
    try:
        with transaction.atomic():
            ShareClick.objects.create(
                share_link=share_link, channel=channel, visitor=visitor, day=timezone.now().date()
            )
    except IntegrityError:
        return False
    ShareLink.objects.filter(pk=share_link.pk).update(click_count=F("click_count") + 1)
    return True

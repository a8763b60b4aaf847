"""A campaign's status: draft -> pending_review -> published -> closed, with rejection and
unpublishing by moderators and closing at the deadline."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns import policies
from campaigns.models import Campaign, CampaignRevision
from campaigns.services._common import language_of, lock, require_moderator, require_organizer
from campaigns.services.trending import trending_welcome
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.services import moderation_action_record
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify


@transaction.atomic
def campaign_submit_for_review(*, campaign: Campaign, actor) -> Campaign:
    """draft or rejected -> pending_review. Locks the campaign row."""
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if campaign.status == Campaign.Status.PENDING_REVIEW:
        raise Conflict(gettext("This campaign is already waiting for review."), code="already_pending")
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.REJECTED):
        raise Conflict(gettext("Only drafts can be submitted for review."), code="not_draft")
    campaign.status = Campaign.Status.PENDING_REVIEW
    campaign.submitted_at = timezone.now()
    campaign.save(update_fields=["status", "submitted_at", "updated_at"])
    return campaign


@transaction.atomic
def campaign_approve(*, campaign: Campaign, moderator) -> Campaign:
    """pending_review -> published; the organizer is told. Locks the campaign row."""
    require_moderator(moderator)
    campaign = lock(campaign)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise Conflict(gettext("This campaign is already published."), code="already_published")
    if campaign.status != Campaign.Status.PENDING_REVIEW:
        raise ValidationError(gettext("Only campaigns waiting for review can be approved."), code="not_pending")
    now = timezone.now()
    campaign.status = Campaign.Status.PUBLISHED
    first_publication = campaign.published_at is None
    campaign.published_at = campaign.published_at or now
    campaign.last_activity_at = now
    campaign.rejection_reason = ""
    campaign.save(update_fields=["status", "published_at", "last_activity_at", "rejection_reason", "updated_at"])
    if first_publication:
        trending_welcome(campaign_id=campaign.pk)
    _revisions_reviewed(campaign, moderator)
    moderation_action_record(
        moderator=moderator,
        action="campaign_approve",
        target=campaign,
        subject=campaign.organizer,
        before={"status": Campaign.Status.PENDING_REVIEW},
        after={"status": campaign.status},
    )
    with language_of(campaign.organizer):
        notify(
            recipient=campaign.organizer,
            kind=Kind.CAMPAIGN_APPROVED,
            context={
                "title": gettext("Your campaign “%(title)s” is live") % {"title": campaign.title},
                "body": gettext(
                    "Every share link is tracked, so your campaign's stats show which channels bring people."
                ),
                "url": campaign.get_absolute_url(),
                "campaign_id": campaign.pk,
            },
            dedupe_key=f"campaign-approved:{campaign.pk}:{int(now.timestamp())}",
        )
    return campaign


@transaction.atomic
def campaign_reject(*, campaign: Campaign, moderator, reason: str) -> Campaign:
    """pending_review -> rejected with a reason the organizer receives by email."""
    require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Tell the organizer why, so they can fix it.")})
    campaign = lock(campaign)
    if campaign.status != Campaign.Status.PENDING_REVIEW:
        raise ValidationError(gettext("Only campaigns waiting for review can be rejected."), code="not_pending")
    campaign.status = Campaign.Status.REJECTED
    campaign.rejection_reason = reason
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    moderation_action_record(
        moderator=moderator,
        action="campaign_reject",
        target=campaign,
        reason=reason,
        subject=campaign.organizer,
        before={"status": Campaign.Status.PENDING_REVIEW},
        after={"status": campaign.status},
    )
    with language_of(campaign.organizer):
        notify(
            recipient=campaign.organizer,
            kind=Kind.CAMPAIGN_REJECTED,
            context={
                "title": gettext("Your campaign “%(title)s” needs changes") % {"title": campaign.title},
                "body": gettext(
                    "A moderator's note: %(reason)s\n\nEdit the campaign and submit it again when it is ready."
                )
                % {"reason": reason},
                "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
                "campaign_id": campaign.pk,
                "reason": reason,
            },
            dedupe_key=f"campaign-rejected:{campaign.pk}:{int(timezone.now().timestamp())}",
        )
    return campaign


def _revisions_reviewed(campaign: Campaign, moderator) -> int:
    return CampaignRevision.objects.filter(campaign=campaign, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=moderator
    )


@transaction.atomic
def campaign_revisions_mark_reviewed(*, campaign: Campaign, moderator) -> int:
    """A moderator has seen the edits of a live campaign ("notify" mode) and keeps it up."""
    require_moderator(moderator)
    done = _revisions_reviewed(campaign, moderator)
    if done:
        moderation_action_record(moderator=moderator, action="campaign_edit_reviewed", target=campaign)
    return done


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """published -> closed by its organizer or a moderator (or the deadline task, actor=None)."""
    if actor is not None and not policies.user_can_manage(actor, campaign):
        raise PermissionDenied(gettext("Only the organizer or a moderator can close this campaign."))
    campaign = lock(campaign)
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict(gettext("This campaign is already closed."), code="already_closed")
    if campaign.status != Campaign.Status.PUBLISHED:
        raise Conflict(gettext("Only published campaigns can be closed."), code="not_published")
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    if actor is not None and actor.pk != campaign.organizer_id:
        moderation_action_record(moderator=actor, action="campaign_close", target=campaign, reason=reason)
    return campaign


@transaction.atomic
def campaign_unpublish(*, campaign: Campaign, moderator, reason: str) -> Campaign:
    """A moderator takes a public campaign down (back to draft, with the reason shown to the
    organizer); it stops being public at once."""
    require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the campaign is taken down.")})
    campaign = lock(campaign)
    if not campaign.is_public:
        raise ValidationError(gettext("Only public campaigns can be unpublished."), code="not_public")
    campaign.status = Campaign.Status.DRAFT
    campaign.rejection_reason = reason
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    moderation_action_record(moderator=moderator, action="campaign_unpublish", target=campaign, reason=reason)
    with language_of(campaign.organizer):
        notify(
            recipient=campaign.organizer,
            kind=Kind.CAMPAIGN_REJECTED,
            context={
                "title": gettext("Your campaign “%(title)s” was unpublished") % {"title": campaign.title},
                "body": gettext("A moderator's note: %(reason)s") % {"reason": reason},
                "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
                "campaign_id": campaign.pk,
                "reason": reason,
            },
            dedupe_key=f"campaign-unpublished:{campaign.pk}:{int(timezone.now().timestamp())}",
        )
    return campaign


def campaign_close_expired(*, now=None) -> int:
    """Close published campaigns whose deadline has passed (the periodic task). Idempotent."""
    now = now or timezone.now()
    closed = 0
    ids = list(
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED, deadline__lte=now).values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            campaign_close(campaign=Campaign(pk=pk), actor=None)
            closed += 1
        except (Conflict, ValidationError):
            continue
    return closed

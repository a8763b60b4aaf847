"""Campaigns, their updates and comments in the site moderation queue: visitors' reports go to the generic
flag service (causeweb.moderation.services.flag_create), and the hide/restore hooks run when a
site moderator decides (registered in CampaignsConfig.ready())."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Campaign, CampaignUpdate, Comment
from campaigns.page_scopes import TAG_CLOUD_SCOPE, campaign_changed
from campaigns.services._common import language_of
from causeweb.core import page_cache
from causeweb.core.exceptions import ValidationError
from causeweb.moderation.services import flag_create
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify


def comment_flag(*, comment: Comment, reporter, reason: str, note: str = ""):
    """Anyone signed in may flag a comment; the moderation queue picks it up."""
    return flag_create(reporter=reporter, target=comment, reason=reason, note=note)


def comment_hide_by_site_moderator(comment: Comment, *, moderator, reason: str = "") -> None:
    """Idempotent hide used when a site moderator upholds a flag (moderation writes the audit row)."""
    Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(hidden_at=timezone.now(), hidden_by=moderator)
    campaign_changed(comment.campaign_id)


def comment_restore_by_site_moderator(comment: Comment, *, moderator) -> None:
    Comment.objects.filter(pk=comment.pk).update(hidden_at=None, hidden_by=None)
    campaign_changed(comment.campaign_id)


def update_flag(*, update: CampaignUpdate, reporter, reason: str, note: str = ""):
    """Anyone signed in may report an update they can see; the moderation queue picks it up."""
    return flag_create(reporter=reporter, target=update, reason=reason, note=note)


def update_hide_by_site_moderator(update: CampaignUpdate, *, moderator, reason: str = "") -> None:
    """Idempotent hide when a site moderator upholds a flag (or enough flags hide it pending
    review): the update leaves the campaign page, the updates page and the API. Moderation writes
    the audit row."""
    CampaignUpdate.objects.filter(pk=update.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=moderator
    )
    campaign_changed(update.campaign_id)


def update_restore_by_site_moderator(update: CampaignUpdate, *, moderator) -> None:
    CampaignUpdate.objects.filter(pk=update.pk).update(hidden_at=None, hidden_by=None)
    campaign_changed(update.campaign_id)


def updates_visible_by_author(user):
    """The updates `user` posted that are not hidden (hidden all at once on suspension)."""
    return CampaignUpdate.objects.filter(author=user, hidden_at__isnull=True)


def update_author(update: CampaignUpdate):
    return update.author


@transaction.atomic
def campaign_hide_by_site_moderator(campaign: Campaign, *, moderator, reason: str = "") -> None:
    """A site moderator upheld a flag on a campaign: take it down (idempotent). The organizer is
    told why and can edit and resubmit it."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_public:
        return
    campaign.status = Campaign.Status.DRAFT
    with language_of(campaign.organizer):
        campaign.rejection_reason = reason or gettext("Reported by visitors and taken down by a moderator.")
        title = gettext("Your campaign “%(title)s” was taken down") % {"title": campaign.title}
        body = gettext("A moderator's note: %(reason)s") % {"reason": campaign.rejection_reason}
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    notify(
        recipient=campaign.organizer,
        kind=Kind.CAMPAIGN_REJECTED,
        context={
            "title": title,
            "body": body,
            "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
            "campaign_id": campaign.pk,
        },
        dedupe_key=f"campaign-taken-down:{campaign.pk}:{int(timezone.now().timestamp())}",
    )


def campaign_restore_by_site_moderator(campaign: Campaign, *, moderator) -> None:
    """Restoring a taken-down campaign sends it back to the review queue rather than straight online."""
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
        status=Campaign.Status.PENDING_REVIEW, submitted_at=timezone.now()
    )
    campaign_changed(campaign.pk)
    page_cache.changed(TAG_CLOUD_SCOPE)


def comments_visible_by_author(user):
    """The comments `user` wrote that are not hidden (hidden all at once on suspension)."""
    return Comment.objects.filter(author=user, hidden_at__isnull=True)


def campaigns_public_by_organizer(user):
    return Campaign.objects.filter(organizer=user, status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED])


def comment_author(comment: Comment):
    return comment.author


def campaign_author(campaign: Campaign):
    return campaign.organizer


def campaign_flag(*, campaign: Campaign, reporter, reason: str, note: str = ""):
    """Anyone signed in may report a public campaign to the moderators."""
    if not campaign.is_public:
        raise ValidationError(gettext("Only public campaigns can be reported."), code="not_public")
    return flag_create(reporter=reporter, target=campaign, reason=reason, note=note)

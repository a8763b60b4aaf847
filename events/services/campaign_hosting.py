"""Distributed campaigns: an organizer opens a campaign to hosts, anyone then hosts an event
under it, and each such event is reviewed like a campaign (pending -> approved or rejected by the
organizer, a campaign moderator or a site moderator) before it appears anywhere public.

Campaigns knows nothing of events, so the setting lives here (`CampaignHosting`) and the
organizer's controls reach the campaign page through `campaigns.hooks.campaign_page_sections`.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from events import policies, selectors
from events.models import CampaignHosting, Event


def campaign_review_for_link(event: Event, *, host) -> str:
    """The review state an event linked to its campaign starts in, or a field error when the
    host may not put it under that campaign (called by event_create / event_update)."""
    if event.campaign_id is None:
        return Event.CampaignReview.APPROVED
    review = policies.campaign_review_for_link(
        event.campaign, host=host, open_to_anyone=selectors.campaign_hosting_open(campaign_id=event.campaign_id)
    )
    if review is None:
        raise ValidationError(
            {
                "campaign": gettext(
                    "Only this campaign's organizer hosts events under it (they have not opened it to hosts)."
                )
            }
        )
    return review


@transaction.atomic
def campaign_hosting_set(*, campaign, actor, open_to_anyone: bool) -> CampaignHosting:
    """The organizer opens the campaign to hosts, or closes it (events already approved stay;
    ones still waiting can still be reviewed)."""
    if not policies.can_set_campaign_hosting(campaign, actor):
        raise PermissionDenied(gettext("Only the campaign's organizer can choose who hosts events under it."))
    if open_to_anyone and not campaign.is_public:
        raise ValidationError(gettext("Publish the campaign before inviting people to host events for it."))
    hosting, _created = CampaignHosting.objects.select_for_update().get_or_create(campaign=campaign)
    hosting.open_to_anyone = bool(open_to_anyone)
    hosting.updated_by = actor
    hosting.save()
    return hosting


@transaction.atomic
def event_campaign_review(*, event: Event, actor, approve: bool, now=None) -> Event:
    """Approve or reject an event hosted under a campaign. Locks the event row; deciding again
    the same way is a no-op, changing a decision is a Conflict. The host is told."""
    if not policies.can_review_campaign_event(event, actor):
        raise PermissionDenied(gettext("Only the campaign's organizer or a moderator reviews its events."))
    locked = Event.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=event.pk)
    decision = Event.CampaignReview.APPROVED if approve else Event.CampaignReview.REJECTED
    if locked.campaign_review == decision:
        return locked
    if locked.campaign_review != Event.CampaignReview.PENDING:
        raise Conflict(gettext("This event was already reviewed."))
    now = now or timezone.now()
    locked.campaign_review = decision
    locked.campaign_reviewed_by = actor
    locked.campaign_reviewed_at = now
    locked.save(update_fields=["campaign_review", "campaign_reviewed_by", "campaign_reviewed_at", "updated_at"])
    campaign_title = locked.campaign.title
    with translation.override(locked.host.language or settings.LANGUAGE_CODE):  # the host's, not the reviewer's
        notify(
            recipient=locked.host,
            kind=Kind.EVENT_REVIEWED,
            context={
                "title": (
                    gettext("%(event)s: approved by %(campaign)s")
                    if approve
                    else gettext("%(event)s: not accepted by %(campaign)s")
                )
                % {"event": locked.title, "campaign": campaign_title},
                "body": (
                    gettext("Your event is now listed with the campaign “%(campaign)s”. Share it!")
                    if approve
                    else gettext(
                        "The campaign “%(campaign)s” did not accept your event, so it is not listed."
                        " You can edit it to remove the campaign and publish it on its own."
                    )
                )
                % {"campaign": campaign_title},
                "url": locked.get_absolute_url(),
                "event_id": locked.pk,
            },
            dedupe_key=f"event-campaign-review:{locked.pk}:{decision}",
        )
    return locked

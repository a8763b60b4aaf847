"""Checks and small writes shared by the campaign service modules (not for other apps). The rules
themselves live in campaigns.policies; these raise the domain error when one says no."""

from django.utils import timezone

from campaigns import policies
from campaigns.models import Campaign
from causeweb.core.exceptions import PermissionDenied, ValidationError


def require_organizer(user, campaign: Campaign) -> None:
    if not policies.is_organizer(user, campaign):
        raise PermissionDenied("Only the campaign's organizer can do that.")


def require_moderator(user) -> None:
    if not policies.user_is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")


def require_signed_in(user, what: str) -> None:
    if not policies.is_active_user(user):
        raise PermissionDenied(f"Sign in to {what}.")


def require_published(campaign: Campaign, what: str) -> None:
    if not policies.takes_participation(campaign):
        raise ValidationError(f"This campaign is not open, so you cannot {what}.", code="not_open")


def lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def bump_activity(campaign_id: int) -> None:
    Campaign.objects.filter(pk=campaign_id).update(last_activity_at=timezone.now())

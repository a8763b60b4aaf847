"""Checks and small writes shared by the campaign service modules (not for other apps). The rules
themselves live in campaigns.policies; these raise the domain error when one says no."""

from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns import policies
from campaigns.models import Campaign
from causeweb.core.exceptions import PermissionDenied, ValidationError


def require_organizer(user, campaign: Campaign) -> None:
    if not policies.is_organizer(user, campaign):
        raise PermissionDenied(gettext("Only the campaign's organizer can do that."))


def require_moderator(user) -> None:
    if not policies.user_is_moderator(user):
        raise PermissionDenied(gettext("Only moderators can do that."))


def require_signed_in(user, message: str) -> None:
    """`message` is the whole translated sentence ("Sign in to comment."), never a piece of one."""
    if not policies.is_active_user(user):
        raise PermissionDenied(message)


def require_published(campaign: Campaign, message: str) -> None:
    """`message` is the whole translated sentence, never a piece of one."""
    if not policies.takes_participation(campaign):
        raise ValidationError(message, code="not_open")


def lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def bump_activity(campaign_id: int) -> None:
    Campaign.objects.filter(pk=campaign_id).update(last_activity_at=timezone.now())


def language_of(user):
    """Text built here for a notification reads in its recipient's language (`User.language`),
    else in the current one (the request's, for a guest who just acted)."""
    return translation.override(getattr(user, "language", "") or translation.get_language())

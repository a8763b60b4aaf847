"""Following a campaign to hear about its news."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from campaigns.models import Campaign, Follow
from campaigns.services._common import require_signed_in
from causeweb.core.exceptions import Conflict, ValidationError


@transaction.atomic
def campaign_follow(*, campaign: Campaign, user) -> Follow:
    require_signed_in(user, gettext("Sign in to follow campaigns."))
    if not campaign.is_public:
        raise ValidationError(gettext("You can follow published campaigns only."), code="not_public")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(campaign=campaign, user=user)
    except IntegrityError:
        raise Conflict(gettext("You already follow this campaign."), code="already_following")
    Campaign.objects.filter(pk=campaign.pk).update(follower_count=F("follower_count") + 1)
    return follow


@transaction.atomic
def campaign_unfollow(*, campaign: Campaign, user) -> None:
    require_signed_in(user, gettext("Sign in to unfollow campaigns."))
    deleted, _ = Follow.objects.filter(campaign=campaign, user=user).delete()
    if not deleted:
        raise Conflict(gettext("You do not follow this campaign."), code="not_following")
    Campaign.objects.filter(pk=campaign.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)

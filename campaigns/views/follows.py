"""Following a campaign and stopping."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from campaigns.services import follows
from campaigns.views._common import public_or_404
from causeweb.core.boundary import flash_errors


@login_required
@require_POST
def follow(request, slug: str):
    campaign = public_or_404(slug)
    with flash_errors(request, success=gettext("You follow this campaign: we will tell you when there is news.")):
        follows.campaign_follow(campaign=campaign, user=request.user)
    return redirect(campaign.get_absolute_url())


@login_required
@require_POST
def unfollow(request, slug: str):
    campaign = public_or_404(slug)
    with flash_errors(request, success=gettext("You no longer follow this campaign.")):
        follows.campaign_unfollow(campaign=campaign, user=request.user)
    return redirect(campaign.get_absolute_url())

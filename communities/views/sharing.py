"""Sharing a group: its preview card image, QR code, embeddable widget and the moderators' share
statistics. The /s/<code> redirect itself is campaigns' (the group is the share link's target).
Private groups have none of these (404 for everyone, as their page is for outsiders)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from campaigns.selectors import share_stats_for_target
from causeweb.core.share_views import share_views
from communities import policies, previews, selectors
from communities.services.sharing import group_share_link
from communities.views._common import moderators_only, with_group


def _shareable_group_or_404(slug: str):
    group = selectors.group_get_by_slug(slug=slug)
    if group is None or not policies.can_share_group(group):
        raise Http404
    return group


group_card, group_qr, group_embed = share_views(
    name="group",
    get_shareable=_shareable_group_or_404,
    share_link=lambda group: group_share_link(group=group),
    card_text=previews.group_card_text,  # cause, name, members and place
    qr_title=lambda group: gettext("QR code for %(group)s") % {"group": group.name},
    embed_template="communities/embed.html",  # the group, its members and a join button
    embed_context=lambda group: {"group": group, "members": previews.group_members_label(group)},
)


@require_safe
@with_group
def group_share_stats(request, group, access):
    moderators_only(access)
    if not policies.can_share_group(group):
        raise Http404
    return render(
        request,
        "communities/share_stats.html",
        {"group": group, "access": access, "stats": share_stats_for_target(target=group)},
    )

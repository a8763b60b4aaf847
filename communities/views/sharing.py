"""Sharing a group: its preview card image, QR code, embeddable widget and the moderators' share
statistics. The /s/<code> redirect itself is campaigns' (the group is the share link's target).
Private groups have none of these (404 for everyone, as their page is for outsiders)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaigns.selectors import share_stats_for_target
from causeweb.core.qr import qr_svg_response
from causeweb.core.security_headers import embeddable
from causeweb.core.share_cards import share_card_png
from communities import policies, previews, selectors
from communities.services.sharing import group_share_link
from communities.views._common import moderators_only, with_group


def _shareable_group_or_404(slug: str):
    group = selectors.group_get_by_slug(slug=slug)
    if group is None or not policies.can_share_group(group):
        raise Http404
    return group


def _tracked_url(request, group, channel: str) -> str:
    return request.build_absolute_uri(group_share_link(group=group).get_absolute_url()) + f"?via={channel}"


@require_safe
@cache_control(public=True, max_age=3600)
def group_card(request, slug: str):
    """The Open Graph / Twitter card image: cause, name, members and place on the brand background."""
    group = _shareable_group_or_404(slug)
    return HttpResponse(
        share_card_png(site_name=settings.SITE_NAME, **previews.group_card_text(group)), content_type="image/png"
    )


@require_safe
@cache_control(public=True, max_age=3600)
def group_qr(request, slug: str):
    group = _shareable_group_or_404(slug)
    download = f"{group.slug}-qr.svg" if request.GET.get("download") else None
    return qr_svg_response(
        _tracked_url(request, group, "qr"),
        title=gettext("QR code for %(group)s") % {"group": group.name},
        download_name=download,
    )


@embeddable
@require_safe
def group_embed(request, slug: str):
    """A small card other sites put in an iframe: the group, its members and a join button."""
    group = _shareable_group_or_404(slug)
    response = render(
        request,
        "communities/embed.html",
        {
            "group": group,
            "members": previews.group_members_label(group),
            "target_url": _tracked_url(request, group, "embed"),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


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

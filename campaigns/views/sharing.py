"""Sharing: the tracked /s/<code> redirect, the embeddable widget and the QR code."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaigns import content_selectors, selectors
from campaigns.hooks import campaign_embed_sections
from campaigns.services import sharing
from campaigns.views._common import public_or_404
from causeweb.core.clientip import client_ip
from causeweb.core.security_headers import embeddable
from causeweb.core.share_views import share_card_response, share_embed_response, share_qr_response, tracked_url


def _visitor(request) -> str:
    return sharing.visitor_fingerprint(
        user_id=request.user.pk if request.user.is_authenticated else None, ip=client_ip(request)
    )


@require_safe
def share_redirect(request, code: str):
    """/s/<code>: count the click (once per visitor per day), keep the referral in the session and
    send the visitor to the campaign (or the event or group the link is for). Preview bots follow
    the redirect to read the page's Open Graph tags and are not counted."""
    share_link = selectors.share_link_get_by_code(code=code)
    destination = share_link.destination_url() if share_link is not None else None
    if destination is None:
        raise Http404("This link does not lead anywhere any more.")
    if not sharing.is_link_preview_bot(request.META.get("HTTP_USER_AGENT", "")):
        sharing.share_click_record(
            share_link=share_link,
            channel=request.GET.get("via", ""),
            visitor=_visitor(request),
            session=request.session,
        )
    return redirect(destination)


@embeddable
@require_safe
def campaign_embed(request, slug: str):
    campaign = public_or_404(slug)
    share_link = sharing.share_link_get_or_create(campaign=campaign, user=None)
    sections = campaign_embed_sections.sections(campaign=campaign, absolute_url=request.build_absolute_uri)
    context = {"campaign": campaign, "target_url": tracked_url(request, share_link, "embed"), "sections": sections}
    return share_embed_response(request, "campaigns/embed.html", context)


@require_safe
@cache_control(public=True, max_age=3600)
def campaign_qr(request, slug: str):
    campaign = public_or_404(slug)
    return share_qr_response(
        request,
        url=tracked_url(request, sharing.share_link_get_or_create(campaign=campaign, user=None), "qr"),
        title=gettext("QR code for %(title)s") % {"title": campaign.title},
        slug=campaign.slug,
    )


@require_safe
@cache_control(public=True, max_age=3600)
def campaign_card(request, slug: str):
    """The preview image of a campaign without a cover: cause, title and place on the brand
    background, in the version named by ?lang= (the page's og:image names the version it shows)."""
    campaign = public_or_404(slug)
    content = content_selectors.campaign_content(campaign=campaign, requested=request.GET.get("lang", ""))
    details = [campaign.location] if campaign.location else []
    return share_card_response(eyebrow=campaign.cause.name, title=content.title, details=details)

"""Sharing an event: its preview card image, QR code (for posters at the rally), embeddable widget
and the host's share statistics. The /s/<code> redirect itself is campaigns' (the event is the
share link's target)."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaigns.selectors import share_stats_for_target
from causeweb.core.qr import qr_svg_response
from causeweb.core.security_headers import embeddable
from causeweb.core.share_cards import share_card_png
from events import previews
from events.services.sharing import event_share_link
from events.views._common import event_or_404, host_event_or_403


def _tracked_url(request, event, channel: str) -> str:
    return request.build_absolute_uri(event_share_link(event=event).get_absolute_url()) + f"?via={channel}"


@require_safe
@cache_control(public=True, max_age=3600)
def event_card(request, slug: str):
    """The Open Graph / Twitter card image: title, date and place on the brand background."""
    event = event_or_404(slug)
    png = share_card_png(site_name=settings.SITE_NAME, **previews.event_card_text(event))
    return HttpResponse(png, content_type="image/png")


@require_safe
@cache_control(public=True, max_age=3600)
def event_qr(request, slug: str):
    event = event_or_404(slug)
    download = f"{event.slug}-qr.svg" if request.GET.get("download") else None
    return qr_svg_response(
        _tracked_url(request, event, "qr"),
        title=gettext("QR code for %(event)s") % {"event": event.title},
        download_name=download,
    )


@embeddable
@require_safe
def event_embed(request, slug: str):
    """A small card other sites put in an iframe: date, place, spots left and an RSVP button."""
    event = event_or_404(slug)
    response = render(
        request,
        "events/embed.html",
        {
            "event": event,
            "when": previews.event_when_label(event),
            "place": previews.event_place_label(event),
            "target_url": _tracked_url(request, event, "embed"),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def event_share_stats(request, slug: str):
    """The host's view of how people found the event: visits by channel and by sharer."""
    event = host_event_or_403(request, slug)
    stats = share_stats_for_target(target=event)
    return render(request, "events/share_stats.html", {"event": event, "stats": stats})

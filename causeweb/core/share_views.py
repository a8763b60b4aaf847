"""What the share views of campaigns, events and groups have in common: the tracked address of
a share link for a channel, and the responses for the QR code, the preview card image and the
embeddable widget. Each app keeps its views (which object, who may share it, its share link and
texts); this module knows nothing of them, so it stays below every app (import contracts)."""

from collections.abc import Callable

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from causeweb.core.qr import qr_svg_response
from causeweb.core.security_headers import embeddable
from causeweb.core.share_cards import share_card_png

EMBED_CACHE_CONTROL = "public, max-age=300"


def tracked_url(request: HttpRequest, share_link, channel: str) -> str:
    """The absolute /s/<code> address of `share_link` with ?via=<channel> (qr, embed, ...), so
    the visits it brings are counted for that channel."""
    return request.build_absolute_uri(share_link.get_absolute_url()) + f"?via={channel}"


def share_qr_response(request: HttpRequest, *, url: str, title: str, slug: str) -> HttpResponse:
    """The QR code of `url` as SVG; with ?download=1 an attachment named <slug>-qr.svg."""
    download = f"{slug}-qr.svg" if request.GET.get("download") else None
    return qr_svg_response(url, title=title, download_name=download)


def share_card_response(*, eyebrow: str, title: str, details: list[str]) -> HttpResponse:
    """The Open Graph / Twitter card image (PNG) on the brand background."""
    png = share_card_png(eyebrow=eyebrow, title=title, details=details, site_name=settings.SITE_NAME)
    return HttpResponse(png, content_type="image/png")


def share_embed_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The embeddable widget, cached by browsers and proxies for five minutes (the view itself is
    decorated @embeddable for its framing policy)."""
    response = render(request, template, context)
    response["Cache-Control"] = EMBED_CACHE_CONTROL
    return response


def share_views(
    *,
    name: str,
    get_shareable: Callable[[str], Model],
    share_link: Callable[[Model], object],
    card_text: Callable[[Model], dict],
    qr_title: Callable[[Model], str],
    embed_template: str,
    embed_context: Callable[[Model], dict],
):
    """The card, QR and embed views of a shareable object looked up by slug (events, groups):
    `get_shareable(slug)` raises Http404 unless it may be shared, `share_link(obj)` is its
    anonymous share link, `embed_context(obj)` the widget's context (plus `target_url`, the
    tracked embed address). Returns (card, qr, embed), named <name>_card and so on."""

    @require_safe
    @cache_control(public=True, max_age=3600)
    def card(request: HttpRequest, slug: str) -> HttpResponse:
        """The Open Graph / Twitter card image."""
        return share_card_response(**card_text(get_shareable(slug)))

    @require_safe
    @cache_control(public=True, max_age=3600)
    def qr(request: HttpRequest, slug: str) -> HttpResponse:
        """The QR code of the tracked link (for posters and flyers)."""
        shared = get_shareable(slug)
        url = tracked_url(request, share_link(shared), "qr")
        return share_qr_response(request, url=url, title=qr_title(shared), slug=slug)

    @embeddable
    @require_safe
    def embed(request: HttpRequest, slug: str) -> HttpResponse:
        """A small card other sites put in an iframe."""
        shared = get_shareable(slug)
        context = {**embed_context(shared), "target_url": tracked_url(request, share_link(shared), "embed")}
        return share_embed_response(request, embed_template, context)

    for view, suffix in ((card, "card"), (qr, "qr"), (embed, "embed")):
        view.__name__ = view.__qualname__ = f"{name}_{suffix}"
    return card, qr, embed

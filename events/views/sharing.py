"""Sharing an event: its preview card image, QR code (for posters at the rally), embeddable widget
and the host's share statistics. The /s/<code> redirect itself is campaigns' (the event is the
share link's target)."""

from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from campaigns.selectors import share_stats_for_target
from causeweb.core.share_views import share_views
from events import previews
from events.services.sharing import event_share_link
from events.views._common import event_or_404, host_event_or_403

event_card, event_qr, event_embed = share_views(
    name="event",
    get_shareable=event_or_404,
    share_link=lambda event: event_share_link(event=event),
    card_text=previews.event_card_text,  # title, date and place
    qr_title=lambda event: gettext("QR code for %(event)s") % {"event": event.title},
    embed_template="events/embed.html",  # date, place, spots left and an RSVP button
    embed_context=lambda event: {
        "event": event,
        "when": previews.event_when_label(event),
        "place": previews.event_place_label(event),
    },
)


@require_safe
def event_share_stats(request, slug: str):
    """The host's view of how people found the event: visits by channel and by sharer."""
    event = host_event_or_403(request, slug)
    stats = share_stats_for_target(target=event)
    return render(request, "events/share_stats.html", {"event": event, "stats": stats})

"""A person's calendar: the page with their secret feed URL (and a way to replace it), and the
feed itself."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from events import selectors
from events.calendar import calendar_ics
from events.services.calendar import calendar_feed_get_or_create, calendar_feed_reset


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_feed_page(request):
    if request.method == "POST":
        calendar_feed_reset(user=request.user)
        messages.success(request, gettext("Your calendar link was replaced; the old one no longer works."))
        return redirect("events:calendar")
    feed = calendar_feed_get_or_create(user=request.user)
    feed_url = f"{settings.SITE_URL}{reverse('events:calendar_feed', kwargs={'token': feed.token})}"
    return render(
        request,
        "events/calendar.html",
        {
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "rsvps": selectors.event_list_with_user_rsvps(user=request.user),
            "hosted": selectors.event_list_hosted_by(user=request.user)[:20],
        },
    )


@require_safe
def calendar_feed(request, token):
    """The feed is the person's own: their events carry the online link where the policy lets
    them see it (they host it, or they are confirmed going)."""
    feed = selectors.calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404("Unknown calendar.")
    events = list(selectors.event_list_for_attendee(user=feed.user))
    going = selectors.rsvps_going_by_event(user=feed.user, event_ids=[event.pk for event in events])
    # Calendar apps fetch the feed with no language of their own: it speaks its owner's.
    with translation.override(feed.user.language or settings.LANGUAGE_CODE):
        name = gettext("%(site)s: my events") % {"site": settings.SITE_NAME}
        body = calendar_ics(events, name=name, viewer=feed.user, viewer_rsvps=going)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response

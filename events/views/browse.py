"""Browsing events: the list with its filters, an event's page and its calendar file."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_safe

from causeweb.core import page_cache
from causeweb.core.geocoding import place_suggestions
from causeweb.core.pagination import CappedPaginator
from events import policies, previews, selectors
from events.calendar import calendar_ics, google_calendar_url
from events.forms import EventFilterForm, RSVPForm
from events.maps import event_map_markers
from events.services.links import rsvp_manage_url
from events.services.rsvps import rsvp_waitlist_place
from events.services.sharing import event_share_link
from events.views._common import event_or_404


@require_safe
@page_cache.cached_page
def events_list(request):
    page_cache.depends_on("events")
    form = EventFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else EventFilterForm().to_filters()
    page = CappedPaginator(selectors.event_list_public(filters=filters), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "filters": filters,
            "query": query.urlencode(),
            "map_markers": event_map_markers(page.object_list),
        },
    )


@require_safe
def place_autocomplete(request):
    """City suggestions for the "Near" field, from the shipped gazetteer (no network)."""
    places = place_suggestions(request.GET.get("q", "")[:120])
    response = JsonResponse(
        {"places": [{"label": p.label, "latitude": p.latitude, "longitude": p.longitude} for p in places]}
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@page_cache.cached_page
def event_detail(request, slug):
    event = event_or_404(slug, request.user)
    page_cache.depends_on(f"event:{event.pk}")
    viewer_rsvp = selectors.rsvp_active_for_user(event=event, user=request.user)
    now = timezone.now()
    context = {
        "event": event,
        "is_host": policies.is_host(event, request.user),
        "can_review": policies.can_review_campaign_event(event, request.user),
        "viewer_rsvp": viewer_rsvp,
        "viewer_manage_url": rsvp_manage_url(viewer_rsvp) if viewer_rsvp else "",
        "waitlist_place": rsvp_waitlist_place(viewer_rsvp) if viewer_rsvp else None,
        "show_online_link": policies.can_see_online_link(event, viewer=request.user, rsvp=viewer_rsvp),
        "rsvp_open": policies.can_rsvp(event, now=now),
        "rsvp_form": RSVPForm(signed_in=request.user.is_authenticated, event=event),
        # A visitor's RSVP form (with its CSRF token) loads on its own: the page stays shareable
        # and cacheable (causeweb/core/page_cache.py).
        "defer_rsvp_form": not request.user.is_authenticated,
        "public_attendees": selectors.event_public_attendees(event=event),
        "waitlist_count": selectors.event_waitlist_count(event=event),
        "event_zone": event.zone,
        "viewer_zone": timezone.get_current_timezone(),
        "google_calendar_url": google_calendar_url(event),
        "is_past": event.ends_at <= now,
        **_share_context(request, event, now=now),
    }
    # The viewer's zone comes from their account or the `tz` cookie; on a first visit neither is
    # there yet and the page lets the browser show its own time instead of guessing UTC.
    context["viewer_zone_known"] = bool(getattr(request.user, "timezone", "") or request.COOKIES.get("tz"))
    context["zones_differ"] = context["viewer_zone_known"] and str(context["viewer_zone"]) != event.timezone
    return render(request, "events/detail.html", context)


def _share_context(request, event, *, now) -> dict:
    """Open Graph / Twitter tags, schema.org data and the viewer's own tracked share link."""
    canonical_url = request.build_absolute_uri(event.get_absolute_url())
    card_url = request.build_absolute_uri(reverse("events:card", kwargs={"slug": event.slug}))
    shareable = policies.can_share_event(event)
    return {
        "canonical_url": canonical_url,
        "card_url": card_url,
        "share_description": previews.event_share_description(event),
        "structured_data": previews.event_structured_data(
            event, url=canonical_url, image_url=card_url, organizer_name=event.host.public_name
        ),
        "offer_sharing": shareable and policies.should_offer_sharing(event, now=now),
        "share_url": request.build_absolute_uri(event_share_link(event=event, actor=request.user).get_absolute_url())
        if shareable
        else "",
        "embed_code": _embed_code(
            request.build_absolute_uri(reverse("events:embed", kwargs={"slug": event.slug})), event
        ),
    }


def _embed_code(embed_url: str, event) -> str:
    """The <iframe> a site owner pastes (plain text: the template escapes it into the textarea)."""
    return (
        f'<iframe src="{escape(embed_url)}" width="440" height="220" style="border:0"'
        f' title="{escape(event.title)}" loading="lazy"></iframe>'
    )


@require_safe
def event_ics(request, slug):
    """The public .ics: nobody is known here, so the policy leaves the online link out."""
    event = event_or_404(slug, request.user)
    body = calendar_ics([event], name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response

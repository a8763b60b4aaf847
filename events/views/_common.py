"""Lookups shared by the events views."""

from django.http import Http404
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied
from events import policies, selectors
from events.models import Event


def event_or_404(slug: str, user=None) -> Event:
    """The event, or 404; with `user`, also 404 when they may not see it (hidden by moderators)."""
    event = selectors.event_get_by_slug(slug=slug)
    if event is None or (user is not None and not policies.can_view_event(event, user)):
        raise Http404("No such event.")
    return event


def host_event_or_403(request, slug: str) -> Event:
    event = event_or_404(slug)
    if not policies.is_host(event, request.user):
        raise PermissionDenied(gettext("Only the event's host can see this page."))
    return event

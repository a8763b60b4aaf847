"""Events in the site moderation queue: the hide and restore a site moderator's decision runs
(registered in EventsConfig.ready(); moderation checks the permission and writes the audit log).
A hidden event leaves every list and its page (404 for all but its host and site moderators);
its RSVPs are kept, so restoring it puts everything back as it was."""

from django.utils import timezone

from events.models import Event
from events.page_scopes import event_changed


def event_hide_by_site_moderator(event: Event, *, moderator, reason: str = "") -> None:
    """Idempotent: hiding a hidden event changes nothing."""
    Event.objects.filter(pk=event.pk, hidden_at__isnull=True).update(hidden_at=timezone.now(), hidden_by=moderator)
    event_changed(event)


def event_restore_by_site_moderator(event: Event, *, moderator) -> None:
    Event.objects.filter(pk=event.pk).update(hidden_at=None, hidden_by=None)
    event_changed(event)


def events_visible_by_host(user):
    """The events `user` hosts that are not hidden (hidden all at once on suspension)."""
    return Event.objects.filter(host=user, hidden_at__isnull=True)


def event_author(event: Event):
    """Who answers for an event: its host."""
    return event.host

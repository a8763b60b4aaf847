"""Which cached pages an events row shows on (causeweb/core/page_cache.py): the event's page, the
event lists (`events`, also the home page), and the page of the campaign and of the group it
belongs to (their events sections, which also depend on each event they show)."""

from causeweb.core import page_cache
from events.models import RSVP, Event


def event_scopes(event: Event) -> list[str]:
    scopes = [f"event:{event.pk}", "events"]
    if event.campaign_id:
        scopes.append(f"campaign:{event.campaign_id}")
    if event.group_id:
        scopes.append(f"group:{event.group_id}")
    return scopes


def event_changed(event: Event) -> None:
    """For writes made with `QuerySet.update()` (moderation's hide), which the watch does not see."""
    page_cache.changed(*event_scopes(event))


def watch_pages() -> None:
    page_cache.watch(Event, event_scopes)
    # By id only (no query per row): the campaign and group pages depend on their events' scopes.
    page_cache.watch(RSVP, lambda rsvp: (f"event:{rsvp.event_id}", "events"))

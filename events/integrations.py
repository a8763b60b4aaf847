"""What events adds to lower layers' pages (registered in EventsConfig.ready())."""

import functools

from django.utils.translation import gettext

from campaigns.hooks import MessageSegment
from causeweb.core import page_cache
from causeweb.core.hooks import PageSection
from events import policies, selectors
from events.maps import event_map_markers
from events.models import Event
from events.services.links import rsvp_manage_url
from events.timezones import format_local


def home_section(*, request) -> PageSection:
    return PageSection("events/_home_section.html", {"events": selectors.event_list_featured(limit=4)})


def campaign_events_section(*, campaign, viewer) -> PageSection | None:
    """ "Find an action near you": all the campaign's upcoming events on a map and a list, the
    place search (the event list filtered to the campaign), "host one" when the organizer opened
    the campaign to hosts, and for the organizer the switch and the events awaiting review."""
    events = selectors.event_list_actions_for_campaign(campaign_id=campaign.pk)
    open_to_anyone = selectors.campaign_hosting_open(campaign_id=campaign.pk)
    manages = policies.can_set_campaign_hosting(campaign, viewer)
    awaiting = selectors.event_list_awaiting_campaign_review(campaign_id=campaign.pk) if manages else []
    if not (events or open_to_anyone or manages):
        return None
    page_cache.depends_on(*(f"event:{event.pk}" for event in events))  # their seats and RSVPs
    return PageSection(
        "events/_campaign_section.html",
        {
            "events": events,
            "map_markers": event_map_markers(events),
            "open_to_anyone": open_to_anyone,
            "manages_hosting": manages,
            "awaiting_review": awaiting,
            "campaign": campaign,
        },
    )


def group_events_section(*, group, viewer) -> PageSection:
    events = list(selectors.event_list_for_group(group_id=group.pk, limit=5))
    page_cache.depends_on(*(f"event:{event.pk}" for event in events))
    return PageSection("events/_group_section.html", {"events": events})


def share_link_target(*, target) -> bool | None:
    """campaigns' share links may point at an event (`campaigns.hooks.share_link_targets`)."""
    return policies.can_share_event(target) if isinstance(target, Event) else None


def campaign_update_audience(*, campaign):
    """RSVPs that asked to be kept updated hear the campaign's news (`campaign_update_audiences`)."""
    return selectors.campaign_update_audience(campaign=campaign)


def my_activity_section(*, user) -> PageSection:
    upcoming = selectors.event_list_with_user_rsvps(user=user)
    return PageSection(
        "events/_my_activity.html",
        {
            "upcoming": [(rsvp, rsvp_manage_url(rsvp)) for rsvp in upcoming],
            "past": selectors.rsvp_list_past_for_user(user=user),
            "hosted": list(selectors.event_list_hosted_by(user=user)[:20]),
        },
    )


def campaign_message_segments(*, campaign) -> list[MessageSegment]:
    """The organizer may write to the RSVPs of each of the campaign's events
    (`campaigns.hooks.campaign_message_segments`); campaigns keeps only those who opted in."""
    segments = []
    for event in selectors.campaign_events_for_messages(campaign_id=campaign.pk):
        segments.append(
            MessageSegment(
                key=f"rsvps:{event.pk}",
                label=gettext("RSVPs of %(event)s (%(date)s)")
                % {"event": event.title, "date": format_local(event.starts_at, event.zone, gettext("j M"))},
                members=functools.partial(selectors.event_rsvp_members, event_id=event.pk),
            )
        )
    return segments

"""What events adds to lower layers' pages (registered in EventsConfig.ready())."""

from causeweb.core import page_cache
from causeweb.core.hooks import PageSection
from events import policies, selectors
from events.models import Event
from events.services.links import rsvp_manage_url


def home_section(*, request) -> PageSection:
    return PageSection("events/_home_section.html", {"events": selectors.event_list_featured(limit=4)})


def campaign_events_section(*, campaign, viewer) -> PageSection:
    events = list(selectors.event_list_for_campaign(campaign_id=campaign.pk, limit=5))
    page_cache.depends_on(*(f"event:{event.pk}" for event in events))  # their seats and RSVPs
    return PageSection("events/_campaign_section.html", {"events": events})


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

"""Who may see or do what with an event. One place, asked by services (which enforce it), views,
the API and templates (which only show what a person may use). Pure functions over objects: no
queries here; callers pass what they already loaded.
"""

from datetime import datetime

from django.utils.translation import gettext

from campaigns import policies as campaign_policies
from causeweb.moderation.policies import is_site_moderator
from events.models import RSVP, Event


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_host(event: Event, user) -> bool:
    """The event's host: the only person who edits, cancels, messages, checks people in and
    sees the attendee list."""
    return _signed_in(user) and user.pk == event.host_id


def can_view_event(event: Event, user) -> bool:
    """Every event has a public page (cancelled ones say so), whoever is looking, unless a site
    moderator hid it, or it waits for (or failed) its campaign's review: then only its host, the
    people who review it and site moderators see it."""
    if is_host(event, user) or is_site_moderator(user):
        return True
    if event.campaign_review != Event.CampaignReview.APPROVED:
        return can_review_campaign_event(event, user)
    return event.hidden_at is None


def can_share_event(event: Event) -> bool:
    """Every public event's page can be shared, so its share links keep working; a cancelled
    one's page says it is cancelled (people who saw the link learn that rather than meet a dead
    link). One waiting for its campaign's review is not public yet."""
    return event.campaign_review == Event.CampaignReview.APPROVED


# --- Distributed campaigns: hosting under a campaign ---------------------------------------------


def campaign_review_for_link(campaign, *, host, open_to_anyone: bool) -> str | None:
    """What linking an event by `host` to `campaign` needs: approved at once for the campaign's
    own organizer, the campaign's review when it is open to anyone (`CampaignHosting`), and None
    (refused) otherwise: the organizer decides who speaks in the campaign's name."""
    if campaign_policies.is_organizer(host, campaign):
        return Event.CampaignReview.APPROVED
    if open_to_anyone:
        return Event.CampaignReview.PENDING
    return None


def can_set_campaign_hosting(campaign, user) -> bool:
    """The campaign's organizer (or a campaign moderator) opens it to hosts or closes it."""
    return campaign_policies.user_can_manage(user, campaign)


def can_review_campaign_event(event: Event, user) -> bool:
    """An event hosted under a campaign is reviewed like a campaign: by its organizer, the
    campaign moderators, or site moderators."""
    if event.campaign_id is None:
        return False
    return campaign_policies.user_can_manage(user, event.campaign) or is_site_moderator(user)


def should_offer_sharing(event: Event, *, now: datetime) -> bool:
    """The page asks people to bring others along only while that still makes sense."""
    return not event.is_cancelled and event.ends_at > now


def can_host_events(user) -> bool:
    """Anyone signed in (and not deactivated) may host an event."""
    return _signed_in(user) and user.is_active


def can_host_for_group(access) -> bool:
    """The group's owners and moderators (not banned) may put events under its name.
    `access` is the viewer's `communities.selectors.group_access(...)`."""
    return access.can_moderate and not access.is_banned


def rsvp_refusal(event: Event, *, now: datetime) -> str | None:
    """Why nobody can RSVP to the event now, or None when RSVPs are open."""
    if event.is_cancelled:
        return gettext("This event was cancelled.")
    if event.campaign_review != Event.CampaignReview.APPROVED:
        return gettext("This event is waiting for the campaign's review.")
    if not event.rsvp_open(now):
        return gettext("RSVPs for this event are closed.")
    return None


def can_rsvp(event: Event, *, now: datetime) -> bool:
    return rsvp_refusal(event, now=now) is None


def can_manage_rsvp(rsvp: RSVP, *, actor, holds_manage_link: bool = False) -> bool:
    """The attendee: signed in as the RSVP's account, or holding the RSVP's signed manage link."""
    if holds_manage_link:
        return True
    return _signed_in(actor) and actor.pk == rsvp.user_id


def can_cancel_rsvp(rsvp: RSVP, event: Event, *, actor, holds_manage_link: bool = False) -> bool:
    """The attendee, or the host (who may drop anyone from their event)."""
    return can_manage_rsvp(rsvp, actor=actor, holds_manage_link=holds_manage_link) or is_host(event, actor)


def can_see_online_link(event: Event, *, viewer=None, rsvp: RSVP | None = None, by_email: bool = False) -> bool:
    """Who sees an event's online link, and when.

    Never when there is none. The host always. An attendee once their RSVP is going and their
    address is proven: on a page, that means confirmed going (a guest's hold is over; members and
    walk-ins are trusted), because the manage page opens in the browser right after a guest RSVPs
    and holding it proves nothing. In an email to the RSVP's own address (`by_email`), going is
    enough: only whoever controls the address reads it. Offered, waitlisted or cancelled: no."""
    if not event.online_url:
        return False
    if is_host(event, viewer):
        return True
    if rsvp is None or rsvp.event_id != event.pk:
        return False
    if by_email:
        return rsvp.status == RSVP.Status.GOING
    return rsvp.is_confirmed_going

"""Helpers shared by the events services: the event lock, the host check, guest holds and what
notifications about an event say. Internal to events.services."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.notifications.services import notify, notify_bulk
from events import policies
from events.calendar import event_location
from events.models import RSVP, Event
from events.services.links import rsvp_confirm_url, rsvp_manage_url
from events.timezones import format_local

HOLD_EXPIRED = "hold_expired"


def _needs_email_confirmation(rsvp: RSVP) -> bool:
    """Guests typed an address nobody checked; members' and walk-ins' (the host saw them) are trusted."""
    return rsvp.user_id is None and rsvp.email_confirmed_at is None and not rsvp.is_walk_in


def _hold_until(rsvp: RSVP, *, now: datetime) -> datetime | None:
    """When an RSVP becoming going loses its seats unless confirmed; None when it keeps them."""
    return now + settings.GUEST_RSVP_HOLD if _needs_email_confirmation(rsvp) else None


def _hold_line(event: Event, rsvp: RSVP) -> str:
    local = timezone.localtime(rsvp.hold_expires_at, event.zone)
    return " " + gettext("Confirm your email by %(time)s (%(zone)s) to keep your spot, or it is released: %(url)s") % {
        "time": f"{local:%H:%M}",
        "zone": event.timezone,
        "url": f"{settings.SITE_URL.rstrip('/')}{rsvp_confirm_url(rsvp)}",  # an email link: absolute
    }


def _require_host(event: Event, actor) -> None:
    if not policies.is_host(event, actor):
        raise PermissionDenied(gettext("Only the event's host can do that."))


def _lock_event(event_id: int) -> Event:
    try:
        return Event.objects.select_for_update().get(pk=event_id)
    except Event.DoesNotExist:
        raise ValidationError(gettext("This event does not exist."))


def _event_context(event: Event, **extra) -> dict:
    """What the notification templates show: `event`, `starts_at` (in the event's own zone),
    `location`, and `url` (the event page unless the caller points it at the RSVP's page)."""

    starts_at = format_local(event.starts_at, event.zone, gettext("l d F Y, H:i"))
    return {
        "event_id": event.pk,
        "event": event.title,
        "starts_at": f"{starts_at} ({event.timezone})",
        "location": event_location(event),
        "url": event.get_absolute_url(),
        **extra,
    }


def _online_line(event: Event, rsvp: RSVP) -> str:
    """The online link, for an email to `rsvp`'s own address when the policy lets them see it."""
    if policies.can_see_online_link(event, rsvp=rsvp, by_email=True):
        return " " + gettext("Join online: %(url)s") % {"url": event.online_url}
    return ""


def rsvp_language(rsvp: RSVP) -> str:
    """The language to write to an RSVP's person in: their account's choice, else the language of
    the page they RSVPed on, else the site's."""
    account_language = getattr(rsvp.user, "language", "") if rsvp.user_id else ""
    return account_language or rsvp.language or settings.LANGUAGE_CODE


def _notify_rsvps(rsvps, *, kind: str, context, dedupe_key: str) -> int:
    """Tell a set of RSVPs something: account holders in one batched insert, guests one by one.
    Keys are per person, so a retry notifies nobody twice. `context` is a dict, or a function
    returning one: then it is called once per language among the recipients, under that language,
    so each person reads the title and body in theirs (a beat task has no language of its own)."""
    rsvps = list(rsvps)
    if not callable(context):
        return _notify_rsvps_in(rsvps, kind=kind, context=context, dedupe_key=dedupe_key)
    by_language: dict[str, list[RSVP]] = {}
    for rsvp in rsvps:
        by_language.setdefault(rsvp_language(rsvp), []).append(rsvp)
    sent = 0
    for language, group in by_language.items():
        with translation.override(language):
            sent += _notify_rsvps_in(group, kind=kind, context=context(), dedupe_key=dedupe_key)
    return sent


def _notify_rsvps_in(rsvps: list[RSVP], *, kind: str, context: dict, dedupe_key: str) -> int:
    users = [r.user for r in rsvps if r.user_id]
    sent = notify_bulk(recipients=users, kind=kind, context=context, dedupe_key=dedupe_key) if users else 0
    for rsvp in rsvps:
        if rsvp.user_id is None and rsvp.email:
            guest_context = {**context, "manage_url": rsvp_manage_url(rsvp)}
            if notify(email=rsvp.email, kind=kind, context=guest_context, dedupe_key=f"{dedupe_key}:rsvp{rsvp.pk}"):
                sent += 1
    return sent

"""Sharing an event: its tracked /s/<code> links, through campaigns' share machinery (the event is
the link's target; clicks are counted once per visitor per day and preview bots are skipped there)."""

from django.utils.translation import gettext

from campaigns.services.sharing import share_link_get_or_create_for_target
from causeweb.core.exceptions import ValidationError
from events import policies
from events.models import Event


def event_share_link(*, event: Event, actor=None):
    """The person's own tracked link to the event (signed in), or the shared anonymous one: a
    campaigns ShareLink (`get_absolute_url()` is its /s/<code>)."""
    if not policies.can_share_event(event):
        raise ValidationError(gettext("This event cannot be shared."), code="not_shareable")
    return share_link_get_or_create_for_target(target=event, user=actor)

"""A person's secret calendar-feed URL (their events as an .ics subscription)."""

import secrets

from django.db import transaction
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied
from events.models import CalendarFeed


@transaction.atomic
def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(gettext("Sign in to get your calendar feed."))
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working (for a leaked link)."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed

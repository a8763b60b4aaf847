"""Moderator alerts: one batched notice (in-app and email, through the notifications pipeline)
when reported items have waited in the queue longer than MODERATION_ALERT_AFTER, never one per
flag. Run by the beat task `causeweb.moderation.tasks.alert_waiting_items`.

An item is alerted once: its open flags get `alerted_at`, and the next run only counts items none
of whose open flags was alerted (a new flag on an item already alerted does not alert again; the
item is still in the queue). The dedupe key is made from the items, so a rerun of the same batch
(a retried task, two beat processes) notifies nobody twice."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from causeweb.moderation.models import Flag
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify_bulk
from causeweb.notifications.texts import joined, message_plural


def site_moderators():
    """Active staff who hold `moderation.change_flag` (by group, directly, or as superusers)."""
    permission = Permission.objects.filter(content_type__app_label="moderation", codename="change_flag").first()
    holds = Q(is_superuser=True)
    if permission is not None:
        holds |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return get_user_model().objects.filter(holds, is_active=True, is_staff=True).distinct().order_by("pk")


def waiting_unalerted_items(*, now=None) -> list[dict]:
    """Items (content type, object id) whose oldest open flag is older than the setting and that
    no alert has covered yet, oldest first. One aggregate query."""
    cutoff = (now or timezone.now()) - settings.MODERATION_ALERT_AFTER
    return list(
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("content_type_id", "object_id")
        .annotate(first=Min("created_at"), alerted=Max("alerted_at"), flags=Count("id"))
        .filter(first__lte=cutoff, alerted__isnull=True)
        .order_by("first")
    )


@transaction.atomic
def moderation_alert_waiting(*, now=None) -> int:
    """Alert every site moderator once about the items newly past the wait; returns how many
    items the alert covered (0: nothing new, nobody told). Locks the items' open flag rows."""
    now = now or timezone.now()
    items = waiting_unalerted_items(now=now)
    if not items:
        return 0
    keys = sorted(f"{row['content_type_id']}:{row['object_id']}" for row in items)
    item_filter = Q()
    for row in items:
        item_filter |= Q(content_type_id=row["content_type_id"], object_id=row["object_id"])
    flags = Flag.objects.select_for_update().filter(item_filter, status=Flag.Status.OPEN, alerted_at__isnull=True)
    if not list(flags.values_list("pk", flat=True)):
        return 0  # another run alerted them while we waited for the lock
    flags.update(alerted_at=now)
    count, oldest = len(items), items[0]["first"]
    waited = timezone.now() - oldest
    hours = max(int(waited.total_seconds() // 3600), 1)
    notify_bulk(
        recipients=site_moderators(),
        kind=Kind.MODERATION_ALERT,
        context={
            # Messages (causeweb.notifications.texts): each moderator reads them in their language.
            "title": message_plural(
                ngettext_lazy(
                    "%(count)s reported item waiting for a moderator",
                    "%(count)s reported items waiting for a moderator",
                    "count",
                ),
                count=count,
            ),
            "body": joined(
                message_plural(
                    ngettext_lazy(
                        "%(count)s item has waited in the moderation queue longer than %(delay)s;",
                        "%(count)s items have waited in the moderation queue longer than %(delay)s;",
                        "count",
                    ),
                    count=count,
                    delay=_duration(settings.MODERATION_ALERT_AFTER),
                ),
                message_plural(
                    ngettext_lazy(
                        " the oldest for about %(count)s hour.", " the oldest for about %(count)s hours.", "count"
                    ),
                    count=hours,
                ),
            ),
            "url": reverse("admin:moderation_flag_queue"),
        },
        dedupe_key="moderation-alert:" + hashlib.sha256(",".join(keys).encode()).hexdigest()[:32],
    )
    return count


def _duration(delta) -> dict:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        return message_plural(ngettext_lazy("%(count)s hour", "%(count)s hours", "count"), count=minutes // 60)
    return message_plural(ngettext_lazy("%(count)s minute", "%(count)s minutes", "count"), count=minutes)

"""Moderators' announcements: an email to every member, at most a few a day per group, sent by a
Celery task after the transaction commits (communities.tasks.send_announcement)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from causeweb.core import outbox
from causeweb.core.exceptions import ValidationError
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify_bulk
from communities import tasks
from communities.models import Announcement, Group
from communities.services._common import clean_text, lock_group, require_moderator

ANNOUNCEMENTS_PER_DAY = 3


@transaction.atomic
def announcement_create(*, actor, group: Group, subject: str, body: str) -> Announcement:
    """Owners and moderators email every member; at most a few a day per group (locks the group row).
    The email goes out from a Celery task after commit."""
    require_moderator(group, actor, action="announcement_create")
    group = lock_group(group)
    subject = clean_text(subject, field="subject", label=gettext("The subject"), max_length=140)
    body = clean_text(body, field="body", label=gettext("The message"), max_length=10_000)
    since = timezone.now() - timedelta(days=1)
    if Announcement.objects.filter(group=group, created_at__gte=since).count() >= ANNOUNCEMENTS_PER_DAY:
        raise ValidationError(
            ngettext(
                "A group can send at most %(count)d announcements a day; try again tomorrow.",
                "A group can send at most %(count)d announcements a day; try again tomorrow.",
                ANNOUNCEMENTS_PER_DAY,
            )
            % {"count": ANNOUNCEMENTS_PER_DAY},
            code="rate_limited",
        )
    announcement = Announcement.objects.create(
        group=group, author=actor, subject=subject, body=body, body_html=render_markdown(body)
    )
    outbox.enqueue(tasks.send_announcement, announcement.pk)  # kept in Postgres if the broker is down
    return announcement


@transaction.atomic
def announcement_send(*, announcement_id: int) -> int:
    """Notify every member once (locks the announcement; a rerun sends nothing new)."""
    announcement = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("group", "author")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None or announcement.sent_at is not None:
        return 0
    group = announcement.group
    recipients = (
        get_user_model()
        .objects.filter(group_memberships__group=group, is_active=True)
        .exclude(pk=announcement.author_id)
    )
    sent = notify_bulk(
        recipients=recipients.iterator(chunk_size=500),
        kind=Kind.ANNOUNCEMENT,
        context={
            "title": f"[{group.name}] {announcement.subject}",
            "body": plain_text(announcement.body),
            "url": group.get_absolute_url(),
            "group": group.name,
            "actor": announcement.author.public_name if announcement.author else "",
        },
        dedupe_key=f"announcement:{announcement.pk}",
    )
    announcement.sent_at = timezone.now()
    announcement.recipient_count = sent
    announcement.save(update_fields=["sent_at", "recipient_count"])
    return sent

"""The daily digest: people who chose "daily digest instead" for a kind get one email a day
listing what waited for it. Beat runs `send_daily_digests` at 07:00 UTC (causeweb.notifications.tasks),
which fans out to `digest_send_for_user` once per person; the unique DigestRun(user, date) row makes
a double-fired beat or two workers send one digest."""

from datetime import date as date_type

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from causeweb.notifications import delivery
from causeweb.notifications.models import DigestRun, Notification

DIGEST_MAX_ITEMS = 100


def digest_recipient_ids() -> list[int]:
    return list(
        Notification.objects.filter(email_status=Notification.EmailStatus.DIGEST, recipient__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def digest_send_for_user(*, user_id: int, date: date_type) -> bool:
    """Send `user_id`'s digest for `date` once: the DigestRun(user, date) row is inserted first
    and is unique, so a beat that fires twice, or two workers, send one digest. Returns True
    when this call sent it. A transient mail error removes the run again (so a retry may send
    today) and re-raises; the digested rows go back to waiting."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(user=user, date=date)
            items = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, email_status=Notification.EmailStatus.DIGEST)
                .order_by("created_at")[:DIGEST_MAX_ITEMS]
            )
            ids = [n.pk for n in items]
            Notification.objects.filter(pk__in=ids).update(
                email_status=Notification.EmailStatus.SENDING, claimed_at=now, email_attempts=F("email_attempts") + 1
            )
    except IntegrityError:
        return False  # already sent (or being sent) today
    if not items:
        return False
    try:
        delivery.build_digest_message(user=user, items=items, date=date).send()
    except Exception as exc:
        with transaction.atomic():
            Notification.objects.filter(pk__in=ids, claimed_at=now).update(
                email_status=Notification.EmailStatus.DIGEST, claimed_at=None, last_error=str(exc)[:2000]
            )
            if delivery.is_transient(exc):
                run.delete()
        raise
    with transaction.atomic():
        Notification.objects.filter(pk__in=ids, email_status=Notification.EmailStatus.SENDING, claimed_at=now).update(
            email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now(), claimed_at=None
        )
        DigestRun.objects.filter(pk=run.pk).update(sent_at=timezone.now(), item_count=len(items))
    return True

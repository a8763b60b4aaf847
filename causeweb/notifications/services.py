"""notify(): the one way any app tells someone something. It records the in-app notification
and, after the surrounding transaction commits, enqueues the email on the `notifications` queue.

Callers pass a `dedupe_key` naming the event (e.g. "rsvp-confirmed:123"): a repeat with the same
key is a no-op, so retries and double-fired beats never notify twice.

Whether and when the email goes is decided here from the person's preferences (mandatory kinds
always go now; otherwise email on/off and "daily digest instead" per kind; guests can opt out per
kind). If the broker is down the row simply stays `pending` and the periodic sweep
(`notification_sweep_undelivered`, every minute) queues it when the broker is back: the web
request that called notify() never fails because of Redis.

Here: notify/notify_bulk, in-app reads, preferences and unsubscribe, the sweep and the admin
retry. Sending is in causeweb.notifications.delivery, the daily digest in causeweb.notifications.digest.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

# services <-> tasks is a cycle Python resolves: each module uses the other only inside functions.
from causeweb.notifications import delivery, kinds, tasks, texts
from causeweb.notifications.models import GuestOptOut, Notification, NotificationPreference
from causeweb.notifications.tokens import unsubscribe_target

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # rows per INSERT in notify_bulk
TASK_BATCH_SIZE = 100  # notifications per delivery task (one SMTP connection each)


def _broker_retry_policy() -> dict:
    # Fail fast when the broker is down: the sweep is the safety net, not the web request.
    return {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue_email_delivery(notification_ids: list[int]) -> bool:
    """Queue delivery tasks now, in batches. Returns False (and logs) when the broker is down."""
    for start in range(0, len(notification_ids), TASK_BATCH_SIZE):
        try:
            tasks.deliver_emails.apply_async(
                args=[notification_ids[start : start + TASK_BATCH_SIZE]],
                retry=True,
                retry_policy=_broker_retry_policy(),
            )
        except Exception:  # broker down: the periodic sweep delivers pending rows later
            logger.warning("broker unavailable; %s email(s) left for the sweep", len(notification_ids) - start)
            return False
    return True


def _queue_email(notification_ids: list[int]) -> None:
    if notification_ids:
        transaction.on_commit(lambda: enqueue_email_delivery(notification_ids))


def _fields_from_context(context: dict) -> dict:
    """The stored columns, in the source language (English): admin, search and the fallback.
    Messages (texts.py) are rendered again in the reader's language when shown or mailed."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "title": texts.render(context.get("title", ""))[:200],
            "body": texts.render(context.get("body", "")),
            "url": str(context.get("url", ""))[:500],
        }


def _language_code(language: str) -> str:
    """One of settings.LANGUAGES (a page's "es-mx" is "es"), or blank when unknown."""
    if not language:
        return ""
    try:
        code = translation.get_supported_language_variant(language)
    except LookupError:
        return ""
    return code if code in dict(settings.LANGUAGES) else ""


def notify(
    *, recipient=None, email: str = "", kind: str, context: dict, dedupe_key: str, language: str = ""
) -> Notification | None:
    """Tell `recipient` (a User) or a guest `email` about something.

    `context` must be JSON-serialisable and carry `title` (one line), and may carry `body`
    (plain text) and `url` (path or absolute URL of the thing notified about), plus any
    kind-specific keys the templates use (see kinds.py). `title`, `body` and the extras may be
    messages (texts.message), rendered in the reader's language when read or mailed.
    `language`: the language a guest used on the page where they acted (their email's language
    when they have no account with one; an account's `User.language` wins). Returns None when
    `dedupe_key` was already used.
    """
    address = email or (recipient.email if recipient else "")
    if not address and recipient is None:
        raise ValueError("notify() needs a recipient or an email address.")
    status = delivery.email_status_for(recipient_id=recipient.pk if recipient else None, email=address, kind=kind)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                email=address,
                kind=kind,
                context=context,
                dedupe_key=dedupe_key[:200],
                email_status=status,
                language=_language_code(language),
                **_fields_from_context(context),
            )
    except IntegrityError:
        return None
    if status == Notification.EmailStatus.PENDING:
        _queue_email([notification.pk])
    return notification


def notify_bulk(*, recipients: Iterable, kind: str, context: dict, dedupe_key: str) -> int:
    """Notify many users of one thing (a campaign update to its followers) in batched inserts,
    not one query per recipient: per batch of 500, one query for existing keys, one for
    preferences, one INSERT and one to read back the new ids. Each recipient's key is
    `<dedupe_key>:<user id>`. Returns how many notifications were created; their emails go out
    in delivery tasks of TASK_BATCH_SIZE after commit."""
    created = 0
    queued_ids: list[int] = []
    batch: list = []
    fields = _fields_from_context(context)

    def flush():
        nonlocal created
        keys = {user.pk: f"{dedupe_key}:{user.pk}"[:200] for user in batch}
        existing = set(Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True))
        fresh = [user for user in batch if keys[user.pk] not in existing]
        if kinds.is_optional(kind) and fresh:
            preferences = {
                p.user_id: p
                for p in NotificationPreference.objects.filter(user_id__in=[u.pk for u in fresh], kind=kind)
            }
        else:
            preferences = {}
        rows = [
            Notification(
                recipient=user,
                email=user.email,
                kind=kind,
                context=context,
                dedupe_key=keys[user.pk],
                email_status=(
                    delivery.status_from_preference(preferences.get(user.pk))
                    if user.email
                    else Notification.EmailStatus.SKIPPED
                ),
                **fields,
            )
            for user in fresh
        ]
        if rows:
            # ignore_conflicts covers a concurrent call with the same keys.
            Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
            created += len(rows)
            pending_keys = [r.dedupe_key for r in rows if r.email_status == Notification.EmailStatus.PENDING]
            if pending_keys:
                queued_ids.extend(
                    Notification.objects.filter(
                        dedupe_key__in=pending_keys, email_status=Notification.EmailStatus.PENDING
                    ).values_list("pk", flat=True)
                )
        batch.clear()

    iterator = recipients.iterator(chunk_size=BATCH_SIZE) if hasattr(recipients, "iterator") else recipients
    for user in iterator:
        batch.append(user)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    _queue_email(queued_ids)
    return created


# --- In-app -------------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_open(*, user, notification_id: int) -> str:
    """Mark one of `user`'s notifications read and return where it points (a safe local or
    site URL; the notification list otherwise). Someone else's notification: PermissionDenied."""
    notification = Notification.objects.filter(pk=notification_id).only("id", "recipient_id", "url").first()
    if notification is None or notification.recipient_id != user.pk:
        raise PermissionDenied(gettext("That notification is not yours."))
    notification_mark_read(user=user, notification_id=notification_id)
    site_host = delivery._site_host()
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={site_host, *settings.ALLOWED_HOSTS}
    ):
        return notification.url
    return "/notifications/"


# --- Preferences and unsubscribe ----------------------------------------------------------------


@transaction.atomic
def notification_preferences_update(*, user, choices: dict[str, dict[str, bool]]) -> None:
    """Store `user`'s per-kind choices: `{kind: {"email": bool, "digest": bool}}`. Mandatory
    kinds cannot be switched off or digested (ValidationError); unknown kinds are refused."""
    errors = {}
    for kind, choice in choices.items():
        if kind not in kinds.Kind.values:
            errors[kind] = gettext("Unknown kind of notification.")
        elif not kinds.is_optional(kind) and (not choice.get("email", True) or choice.get("digest", False)):
            errors[kind] = gettext("%(kind)s are always emailed; they cannot be switched off.") % {
                "kind": kinds.kind_label(kind)
            }
    if errors:
        raise ValidationError(errors)
    for kind, choice in choices.items():
        if not kinds.is_optional(kind):
            continue
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={"email_enabled": bool(choice.get("email", True)), "daily_digest": bool(choice.get("digest"))},
        )


@dataclass(frozen=True)
class UnsubscribeOutcome:
    email: str
    kind: str
    kind_label: str
    has_account: bool


def _resolve_token(token: str):
    try:
        target = unsubscribe_target(token)
    except signing.BadSignature:
        raise ValidationError(
            gettext("This unsubscribe link is not valid. It may have been cut short; try copying it again.")
        )
    if target.kind != kinds.DIGEST and target.kind not in kinds.Kind.values:
        raise ValidationError(gettext("This unsubscribe link is not valid."))
    if target.kind != kinds.DIGEST and not kinds.is_optional(target.kind):
        raise ValidationError(
            gettext("%(kind)s are always emailed; they cannot be switched off.")
            % {"kind": kinds.kind_label(target.kind)}
        )
    user = None
    if target.user_id is not None:
        user = get_user_model().objects.filter(pk=target.user_id).first()
    return target, user


def notification_unsubscribe_preview(*, token: str) -> UnsubscribeOutcome:
    """What a token would unsubscribe from (for the confirmation page); ValidationError if bad."""
    target, user = _resolve_token(token)
    return UnsubscribeOutcome(target.email, target.kind, kinds.kind_label(target.kind), user is not None)


@transaction.atomic
def notification_unsubscribe(*, token: str) -> UnsubscribeOutcome:
    """One-click unsubscribe from the kind a signed token names, no sign-in needed. Idempotent.
    Account holders get their preference switched off; guests get a GuestOptOut row."""
    target, user = _resolve_token(token)
    if user is not None and target.kind == kinds.DIGEST:
        NotificationPreference.objects.filter(user=user, daily_digest=True).update(email_enabled=False)
        # Anything already waiting for the digest will not be mailed either.
        Notification.objects.filter(recipient=user, email_status=Notification.EmailStatus.DIGEST).update(
            email_status=Notification.EmailStatus.SKIPPED
        )
    elif user is not None:
        NotificationPreference.objects.update_or_create(user=user, kind=target.kind, defaults={"email_enabled": False})
        Notification.objects.filter(
            recipient=user, kind=target.kind, email_status=Notification.EmailStatus.DIGEST
        ).update(email_status=Notification.EmailStatus.SKIPPED)
    elif target.kind != kinds.DIGEST:
        GuestOptOut.objects.get_or_create(email=target.email.lower(), kind=target.kind)
    return UnsubscribeOutcome(target.email, target.kind, kinds.kind_label(target.kind), user is not None)


@transaction.atomic
def notification_resubscribe(*, token: str) -> UnsubscribeOutcome:
    """Undo an unsubscribe from the confirmation page ("changed my mind")."""
    target, user = _resolve_token(token)
    if user is not None and target.kind != kinds.DIGEST:
        NotificationPreference.objects.filter(user=user, kind=target.kind).update(email_enabled=True)
    elif user is None:
        GuestOptOut.objects.filter(email=target.email.lower(), kind=target.kind).delete()
    return UnsubscribeOutcome(target.email, target.kind, kinds.kind_label(target.kind), user is not None)


# --- Reliability: sweep and admin retry ---------------------------------------------------------


def notification_sweep_undelivered(*, limit: int = 5000) -> dict[str, int]:
    """Run every minute by beat. (1) Claims older than NOTIFICATIONS_CLAIM_TIMEOUT belong to a
    worker that died mid-send: release them to `pending` (or `failed` after the last attempt).
    (2) Queue pending emails older than NOTIFICATIONS_SWEEP_AFTER (default one minute) whose retry
    time has come: those whose enqueue was lost (broker down) or whose retry message vanished.
    Each queued row is left alone for NOTIFICATIONS_REQUEUE_AFTER so a backlog is not re-queued
    every minute. Duplicated tasks are harmless: delivery claims each row once."""
    now = timezone.now()
    stale = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.SENDING, claimed_at__lt=now - delivery.claim_timeout()
        ).values_list("pk", "claimed_at", "email_attempts")[:limit]
    )
    released: list[int] = []
    failed = 0
    for pk, claimed_at, attempts in stale:
        give_up = attempts >= delivery.max_attempts()
        changed = Notification.objects.filter(
            pk=pk, email_status=Notification.EmailStatus.SENDING, claimed_at=claimed_at
        ).update(
            email_status=Notification.EmailStatus.FAILED if give_up else Notification.EmailStatus.PENDING,
            claimed_at=None,
            next_attempt_at=None,
            last_error=f"Worker stopped during the send (claimed {claimed_at.isoformat()}); "
            + ("giving up." if give_up else "re-queued by the sweep."),
        )
        if changed and give_up:
            failed += 1
        elif changed:
            released.append(pk)

    sweep_after = timedelta(seconds=getattr(settings, "NOTIFICATIONS_SWEEP_AFTER", 60))
    due = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
        .filter(Q(created_at__lt=now - sweep_after) | Q(pk__in=released))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    if due and enqueue_email_delivery(due):
        requeue_after = timedelta(seconds=getattr(settings, "NOTIFICATIONS_REQUEUE_AFTER", 300))
        Notification.objects.filter(pk__in=due, email_status=Notification.EmailStatus.PENDING).update(
            next_attempt_at=now + requeue_after
        )
        queued = len(due)
    if stale or due:
        logger.info("notification sweep: released %s stale claims, failed %s, queued %s", len(released), failed, queued)
    return {"released": len(released), "failed": failed, "queued": queued}


@transaction.atomic
def notification_retry_failed(*, actor, notification_ids: Iterable[int]) -> int:
    """Staff put failed emails back in the queue with a fresh set of attempts."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(gettext("Only staff can retry failed emails."))
    ids = list(
        Notification.objects.select_for_update()
        .filter(pk__in=list(notification_ids), email_status=Notification.EmailStatus.FAILED)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        email_status=Notification.EmailStatus.PENDING, email_attempts=0, next_attempt_at=None, claimed_at=None
    )
    _queue_email(ids)
    return len(ids)

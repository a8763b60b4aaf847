"""Sending email for notifications, and why it is safe against crashes.

Claim, send, mark (three steps, no row lock held across the network call):

1. **Claim**: one conditional UPDATE moves the row `pending -> sending`, stamps `claimed_at` and
   counts the attempt. Only one worker can win it, however many copies of the task run
   (duplicates from the sweep, a redelivered message after `acks_late`).
2. **Send** through Django's email backend (SMTP or anymail in production), outside any
   transaction, with a stable `Message-ID` per notification.
3. **Mark** `sent`, conditionally on still holding the same claim.

If the worker dies *before or during* the send, the row stays `sending`; the periodic sweep
(services.notification_sweep_undelivered) releases claims older than
NOTIFICATIONS_CLAIM_TIMEOUT back to `pending` and re-queues them, so the email is delivered once.
The trade-off: if the worker dies *after* the provider accepted the message and before step 3
commits, the sweep sends it again (at-least-once). That window is the end of the SMTP round trip
(the server's answer to DATA, QUIT) plus the UPDATE, not the UPDATE alone; and a send the task's
soft time limit interrupts goes back for a retry even if the server had just accepted it.
Marking `sent` before sending would close that window but lose the email on every crash during
the send, which is far more likely (the send is the slow part) and silent. The stable
Message-ID lets receiving systems collapse that rare duplicate. For the sweep never to re-send a
mail a live worker is still sending, the claim timeout must exceed the longest a live worker can
hold a claim. EMAIL_TIMEOUT bounds each SMTP socket operation but not a whole send (a server can
answer slowly on every command); the delivery task's hard time limit (DELIVERY_TIME_LIMIT) does:
the worker is killed then, and a claim is taken inside the task. So the default claim timeout is
that limit plus a margin for clock differences between workers (CLAIM_TIMEOUT_MARGIN): 330 s, was
600 s. Worst case for a killed worker's email: re-sent about 330 s + the sweep's 60 s after the
claim (6.5 minutes, was 11).
"""

import base64
import binascii
import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.mime.image import MIMEImage
from email.utils import make_msgid
from urllib.parse import urlsplit

from anymail.exceptions import AnymailRecipientsRefused, AnymailRequestsAPIError
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation
from django.utils.translation import ngettext

from causeweb.core.validators import one_line
from causeweb.notifications import kinds, texts
from causeweb.notifications.models import GuestOptOut, Notification, NotificationPreference
from causeweb.notifications.tokens import unsubscribe_path

# Titles hold up to 200 characters; subjects longer than this are cut with an ellipsis.
SUBJECT_MAX_LENGTH = 150

logger = logging.getLogger(__name__)

SENT = "sent"
NOT_CLAIMED = "not_claimed"
SKIPPED = "skipped"
DIGEST = "digest"
RETRY = "retry"
FAILED = "failed"


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 8)


# The deliver_emails task's hard time limit (its soft limit is 30 s earlier): a live worker
# holds a claim at most this long.
DELIVERY_TIME_LIMIT = 300
# Worker clocks stamp `claimed_at`, the sweep's clock reads it: room for a few seconds of skew.
CLAIM_TIMEOUT_MARGIN = 30


def claim_timeout() -> timedelta:
    """How long a claim is honoured before the sweep decides its worker died (see the module
    docstring). NOTIFICATIONS_CLAIM_TIMEOUT overrides it (tests of the worker shorten it)."""
    default = DELIVERY_TIME_LIMIT + CLAIM_TIMEOUT_MARGIN
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_CLAIM_TIMEOUT", default))


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff with jitter after the `attempt`-th failed try: ~1, 2, 4 ... 60 minutes."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF", 60)
    delay = min(base * 2 ** max(attempt - 1, 0), 3600)
    return int(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "causeweb.local"


# --- Preferences --------------------------------------------------------------------------------


def email_status_for(*, recipient_id: int | None, email: str, kind: str) -> str:
    """Where one new notification's email goes: pending (send now), digest, or skipped."""
    if not email:
        return Notification.EmailStatus.SKIPPED
    if not kinds.is_optional(kind):
        return Notification.EmailStatus.PENDING
    if recipient_id is None:
        opted_out = GuestOptOut.objects.filter(email=email.lower(), kind=kind).exists()
        return Notification.EmailStatus.SKIPPED if opted_out else Notification.EmailStatus.PENDING
    preference = NotificationPreference.objects.filter(user_id=recipient_id, kind=kind).first()
    return status_from_preference(preference)


def status_from_preference(preference: NotificationPreference | None) -> str:
    if preference is None:
        return Notification.EmailStatus.PENDING
    if not preference.email_enabled:
        return Notification.EmailStatus.SKIPPED
    if preference.daily_digest:
        return Notification.EmailStatus.DIGEST
    return Notification.EmailStatus.PENDING


# --- Language -----------------------------------------------------------------------------------


def recipient_language(notification: Notification) -> str:
    """The language of this notification's email: the account's chosen language, else the
    language the guest used on the page where they acted (stored by notify()), else the site's.
    (No "last used" language is recorded for accounts that never chose one.)"""
    user = notification.recipient if notification.recipient_id else None
    return (user.language if user is not None else "") or notification.language or settings.LANGUAGE_CODE


def recipient_timezone(user) -> str:
    return (getattr(user, "timezone", "") if user is not None else "") or settings.TIME_ZONE


# --- Rendering ----------------------------------------------------------------------------------


def _render_pair(kind: str, context: dict) -> tuple[str, str]:
    text = select_template([f"notifications/email/{kind}.txt", "notifications/email/default.txt"]).render(context)
    html = select_template([f"notifications/email/{kind}.html", "notifications/email/default.html"]).render(context)
    return text, html


def email_context(notification: Notification) -> dict:
    """What the templates see, rendered in the active language (build_message activates the
    recipient's) and the recipient's time zone."""
    tz = recipient_timezone(notification.recipient if notification.recipient_id else None)
    stored = notification.context if isinstance(notification.context, dict) else {}
    context = {
        **texts.render_context(stored, tz=tz),
        "notification": notification,
        "kind": notification.kind,
        "kind_label": kinds.kind_label(notification.kind),
        "title": notification.text("title", tz=tz),
        "body": notification.text("body", tz=tz),
        "url": absolute_url(notification.url),
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": "",
        "preferences_url": absolute_url("/notifications/preferences/") if notification.recipient_id else "",
        "mandatory": not kinds.is_optional(notification.kind),
    }
    if isinstance(context.get("manage_url"), str):
        context["manage_url"] = absolute_url(context["manage_url"])
    if kinds.is_optional(notification.kind):
        context["unsubscribe_url"] = absolute_url(
            unsubscribe_path(email=notification.email, kind=notification.kind, user_id=notification.recipient_id)
        )
    return context


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 one-click unsubscribe (what Gmail and Yahoo require of bulk senders)."""
    if not unsubscribe_url:
        return {}
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def email_subject(title: str) -> str:
    """The one place subjects are built. A CR or LF in a title (stored before titles were checked,
    or from a field nobody thought of) makes Django refuse the header for good, so the email never
    goes; whatever is stored, the subject is one line of ordinary characters."""
    return one_line(f"[{settings.SITE_NAME}] {title}", limit=SUBJECT_MAX_LENGTH)


def build_message(notification: Notification, *, connection=None) -> EmailMultiAlternatives:
    """The email in the recipient's language (recipient_language), subject included."""
    with translation.override(recipient_language(notification)):
        context = email_context(notification)
        text, html = _render_pair(notification.kind, context)
        subject = email_subject(context["title"])
    headers = {
        # Stable across resends, so a duplicate after a crash can be recognised downstream.
        "Message-ID": f"<notification-{notification.pk}@{_site_host()}>",
        "X-Causeweb-Kind": notification.kind,
        **unsubscribe_headers(context["unsubscribe_url"]),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    _attach_inline_images(message, notification.context)
    # django-anymail reads these (tags and metadata at the ESP); other backends ignore them.
    message.tags = [notification.kind]
    message.metadata = {"notification_id": str(notification.pk), "kind": notification.kind}
    return message


# Inline images a notification may carry: small pictures (the organizers' weekly chart), never files.
INLINE_IMAGE_TYPES = {"image/png": "png"}
INLINE_IMAGE_MAX_BYTES = 200_000


def inline_images(context) -> list[dict]:
    """The well-formed `inline_images` of a notification's context: each {"cid", "mimetype",
    "content_b64", "alt"}, the picture in base64 (the context is JSON). The HTML part shows one
    with <img src="cid:..." alt="...">; anything malformed is left out, never an error."""
    found = context.get("inline_images") if isinstance(context, dict) else None
    images = []
    for image in found if isinstance(found, list) else []:
        if not isinstance(image, dict) or image.get("mimetype") not in INLINE_IMAGE_TYPES:
            continue
        cid = str(image.get("cid", ""))
        if not cid or not all(c.isalnum() or c in "-._" for c in cid):
            continue
        try:
            content = base64.b64decode(str(image.get("content_b64", "")), validate=True)
        except (binascii.Error, ValueError):
            continue
        if content and len(content) <= INLINE_IMAGE_MAX_BYTES:
            images.append({"cid": cid, "mimetype": image["mimetype"], "content": content})
    return images


def _attach_inline_images(message: EmailMultiAlternatives, context) -> None:
    """Each image as a MIME part with its Content-ID, the whole message multipart/related, so that
    clients show it in place and do not list it as an attachment."""
    images = inline_images(context)
    for image in images:
        subtype = INLINE_IMAGE_TYPES[image["mimetype"]]
        part = MIMEImage(image["content"], _subtype=subtype)
        part.add_header("Content-ID", f"<{image['cid']}>")
        part.add_header("Content-Disposition", "inline", filename=f"{image['cid']}.{subtype}")
        message.attach(part)
    if images:
        message.mixed_subtype = "related"


def build_digest_message(*, user, items: list[Notification], date, connection=None) -> EmailMultiAlternatives:
    """The daily digest in `user`'s language and time zone."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _digest_message(user=user, items=items, date=date, connection=connection)


def _digest_message(*, user, items: list[Notification], date, connection=None) -> EmailMultiAlternatives:
    unsubscribe_url = absolute_url(unsubscribe_path(email=user.email, kind=kinds.DIGEST, user_id=user.pk))
    tz = recipient_timezone(user)
    context = {
        "user": user,
        "items": [
            {
                "title": n.text("title", tz=tz),
                "body": n.text("body", tz=tz),
                "url": absolute_url(n.url),
                "kind_label": kinds.kind_label(n.kind),
            }
            for n in items
        ],
        "date": date,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute_url("/notifications/preferences/"),
    }
    message = EmailMultiAlternatives(
        subject=email_subject(
            ngettext("Your daily digest: %(count)s new", "Your daily digest: %(count)s new", len(items))
            % {"count": len(items)}
        ),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[user.email],
        headers={
            "Message-ID": make_msgid(f"digest-{user.pk}-{date.isoformat()}", domain=_site_host()),
            "X-Causeweb-Kind": kinds.DIGEST,
            **unsubscribe_headers(unsubscribe_url),
        },
        connection=connection,
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    message.tags = [kinds.DIGEST]
    return message


# --- Errors -------------------------------------------------------------------------------------


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: the mail server or the network, not the message or the address."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, SoftTimeLimitExceeded)):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500  # 4xx: "try again later"; 5xx: the message or address is wrong
    if isinstance(exc, smtplib.SMTPException):  # refused recipients, unsupported features
        return False
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, AnymailRecipientsRefused):
        return False
    if isinstance(exc, AnymailRequestsAPIError):
        status = getattr(exc, "status_code", None)
        return status is None or status == 429 or status >= 500
    return isinstance(exc, OSError)  # socket errors, DNS failures


# --- One notification ---------------------------------------------------------------------------


@dataclass
class Result:
    outcome: str
    notification_id: int


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING).update(
        email_status=Notification.EmailStatus.SENDING,
        claimed_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    if not claimed:
        return None
    return Notification.objects.filter(pk=notification_id, claimed_at=now).first()


def _finish(notification: Notification, **changes) -> bool:
    """Apply `changes` only while we still hold the claim we made."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk, email_status=Notification.EmailStatus.SENDING, claimed_at=notification.claimed_at
        ).update(**changes)
    )


def deliver_email(notification_id: int, *, connection=None) -> Result:
    """Send one notification's email if it is pending. Safe to call any number of times."""
    notification = _claim(notification_id)
    if notification is None:
        return Result(NOT_CLAIMED, notification_id)
    # Preferences may have changed since notify() (an unsubscribe click in between).
    status = email_status_for(recipient_id=notification.recipient_id, email=notification.email, kind=notification.kind)
    if status != Notification.EmailStatus.PENDING:
        _finish(notification, email_status=status, claimed_at=None, email_attempts=F("email_attempts") - 1)
        return Result(SKIPPED if status == Notification.EmailStatus.SKIPPED else DIGEST, notification_id)
    try:
        build_message(notification, connection=connection).send()
    except SoftTimeLimitExceeded as exc:
        _record_failure(notification, exc)
        raise  # the batch stops here; deliver_batch hands the rest back for a retry
    except Exception as exc:
        return _record_failure(notification, exc)
    if not _finish(
        notification,
        email_status=Notification.EmailStatus.SENT,
        emailed_at=timezone.now(),
        claimed_at=None,
        next_attempt_at=None,
        last_error="",
    ):
        logger.warning("notification %s sent after its claim was released (claim timeout too short?)", notification.pk)
    return Result(SENT, notification_id)


def _record_failure(notification: Notification, exc: Exception) -> Result:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_transient(exc) and notification.email_attempts < max_attempts():
        logger.warning("notification %s: transient email error, will retry: %s", notification.pk, error)
        delay = backoff_seconds(notification.email_attempts)
        _finish(
            notification,
            email_status=Notification.EmailStatus.PENDING,
            claimed_at=None,
            last_error=error,
            # The task retries itself after `delay`; the sweep only steps in if that retry is lost.
            next_attempt_at=timezone.now() + timedelta(seconds=delay + 120),
        )
        return Result(RETRY, notification.pk)
    logger.error(
        "notification %s: email failed for good after %s tries: %s", notification.pk, notification.email_attempts, error
    )
    _finish(notification, email_status=Notification.EmailStatus.FAILED, claimed_at=None, last_error=error)
    return Result(FAILED, notification.pk)


def deliver_batch(notification_ids: list[int]) -> list[Result]:
    """Deliver several notifications over one mail connection."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        # Each send below tries to open it again and records the error on its own row
        # (retry or failed), so nothing is left pending without a trace.
        logger.warning("could not open the mail connection: %s", exc)
    results: list[Result] = []
    try:
        for pk in notification_ids:
            results.append(deliver_email(pk, connection=connection))
    except SoftTimeLimitExceeded:
        # Out of time: what was not reached (and the row being sent) goes back for a retry
        # rather than being killed mid-send by the hard limit.
        done = {r.notification_id for r in results}
        results.extend(Result(RETRY, pk) for pk in notification_ids if pk not in done)
        logger.warning("delivery batch hit its time limit; %s left for a retry", len(notification_ids) - len(done))
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken SMTP session must not lose the results
            logger.debug("closing the mail connection failed", exc_info=True)
    return results

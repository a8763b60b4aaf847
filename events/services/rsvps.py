"""RSVPs: saying yes (signed in or as a guest), a guest confirming their email, cancelling,
claiming an offered spot, being listed publicly, and the sweeps that expire unclaimed offers and
release lapsed guest holds. Every seat change happens under the event's row lock."""

from datetime import datetime

from django.conf import settings
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from campaigns.services.webhooks import RSVP_CANCELLED, RSVP_CREATED, webhook_event_emit
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from events import policies
from events.models import RSVP
from events.services._common import (
    HOLD_EXPIRED,
    _event_context,
    _hold_line,
    _hold_until,
    _lock_event,
    _needs_email_confirmation,
    _online_line,
)
from events.services._seats import (
    _add_seats,
    _fits,
    _new_code_for,
    _next_waitlist_position,
    _promote_waitlist,
    _release_expired_holds,
    _release_rsvp,
)
from events.services.links import rsvp_confirm_url, rsvp_id_from_confirm_token, rsvp_id_from_token, rsvp_manage_url


def _page_language() -> str:
    """The active language (the page the RSVP came from), when it is one of the site's."""
    language = translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else ""


def _holds_link(rsvp: RSVP, manage_token: str) -> bool:
    """Whether `manage_token` is this RSVP's signed manage link."""
    return bool(manage_token) and rsvp_id_from_token(manage_token) == rsvp.pk


@transaction.atomic
def rsvp_create(
    *,
    event_id: int,
    user=None,
    name: str = "",
    email: str = "",
    guests: int = 0,
    show_publicly: bool = False,
    keep_updated: bool = False,
    referral_share_link_id: int | None = None,
    now: datetime | None = None,
) -> RSVP:
    """Say yes to an event, signed in (`user`) or as a guest (`name` + `email`).
    `referral_share_link_id`: the campaign share link in the visitor's session, kept only when the
    event belongs to a campaign (attribution, see docs/insights.md).

    Locks the event row, so the seat count read here is the one written: people beyond the
    capacity join the waitlist in the order they arrived. A second RSVP by the same person is a
    Conflict. Anyone may RSVP while RSVPs are open.
    """
    now = now or timezone.now()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None:
        name, email = user.public_name, user.email.lower()
    else:
        name, email = (name or "").strip(), (email or "").strip().lower()
        errors = {}
        if not name:
            errors["name"] = [gettext("Tell the host your name.")]
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [gettext("Give an email address so we can confirm your spot.")]
        if errors:
            raise ValidationError(errors)
    try:
        guests = int(guests or 0)
    except (TypeError, ValueError):
        raise ValidationError({"guests": gettext("The number of guests must be a whole number.")})

    event = _lock_event(event_id)
    refusal = policies.rsvp_refusal(event, now=now)
    if refusal:
        raise ValidationError(refusal)
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    if not 0 <= guests <= event.max_guests_per_rsvp:
        raise ValidationError(
            {
                "guests": ngettext(
                    "You can bring up to %(count)d guest.",
                    "You can bring up to %(count)d guests.",
                    event.max_guests_per_rsvp,
                )
                % {"count": event.max_guests_per_rsvp}
            }
        )
    same_person = Q(email__iexact=email) | (Q(user=user) if user is not None else Q(pk__in=[]))
    if event.rsvps.filter(same_person, status__in=RSVP.ACTIVE_STATUSES).exists():
        raise Conflict(gettext("You have already RSVPed to this event."), code="duplicate_rsvp")

    seats = 1 + guests
    fits = _fits(event, seats)
    rsvp = RSVP(
        event=event,
        user=user,
        name=name[:120],
        email=email,
        guests=guests,
        show_publicly=bool(show_publicly),
        keep_updated=bool(keep_updated) and event.campaign_id is not None,
        referral_share_link_id=referral_share_link_id if event.campaign_id is not None else None,
        language=_page_language(),
        check_in_code=_new_code_for(event),
    )
    if fits:
        rsvp.status = RSVP.Status.GOING
        rsvp.hold_expires_at = _hold_until(rsvp, now=now)
    else:
        rsvp.status = RSVP.Status.WAITLISTED
        rsvp.waitlist_position = _next_waitlist_position(event)
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        raise Conflict(gettext("You have already RSVPed to this event."), code="duplicate_rsvp")
    if fits:
        _add_seats(event, going=seats)

    if rsvp.is_unconfirmed:
        # The code and link go only to the typed address, so whoever reads them controls it.
        title = gettext("Confirm your spot: %(event)s") % {"event": event.title}
        body = (
            gettext("Your check-in code is %(code)s.") % {"code": rsvp.check_in_code}
            + _hold_line(event, rsvp)
            + _online_line(event, rsvp)
        )
    elif rsvp.status == RSVP.Status.GOING:
        title = gettext("You're going: %(event)s") % {"event": event.title}
        body = gettext("Your spot is confirmed. Your check-in code is %(code)s.") % {
            "code": rsvp.check_in_code
        } + _online_line(event, rsvp)
    else:
        place = rsvp_waitlist_place(rsvp)
        title = gettext("Waitlisted: %(event)s") % {"event": event.title}
        body = gettext("The event is full; you are number %(place)s on the waitlist.") % {"place": place}
    manage_url = rsvp_manage_url(rsvp)
    body += " " + gettext("Keep your RSVP's manage link private: anyone who has it can change or cancel your RSVP.")
    notify(
        recipient=user,
        email=email,
        kind=Kind.RSVP_CONFIRMATION,
        context=_event_context(
            event,
            title=title,
            body=body,
            url=manage_url,
            manage_url=manage_url,
            check_in_code=rsvp.check_in_code,
            **({"confirm_url": rsvp_confirm_url(rsvp)} if _needs_email_confirmation(rsvp) else {}),
        ),
        dedupe_key=f"rsvp-confirmation:{rsvp.pk}",
    )
    _emit_rsvp_webhook(event, rsvp, RSVP_CREATED)
    return rsvp


@transaction.atomic
def rsvp_confirm_email(*, token: str, now: datetime | None = None) -> RSVP:
    """A guest follows the link emailed to them: their address is real, so their seats are theirs
    to keep. Within the hold nothing else changes; after it ran out the seats went back, so the
    RSVP is admitted again as a newcomer (going if seats are free and nobody waits, else waitlisted).
    Confirming twice is a no-op. Locks the event, then the RSVP."""
    now = now or timezone.now()
    rsvp_id = rsvp_id_from_confirm_token(token)
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first() if rsvp_id else None
    if event_id is None:
        raise ValidationError(gettext("This confirmation link is not valid."))
    event = _lock_event(event_id)
    if _release_expired_holds(event, now=now):
        _promote_waitlist(event, now=now)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if rsvp.status != RSVP.Status.CANCELLED:
        if rsvp.email_confirmed_at is None or rsvp.is_unconfirmed:
            rsvp.email_confirmed_at = rsvp.email_confirmed_at or now
            rsvp.hold_expires_at = None
            rsvp.save(update_fields=["email_confirmed_at", "hold_expires_at", "updated_at"])
        return rsvp
    if rsvp.cancel_reason != HOLD_EXPIRED:
        raise ValidationError(gettext("This RSVP was cancelled. RSVP again from the event page."))
    rsvp.email_confirmed_at = now
    refusal = policies.rsvp_refusal(event, now=now)
    if refusal:
        raise ValidationError(refusal)
    if event.rsvps.filter(email__iexact=rsvp.email, status__in=RSVP.ACTIVE_STATUSES).exists():
        raise Conflict(gettext("You have already RSVPed to this event."), code="duplicate_rsvp")
    fits = _fits(event, rsvp.seats)
    rsvp.cancel_reason, rsvp.cancelled_at = "", None
    if fits:
        rsvp.status, rsvp.waitlist_position = RSVP.Status.GOING, None
    else:
        rsvp.status, rsvp.waitlist_position = RSVP.Status.WAITLISTED, _next_waitlist_position(event)
    try:
        with transaction.atomic():
            rsvp.save()
    except IntegrityError:
        raise Conflict(gettext("You have already RSVPed to this event."), code="duplicate_rsvp")
    if fits:
        _add_seats(event, going=rsvp.seats)
        title = gettext("You're going: %(event)s") % {"event": event.title}
        body = gettext("Your spot is confirmed. Your check-in code is %(code)s.") % {
            "code": rsvp.check_in_code
        } + _online_line(event, rsvp)
    else:
        place = rsvp_waitlist_place(rsvp)
        title = gettext("Waitlisted: %(event)s") % {"event": event.title}
        body = gettext("Your hold ran out and the event filled up; you are number %(place)s on the waitlist.") % {
            "place": place
        }
    manage_url = rsvp_manage_url(rsvp)
    notify(
        email=rsvp.email,
        kind=Kind.RSVP_CONFIRMATION,
        context=_event_context(event, title=title, body=body, url=manage_url, manage_url=manage_url),
        dedupe_key=f"rsvp-reconfirmed:{rsvp.pk}:{int(now.timestamp())}",
    )
    return rsvp


def rsvp_waitlist_place(rsvp: RSVP) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if rsvp.status != RSVP.Status.WAITLISTED:
        return None
    ahead = RSVP.objects.filter(
        event_id=rsvp.event_id, status=RSVP.Status.WAITLISTED, waitlist_position__lt=rsvp.waitlist_position
    ).count()
    return ahead + 1


@transaction.atomic
def rsvp_cancel(*, rsvp_id: int, actor=None, manage_token: str = "", now: datetime | None = None) -> RSVP:
    """The attendee (signed in, or holding the signed link) or the host cancels an RSVP; the
    freed seats go to the waitlist. Locks the event, then the RSVP."""
    now = now or timezone.now()
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first()
    if event_id is None:
        raise ValidationError(gettext("This RSVP does not exist."))
    event = _lock_event(event_id)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not policies.can_cancel_rsvp(rsvp, event, actor=actor, holds_manage_link=_holds_link(rsvp, manage_token)):
        raise PermissionDenied(gettext("You cannot change this RSVP."))
    if rsvp.status == RSVP.Status.CANCELLED:
        raise Conflict(gettext("This RSVP is already cancelled."))
    _release_rsvp(
        event,
        rsvp,
        reason="host" if policies.is_host(event, actor) and actor.pk != rsvp.user_id else "attendee",
        now=now,
    )
    _promote_waitlist(event, now=now)
    _emit_rsvp_webhook(event, rsvp, RSVP_CANCELLED)
    return rsvp


def _emit_rsvp_webhook(event, rsvp: RSVP, event_type: str) -> None:
    """Partners of the event's campaign hear of it (no name unless shown publicly, never an email)."""
    webhook_event_emit(
        campaign_id=event.campaign_id,
        event_type=event_type,
        data={
            "event": event.slug,
            "rsvp_id": rsvp.pk,
            "status": rsvp.status,
            "guests": rsvp.guests,
            "name": rsvp.name if rsvp.show_publicly else None,
        },
        event_key=f"rsvp:{rsvp.pk}:{event_type}",
    )


@transaction.atomic
def rsvp_claim_offer(*, rsvp_id: int, actor=None, manage_token: str = "", now: datetime | None = None) -> RSVP:
    """The person offered a spot takes it before the claim window closes."""
    now = now or timezone.now()
    event_id = RSVP.objects.filter(pk=rsvp_id).values_list("event_id", flat=True).first()
    if event_id is None:
        raise ValidationError(gettext("This RSVP does not exist."))
    event = _lock_event(event_id)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not policies.can_manage_rsvp(rsvp, actor=actor, holds_manage_link=_holds_link(rsvp, manage_token)):
        raise PermissionDenied(gettext("You cannot change this RSVP."))
    if rsvp.status == RSVP.Status.GOING:
        raise Conflict(gettext("Your spot is already confirmed."))
    if rsvp.status != RSVP.Status.OFFERED:
        raise ValidationError(gettext("There is no spot waiting for you to claim."))
    if rsvp.offer_expires_at <= now:
        raise ValidationError(gettext("Sorry, the time to claim this spot has run out."))
    rsvp.status = RSVP.Status.GOING
    rsvp.offer_expires_at = None
    # The manage link that claims is also shown in the browser, so a guest still confirms by email.
    rsvp.hold_expires_at = _hold_until(rsvp, now=now)
    rsvp.save(update_fields=["status", "offer_expires_at", "hold_expires_at", "updated_at"])
    _add_seats(event, going=rsvp.seats, offered=-rsvp.seats)
    if rsvp.is_unconfirmed:
        notify(
            email=rsvp.email,
            kind=Kind.RSVP_CONFIRMATION,
            context=_event_context(
                event,
                title=gettext("Confirm your spot: %(event)s") % {"event": event.title},
                body=_hold_line(event, rsvp).strip(),
            ),
            dedupe_key=f"rsvp-claim-hold:{rsvp.pk}",
        )
    return rsvp


def rsvp_expire_offers(*, now: datetime | None = None) -> int:
    """Offers not claimed in time pass to the next person in line. Safe to run any number of
    times: each event is handled under its lock and re-checks what is still expired."""
    now = now or timezone.now()
    event_ids = set(
        RSVP.objects.filter(status=RSVP.Status.OFFERED, offer_expires_at__lte=now).values_list("event_id", flat=True)
    )
    expired = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            stale = list(event.rsvps.select_for_update().filter(status=RSVP.Status.OFFERED, offer_expires_at__lte=now))
            for rsvp in stale:
                _release_rsvp(event, rsvp, reason="offer_expired", now=now)
                expired += 1
            _promote_waitlist(event, now=now)
    return expired


def rsvp_release_expired_holds(*, now: datetime | None = None) -> int:
    """The beat's sweep: guests who did not confirm their email in time lose their seats, which
    go to the waitlist. Idempotent: each event is handled under its lock and re-checks."""
    now = now or timezone.now()
    event_ids = set(
        RSVP.objects.filter(status=RSVP.Status.GOING, hold_expires_at__lte=now).values_list("event_id", flat=True)
    )
    released = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            count = _release_expired_holds(event, now=now)
            if count:
                _promote_waitlist(event, now=now)
            released += count
    return released


@transaction.atomic
def rsvp_set_visibility(*, rsvp_id: int, show_publicly: bool, actor=None, manage_token: str = "") -> RSVP:
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp_id)
    if not policies.can_manage_rsvp(rsvp, actor=actor, holds_manage_link=_holds_link(rsvp, manage_token)):
        raise PermissionDenied(gettext("You cannot change this RSVP."))
    rsvp.show_publicly = bool(show_publicly)
    rsvp.save(update_fields=["show_publicly", "updated_at"])
    return rsvp

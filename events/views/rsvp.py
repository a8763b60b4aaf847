"""RSVPing, and the attendee's own pages behind the emailed links: manage (cancel, claim an
offered spot, visibility), confirm a guest's email, and the check-in QR code."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from causeweb.core.boundary import flash_errors, form_errors
from events import policies, selectors
from events.calendar import google_calendar_url
from events.forms import RSVPForm
from events.models import RSVP
from events.services import rsvps
from events.services.links import rsvp_id_from_confirm_token, rsvp_id_from_token, rsvp_manage_url
from events.views._common import event_or_404


@require_safe
def rsvp_form(request, slug):
    """The RSVP form for an anonymous visitor, loaded by htmx into the shared event page (which
    then carries no CSRF token); without JavaScript the page links here, a page of its own."""
    event = event_or_404(slug, request.user)
    if request.user.is_authenticated or not policies.can_rsvp(event, now=timezone.now()):
        return redirect(event)
    template = "events/_rsvp_form.html" if request.htmx else "events/rsvp_form.html"
    return render(request, template, {"event": event, "rsvp_form": RSVPForm(signed_in=False, event=event)})


@require_POST
def event_rsvp(request, slug):
    event = event_or_404(slug, request.user)
    form = RSVPForm(request.POST, signed_in=request.user.is_authenticated, event=event)
    if not request.user.is_authenticated:
        # A guest RSVP emails whatever address is typed in: per client address, and per recipient.
        with flash_errors(request) as limited:
            ratelimits.enforce_ip(
                "rsvp_guest_ip",
                request,
                message=gettext("Too many RSVPs from your connection in the last hour; please try again later."),
                scope=ratelimits.scope_for(event),
            )
            if form.is_valid():
                ratelimits.enforce_email(
                    "rsvp_email",
                    form.cleaned_data.get("email", ""),
                    message=gettext("We have already sent several emails to this address; please try again later."),
                )
        if not limited.ok:
            return redirect(event)
    if form.is_valid():
        data = form.cleaned_data
        with form_errors(form) as call:
            rsvp = rsvps.rsvp_create(
                event_id=event.pk,
                user=request.user if request.user.is_authenticated else None,
                name=data.get("name", ""),
                email=data.get("email", ""),
                guests=data.get("guests") or 0,
                show_publicly=data.get("show_publicly", False),
                keep_updated=data.get("keep_updated", False),
                referral_share_link_id=campaign_selectors.referral_share_link_id(
                    session=request.session, campaign_id=event.campaign_id
                )
                if event.campaign_id
                else None,
            )
        if call.ok:
            if rsvp.is_unconfirmed:
                messages.info(request, gettext("Check your email: follow the link in it to keep your spot."))
            elif rsvp.status == RSVP.Status.GOING:
                messages.success(request, gettext("You're going! We've sent you a confirmation."))
            else:
                place = rsvps.rsvp_waitlist_place(rsvp)
                messages.info(
                    request, gettext("The event is full: you are number %(place)s on the waitlist.") % {"place": place}
                )
            return redirect(rsvp_manage_url(rsvp))
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect(event)


def _rsvp_from_token(token: str) -> RSVP:
    rsvp_id = rsvp_id_from_token(token)
    rsvp = selectors.rsvp_get(rsvp_id=rsvp_id) if rsvp_id else None
    if rsvp is None:
        raise Http404("This link is not valid.")
    return rsvp


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_manage(request, token):
    """The page behind the link in the confirmation email: anyone holding it manages the RSVP."""
    rsvp = _rsvp_from_token(token)
    confirm_cancel = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel" and request.POST.get("confirm") != "yes":
            # One stray tap must not give a seat away: the page asks first.
            confirm_cancel = True
        elif action == "cancel":
            with flash_errors(request, success=gettext("Your RSVP is cancelled. Thanks for letting the host know.")):
                rsvps.rsvp_cancel(rsvp_id=rsvp.pk, manage_token=token)
        elif action == "claim":
            with flash_errors(request, success=gettext("The spot is yours. See you there!")):
                rsvps.rsvp_claim_offer(rsvp_id=rsvp.pk, manage_token=token)
        elif action == "visibility":
            show = request.POST.get("show_publicly") == "on"
            shown = gettext("Your name is shown on the event page.") if show else gettext("Your name is hidden.")
            with flash_errors(request, success=shown):
                rsvps.rsvp_set_visibility(rsvp_id=rsvp.pk, show_publicly=show, manage_token=token)
        else:
            messages.error(request, gettext("Unknown action."))
        if not confirm_cancel:
            return redirect("events:rsvp_manage", token=token)
    event = rsvp.event
    return render(
        request,
        "events/rsvp_manage.html",
        {
            "rsvp": rsvp,
            "event": event,
            "token": token,
            "confirm_cancel": confirm_cancel and rsvp.is_active,
            "waitlist_place": rsvps.rsvp_waitlist_place(rsvp),
            # This page opens in the browser right after a guest RSVPs: the link waits for the email.
            "show_online_link": policies.can_see_online_link(event, rsvp=rsvp),
            "google_calendar_url": google_calendar_url(event),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_confirm(request, token):
    """The link in a guest's email. GET asks (mail scanners follow links), POST confirms."""
    rsvp_id = rsvp_id_from_confirm_token(token)
    rsvp = selectors.rsvp_get(rsvp_id=rsvp_id) if rsvp_id else None
    if rsvp is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        with flash_errors(request) as call:
            rsvp = rsvps.rsvp_confirm_email(token=token)
        if call.ok:
            if rsvp.status == RSVP.Status.GOING:
                messages.success(request, gettext("Thanks, your email is confirmed and your spot is yours."))
            elif rsvp.status == RSVP.Status.WAITLISTED:
                place = rsvps.rsvp_waitlist_place(rsvp)
                messages.info(
                    request,
                    gettext("Your hold had run out and the event is full: you are number %(place)s in line.")
                    % {"place": place},
                )
            else:
                messages.success(request, gettext("Thanks, your email is confirmed."))
        return redirect(rsvp_manage_url(rsvp))
    return render(request, "events/rsvp_confirm.html", {"rsvp": rsvp, "event": rsvp.event})


def _check_in_url(rsvp: RSVP) -> str:
    path = reverse("events:check_in", kwargs={"slug": rsvp.event.slug})
    return f"{settings.SITE_URL}{path}?code={rsvp.check_in_code}"


@require_safe
def rsvp_qr(request, token):
    """The attendee's QR code: the host's check-in page with their code filled in."""
    rsvp = _rsvp_from_token(token)
    if rsvp.status != RSVP.Status.GOING:
        raise Http404("Only confirmed RSVPs have a check-in code.")
    buffer = io.BytesIO()
    segno.make(_check_in_url(rsvp), error="m").save(
        buffer, kind="svg", scale=6, border=2, title=gettext("Check-in code %(code)s") % {"code": rsvp.check_in_code}
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response

"""HTML views for events: parse the request, call one service or selector, render."""

import csv
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from causeweb.core import ratelimits
from causeweb.core.converters import parse_id
from causeweb.core.exceptions import Conflict, PermissionDenied, RateLimited, ValidationError
from causeweb.core.forms import add_service_error, message_service_error
from events import selectors, services
from events.calendar import calendar_ics, google_calendar_url
from events.forms import (
    CancelForm,
    CheckInForm,
    DuplicateForm,
    EventFilterForm,
    EventForm,
    MessageForm,
    RSVPForm,
    WalkInForm,
)
from events.models import RSVP, Event

SERVICE_ERRORS = (ValidationError, PermissionDenied, Conflict)


def _event_or_404(slug: str) -> Event:
    event = selectors.event_get_by_slug(slug=slug)
    if event is None:
        raise Http404("No such event.")
    return event


def _host_event_or_403(request, slug: str) -> Event:
    event = _event_or_404(slug)
    if not request.user.is_authenticated or request.user.pk != event.host_id:
        raise PermissionDenied("Only the event's host can see this page.")
    return event


@require_GET
def events_list(request):
    form = EventFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else EventFilterForm().to_filters()
    page = Paginator(selectors.event_list_public(filters=filters), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {"form": form, "page": page, "events": page.object_list, "filters": filters, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    form = EventForm(
        request.POST or None,
        user=request.user,
        initial={"timezone": getattr(request.user, "timezone", "") or "UTC", "max_guests_per_rsvp": 2},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(host=request.user, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your event is live. Share it!")
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "heading": "Host an event"})


@require_GET
def event_detail(request, slug):
    event = _event_or_404(slug)
    viewer_rsvp = selectors.rsvp_active_for_user(event=event, user=request.user)
    is_host = request.user.is_authenticated and request.user.pk == event.host_id
    now = timezone.now()
    context = {
        "event": event,
        "is_host": is_host,
        "viewer_rsvp": viewer_rsvp,
        "viewer_manage_url": services.rsvp_manage_url(viewer_rsvp) if viewer_rsvp else "",
        "waitlist_place": services.rsvp_waitlist_place(viewer_rsvp) if viewer_rsvp else None,
        "show_online_link": bool(event.online_url)
        and (is_host or (viewer_rsvp is not None and viewer_rsvp.status == RSVP.Status.GOING)),
        "rsvp_open": event.rsvp_open(now),
        "rsvp_form": RSVPForm(signed_in=request.user.is_authenticated, event=event),
        "public_attendees": selectors.event_public_attendees(event=event),
        "waitlist_count": selectors.event_waitlist_count(event=event),
        "event_zone": event.zone,
        "viewer_zone": timezone.get_current_timezone(),
        "google_calendar_url": google_calendar_url(event),
        "share_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
        "is_past": event.ends_at <= now,
    }
    # The viewer's zone comes from their account or the `tz` cookie; on a first visit neither is
    # there yet and the page lets the browser show its own time instead of guessing UTC.
    context["viewer_zone_known"] = bool(getattr(request.user, "timezone", "") or request.COOKIES.get("tz"))
    context["zones_differ"] = context["viewer_zone_known"] and str(context["viewer_zone"]) != event.timezone
    return render(request, "events/detail.html", context)


@require_POST
def event_rsvp(request, slug):
    event = _event_or_404(slug)
    form = RSVPForm(request.POST, signed_in=request.user.is_authenticated, event=event)
    if not request.user.is_authenticated:
        # A guest RSVP emails whatever address is typed in: per client address, and per recipient.
        try:
            ratelimits.enforce_ip(
                "rsvp_guest_ip",
                request,
                message="Too many RSVPs from your connection in the last hour; please try again later.",
            )
            if form.is_valid():
                ratelimits.enforce_email(
                    "rsvp_email",
                    form.cleaned_data.get("email", ""),
                    message="We have already sent several emails to this address; please try again later.",
                )
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rsvp = services.rsvp_create(
                event_id=event.pk,
                user=request.user if request.user.is_authenticated else None,
                name=data.get("name", ""),
                email=data.get("email", ""),
                guests=data.get("guests") or 0,
                show_publicly=data.get("show_publicly", False),
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            if rsvp.is_unconfirmed:
                messages.info(request, "Check your email: follow the link in it to keep your spot.")
            elif rsvp.status == RSVP.Status.GOING:
                messages.success(request, "You're going! We've sent you a confirmation.")
            else:
                place = services.rsvp_waitlist_place(rsvp)
                messages.info(request, f"The event is full: you are number {place} on the waitlist.")
            return redirect(services.rsvp_manage_url(rsvp))
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect(event)


def _rsvp_from_token(token: str) -> RSVP:
    rsvp_id = services.rsvp_id_from_token(token)
    rsvp = selectors.rsvp_get(rsvp_id=rsvp_id) if rsvp_id else None
    if rsvp is None:
        raise Http404("This link is not valid.")
    return rsvp


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_manage(request, token):
    """The page behind the link in the confirmation email: anyone holding it manages the RSVP."""
    rsvp = _rsvp_from_token(token)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.rsvp_cancel(rsvp_id=rsvp.pk, manage_token=token)
                messages.success(request, "Your RSVP is cancelled. Thanks for letting the host know.")
            elif action == "claim":
                services.rsvp_claim_offer(rsvp_id=rsvp.pk, manage_token=token)
                messages.success(request, "The spot is yours. See you there!")
            elif action == "visibility":
                show = request.POST.get("show_publicly") == "on"
                services.rsvp_set_visibility(rsvp_id=rsvp.pk, show_publicly=show, manage_token=token)
                messages.success(request, "Your name is shown on the event page." if show else "Your name is hidden.")
            else:
                messages.error(request, "Unknown action.")
        except SERVICE_ERRORS as exc:
            message_service_error(request, exc)
        return redirect("events:rsvp_manage", token=token)
    event = rsvp.event
    return render(
        request,
        "events/rsvp_manage.html",
        {
            "rsvp": rsvp,
            "event": event,
            "token": token,
            "waitlist_place": services.rsvp_waitlist_place(rsvp),
            # This page opens in the browser right after a guest RSVPs: the link waits for the email.
            "show_online_link": rsvp.is_confirmed_going and bool(event.online_url),
            "google_calendar_url": google_calendar_url(event),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_confirm(request, token):
    """The link in a guest's email. GET asks (mail scanners follow links), POST confirms."""
    rsvp_id = services.rsvp_id_from_confirm_token(token)
    rsvp = selectors.rsvp_get(rsvp_id=rsvp_id) if rsvp_id else None
    if rsvp is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        try:
            rsvp = services.rsvp_confirm_email(token=token)
        except SERVICE_ERRORS as exc:
            message_service_error(request, exc)
        else:
            if rsvp.status == RSVP.Status.GOING:
                messages.success(request, "Thanks, your email is confirmed and your spot is yours.")
            elif rsvp.status == RSVP.Status.WAITLISTED:
                place = services.rsvp_waitlist_place(rsvp)
                messages.info(request, f"Your hold had run out and the event is full: you are number {place} in line.")
            else:
                messages.success(request, "Thanks, your email is confirmed.")
        return redirect(services.rsvp_manage_url(rsvp))
    return render(request, "events/rsvp_confirm.html", {"rsvp": rsvp, "event": rsvp.event})


def _check_in_url(rsvp: RSVP) -> str:
    path = reverse("events:check_in", kwargs={"slug": rsvp.event.slug})
    return f"{settings.SITE_URL}{path}?code={rsvp.check_in_code}"


@require_GET
def rsvp_qr(request, token):
    """The attendee's QR code: the host's check-in page with their code filled in."""
    rsvp = _rsvp_from_token(token)
    if rsvp.status != RSVP.Status.GOING:
        raise Http404("Only confirmed RSVPs have a check-in code.")
    buffer = io.BytesIO()
    segno.make(_check_in_url(rsvp), error="m").save(
        buffer, kind="svg", scale=6, border=2, title=f"Check-in code {rsvp.check_in_code}"
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def event_ics(request, slug):
    event = _event_or_404(slug)
    body = calendar_ics([event], name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, slug):
    event = _host_event_or_403(request, slug)
    form = EventForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event_id=event.pk, actor=request.user, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Event updated.")
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "heading": f"Edit {event.title}", "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, slug):
    event = _host_event_or_403(request, slug)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(event_id=event.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The event is cancelled and everyone who RSVPed has been told.")
            return redirect(event)
    return render(request, "events/cancel.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_duplicate(request, slug):
    event = _host_event_or_403(request, slug)
    form = DuplicateForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.event_duplicate(
                event_id=event.pk, actor=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Event duplicated. Check the details, then share it.")
            return redirect("events:edit", slug=copy.slug)
    return render(request, "events/duplicate.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request, slug):
    """The host's attendee and waitlist lists, and the message-everyone form."""
    event = _host_event_or_403(request, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_message_create(event_id=event.pk, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your message is on its way to everyone going.")
            return redirect("events:manage", slug=slug)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "lists": selectors.event_rsvp_lists(event=event),
            "form": form,
            "sent_messages": event.messages.all()[:10],
        },
    )


@login_required
@require_GET
def event_attendees_csv(request, slug):
    event = _host_event_or_403(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "email",
            "status",
            "confirmation",
            "guests",
            "waitlist_position",
            "check_in_code",
            "checked_in_at",
            "walk_in",
            "rsvped_at",
        ]
    )
    lists = selectors.event_rsvp_lists(event=event)
    for rsvp in [*lists["going"], *lists["unconfirmed"], *lists["waiting"], *lists["cancelled"]]:
        writer.writerow(
            [
                _csv_safe(rsvp.name),
                _csv_safe(rsvp.email),
                rsvp.status,
                _confirmation_label(rsvp, event),
                rsvp.guests,
                rsvp.waitlist_position or "",
                rsvp.check_in_code,
                rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else "",
                "yes" if rsvp.is_walk_in else "",
                rsvp.created_at.isoformat(),
            ]
        )
    return response


def _confirmation_label(rsvp: RSVP, event: Event) -> str:
    if rsvp.is_unconfirmed:
        return f"unconfirmed (hold until {timezone.localtime(rsvp.hold_expires_at, event.zone):%H:%M})"
    return ""


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; people's names are not formulas."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_http_methods(["GET", "POST"])
def event_check_in(request, slug):
    event = _host_event_or_403(request, slug)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    walk_in_form = WalkInForm(prefix="walkin")
    if request.method == "POST":
        try:
            if "rsvp_id" in request.POST:
                rsvp = services.rsvp_check_in(
                    event_id=event.pk, actor=request.user, rsvp_id=parse_id(request.POST["rsvp_id"])
                )
                messages.success(request, f"{rsvp.name} is checked in.")
                return redirect("events:check_in", slug=slug)
            if form.is_valid():
                rsvp = services.rsvp_check_in(event_id=event.pk, actor=request.user, code=form.cleaned_data["code"])
                messages.success(request, f"{rsvp.name} is checked in.")
                return redirect("events:check_in", slug=slug)
        except ValueError:
            messages.error(request, "Unknown RSVP.")
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "form": form,
            "walk_in_form": walk_in_form,
            **_check_in_live_context(event),
        },
    )


def _check_in_live_context(event: Event) -> dict:
    return {
        "event": event,
        "going": selectors.event_going_list(event=event),
        "counts": selectors.event_check_in_counts(event=event),
    }


@login_required
@require_POST
def event_walk_in(request, slug):
    event = _host_event_or_403(request, slug)
    form = WalkInForm(request.POST, prefix="walkin")
    if form.is_valid():
        try:
            rsvp = services.rsvp_add_walk_in(
                event_id=event.pk,
                actor=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data.get("email") or "",
                guests=form.cleaned_data.get("guests") or 0,
            )
        except SERVICE_ERRORS as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, f"{rsvp.name} added as a walk-in and checked in.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("events:check_in", slug=slug)


@never_cache
@login_required
@require_GET
def event_check_in_count(request, slug):
    """The live counter on the check-in page (polled by htmx)."""
    event = _host_event_or_403(request, slug)
    return render(request, "events/_check_in_count.html", _check_in_live_context(event))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request):
    if request.method == "POST":
        services.calendar_feed_reset(user=request.user)
        messages.success(request, "Your calendar link was replaced; the old one no longer works.")
        return redirect("events:calendar")
    feed = services.calendar_feed_get_or_create(user=request.user)
    feed_url = f"{settings.SITE_URL}{reverse('events:calendar_feed', kwargs={'token': feed.token})}"
    return render(
        request,
        "events/calendar.html",
        {
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "rsvps": selectors.event_list_with_user_rsvps(user=request.user),
            "hosted": selectors.event_list_hosted_by(user=request.user)[:20],
        },
    )


@require_GET
def calendar_feed(request, token):
    feed = selectors.calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404("Unknown calendar.")
    events = selectors.event_list_for_attendee(user=feed.user)
    body = calendar_ics(events, name=f"{settings.SITE_NAME}: my events", online_link_for=lambda event: True)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response

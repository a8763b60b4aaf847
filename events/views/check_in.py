"""The host at the door: check people in by code, QR or from the list, add walk-ins, and the
live counter the page polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.converters import parse_id
from events import selectors
from events.forms import CheckInForm, WalkInForm
from events.models import Event
from events.services.hosting import rsvp_add_walk_in, rsvp_check_in
from events.views._common import host_event_or_403


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_check_in(request, slug):
    event = host_event_or_403(request, slug)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    walk_in_form = WalkInForm(prefix="walkin")
    if request.method == "POST":
        if "rsvp_id" in request.POST:
            try:
                rsvp_id = parse_id(request.POST["rsvp_id"])
            except ValueError:
                messages.error(request, "Unknown RSVP.")
            else:
                with form_errors(form) as call:
                    rsvp = rsvp_check_in(event_id=event.pk, actor=request.user, rsvp_id=rsvp_id)
                if call.ok:
                    messages.success(request, f"{rsvp.name} is checked in.")
                    return redirect("events:check_in", slug=slug)
        elif form.is_valid():
            with form_errors(form) as call:
                rsvp = rsvp_check_in(event_id=event.pk, actor=request.user, code=form.cleaned_data["code"])
            if call.ok:
                messages.success(request, f"{rsvp.name} is checked in.")
                return redirect("events:check_in", slug=slug)
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
    event = host_event_or_403(request, slug)
    form = WalkInForm(request.POST, prefix="walkin")
    if form.is_valid():
        with flash_errors(request) as call:
            rsvp = rsvp_add_walk_in(
                event_id=event.pk,
                actor=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data.get("email") or "",
                guests=form.cleaned_data.get("guests") or 0,
            )
        if call.ok:
            messages.success(request, f"{rsvp.name} added as a walk-in and checked in.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("events:check_in", slug=slug)


@never_cache
@login_required
@require_safe
def event_check_in_count(request, slug):
    """The live counter on the check-in page (polled by htmx)."""
    event = host_event_or_403(request, slug)
    return render(request, "events/_check_in_count.html", _check_in_live_context(event))

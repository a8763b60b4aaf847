"""The host at the door: check people in by code, QR or from the list, add walk-ins, and the
live counter the page polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from causeweb.core.boundary import form_errors
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
    if request.method == "POST":
        if "rsvp_id" in request.POST:
            try:
                rsvp_id = parse_id(request.POST["rsvp_id"])
            except ValueError:
                messages.error(request, gettext("Unknown RSVP."))
            else:
                with form_errors(form) as call:
                    rsvp = rsvp_check_in(event_id=event.pk, actor=request.user, rsvp_id=rsvp_id)
                if call.ok:
                    messages.success(request, gettext("%(name)s is checked in.") % {"name": rsvp.name})
                    return redirect("events:check_in", slug=slug)
        elif form.is_valid():
            with form_errors(form) as call:
                rsvp = rsvp_check_in(event_id=event.pk, actor=request.user, code=form.cleaned_data["code"])
            if call.ok:
                messages.success(request, gettext("%(name)s is checked in.") % {"name": rsvp.name})
                return redirect("events:check_in", slug=slug)
    return _render_check_in(request, event, form=form)


def _render_check_in(request, event: Event, *, form=None, walk_in_form=None, status: int = 200):
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "form": form or CheckInForm(),
            "walk_in_form": walk_in_form or WalkInForm(prefix="walkin"),
            **_check_in_live_context(event),
        },
        status=status,
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
    """On any error the check-in page comes back with the walk-in's typed details kept."""
    event = host_event_or_403(request, slug)
    form = WalkInForm(request.POST, prefix="walkin")
    if form.is_valid():
        with form_errors(form) as call:
            rsvp = rsvp_add_walk_in(event_id=event.pk, actor=request.user, **form.cleaned_data)
        if call.ok:
            raised = rsvp.event.capacity != event.capacity
            over = f"; capacity is now {rsvp.event.capacity}" if raised else ""
            messages.success(request, f"{rsvp.name} added as a walk-in and checked in{over}.")
            return redirect("events:check_in", slug=slug)
    return _render_check_in(request, event, walk_in_form=form, status=400)


@never_cache
@login_required
@require_safe
def event_check_in_count(request, slug):
    """The live counter on the check-in page (polled by htmx)."""
    event = host_event_or_403(request, slug)
    return render(request, "events/_check_in_count.html", _check_in_live_context(event))

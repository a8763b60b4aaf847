"""The host's pages: host a new event, edit, cancel or duplicate one, the manage page (lists and
the message-everyone form) and the attendee CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from causeweb.core.boundary import form_errors
from causeweb.core.csv_export import csv_stream_response
from events import selectors
from events.forms import CancelForm, DuplicateForm, EventForm, MessageForm, RemoveRSVPForm
from events.services import events, hosting
from events.services.messages import event_message_create
from events.views._common import host_event_or_403


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request):
    initial = {"timezone": getattr(request.user, "timezone", "") or "UTC", "max_guests_per_rsvp": 2}
    if request.GET.get("campaign", "").isdigit():  # "Host an action for this campaign"
        initial["campaign"] = int(request.GET["campaign"])
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            event = events.event_create(host=request.user, **form.service_kwargs())
        if call.ok:
            if event.campaign_review == event.CampaignReview.PENDING:
                messages.success(
                    request,
                    gettext("Thank you! The campaign's organizer reviews your event; it appears once approved."),
                )
            else:
                messages.success(request, gettext("Your event is live. Share it!"))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "heading": gettext("Host an event")})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, slug):
    event = host_event_or_403(request, slug)
    form = EventForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            events.event_update(event_id=event.pk, actor=request.user, **form.service_kwargs())
        if call.ok:
            messages.success(request, gettext("Event updated."))
            return redirect(event)
    return render(
        request,
        "events/form.html",
        {"form": form, "heading": gettext("Edit %(event)s") % {"event": event.title}, "event": event},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_cancel(request, slug):
    event = host_event_or_403(request, slug)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            events.event_cancel(event_id=event.pk, actor=request.user, reason=form.cleaned_data["reason"])
        if call.ok:
            messages.success(request, gettext("The event is cancelled and everyone who RSVPed has been told."))
            return redirect(event)
    return render(request, "events/cancel.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_duplicate(request, slug):
    event = host_event_or_403(request, slug)
    form = DuplicateForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            copy = events.event_duplicate(
                event_id=event.pk, actor=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        if call.ok:
            messages.success(request, gettext("Event duplicated. Check the details, then share it."))
            return redirect("events:edit", slug=copy.slug)
    return render(request, "events/duplicate.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_manage(request, slug):
    """The host's attendee and waitlist lists, and the message-everyone form."""
    event = host_event_or_403(request, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            event_message_create(event_id=event.pk, actor=request.user, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Your message is on its way to everyone going."))
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
@require_safe
def event_attendees_csv(request, slug):
    event = host_event_or_403(request, slug)
    return csv_stream_response(
        filename=f"{event.slug}-attendees.csv",
        header=hosting.ATTENDEE_EXPORT_HEADER,
        rows=hosting.attendee_export_rows(event=event, actor=request.user),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_rsvp_remove(request, slug, rsvp_id):
    """Asks first (who, how many seats, what happens next), then removes and tells them."""
    event = host_event_or_403(request, slug)
    rsvp = selectors.rsvp_on_event(event=event, rsvp_id=rsvp_id)
    if rsvp is None:
        raise Http404("This RSVP is not on this event's list.")
    form = RemoveRSVPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            hosting.rsvp_remove_by_host(
                event_id=event.pk, rsvp_id=rsvp.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        if call.ok:
            messages.success(
                request, gettext("%(name)s's RSVP is removed and they have been told.") % {"name": rsvp.name}
            )
            return redirect("events:manage", slug=slug)
    return render(request, "events/rsvp_remove.html", {"event": event, "rsvp": rsvp, "form": form})

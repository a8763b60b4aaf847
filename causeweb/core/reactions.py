"""The one reaction toggle behind campaign comments' and group posts' reaction bars
(templates/includes/reaction_bar.html): parse the choice, add or remove it through the app's own
service (which checks permission), then answer htmx with the updated bar or, without JS, redirect
back to the reacted-to item. A bad choice is a 400 with a flash message, a refusal a 403, never
a 500. The apps keep their services and templates; only the view's flow lives here."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from causeweb.core.boundary import flash_errors
from causeweb.core.exceptions import PermissionDenied

ACTION_CHOICES = [("add", "add"), ("remove", "remove")]


class ReactionToggleForm(forms.Form):
    """`kind` (the app's choices, set by a subclass) and `action`: "remove", else add."""

    kind = forms.ChoiceField(choices=())
    action = forms.ChoiceField(choices=ACTION_CHOICES, required=False)


def reaction_toggle_response(
    request: HttpRequest,
    *,
    form: forms.Form,
    invalid_message: str,
    add: Callable[[str], object],
    remove: Callable[[str], object],
    render_bar: Callable[[int], HttpResponse],
    redirect_to: str,
) -> HttpResponse:
    """Toggle one reaction. `add(kind)` / `remove(kind)` call the app's service, `render_bar(status)`
    renders its reaction bar (after the write, so it shows the new counts)."""
    status = 200
    if not form.is_valid():
        messages.error(request, invalid_message)
        status = 400
    else:
        kind = form.cleaned_data["kind"]
        with flash_errors(request) as call:
            if form.cleaned_data.get("action") == "remove":
                remove(kind)
            else:
                add(kind)
        if not call.ok:
            status = 403 if isinstance(call.error, PermissionDenied) else 400
    if getattr(request, "htmx", False):
        return render_bar(status)
    return redirect(redirect_to)

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.forms import message_service_error
from causeweb.moderation import services

# Only these models can be flagged through the generic endpoint.
FLAGGABLE = {
    ("campaigns", "campaign"),
    ("campaigns", "comment"),
    ("communities", "post"),
    ("events", "event"),
    ("communities", "group"),
}


@login_required
@require_POST
def flag(request, app_label: str, model: str, pk: int):
    if (app_label, model) not in FLAGGABLE:
        raise Http404
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        raise Http404
    target = get_object_or_404(model_class, pk=pk)
    try:
        services.flag_create(
            reporter=request.user,
            target=target,
            reason=request.POST.get("reason", "other"),
            note=request.POST.get("note", ""),
        )
    except (Conflict, PermissionDenied, ValidationError) as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Thank you. Moderators will review it.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)

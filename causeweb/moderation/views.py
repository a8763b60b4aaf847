from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from causeweb.core.boundary import flash_errors
from causeweb.moderation import selectors, services


@login_required
@require_POST
def flag(request, app_label: str, model: str, pk: int):
    # 404 alike for a missing id, a model that cannot be flagged and content the person cannot see.
    target = selectors.flaggable_target_for(app_label=app_label, model=model, pk=pk, user=request.user)
    if target is None:
        raise Http404
    with flash_errors(request, success="Thank you. Moderators will review it."):
        services.flag_create(
            reporter=request.user,
            target=target,
            reason=request.POST.get("reason", "other"),
            note=request.POST.get("note", ""),
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from causeweb.core.boundary import flash_errors, form_errors
from causeweb.moderation import appeal_links, policies, selectors, services, transparency
from causeweb.moderation.forms import AppealForm


@login_required
@require_POST
def flag(request, app_label: str, model: str, pk: int):
    # 404 alike for a missing id, a model that cannot be flagged and content the person cannot see.
    target = selectors.flaggable_target_for(app_label=app_label, model=model, pk=pk, user=request.user)
    if target is None:
        raise Http404
    with flash_errors(request, success=gettext("Thank you. Moderators will review it.")):
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


def _appeal_page(request, *, decision, appellant):
    """One page for both ways in: the form, the appeal already made, or the result of sending it."""
    form = AppealForm(request.POST or None)
    sent, status = None, 200
    if request.method == "POST" and form.is_valid():
        # The service refuses a second appeal on the same decision (Conflict) with a clear message.
        with form_errors(form) as call:
            sent = services.appeal_create(
                decision=decision, appellant=appellant, statement=form.cleaned_data["statement"]
            )
        status = 200 if call.ok else 409
    context = {
        "decision": transparency.public_decision(decision),
        "form": form,
        "existing": transparency.appeal_for(decision=decision),
        "sent": sent,
    }
    return render(request, "moderation/appeal.html", context, status=status)


def appeal(request, token: str):
    """The signed link in a decision's notice: works signed out (a suspended person cannot sign in)."""
    ids = appeal_links.read_appeal_token(token)
    decision = transparency.appealable_decision(decision_id=ids[0]) if ids else None
    if decision is None or decision.subject_id != ids[1]:
        raise Http404(gettext("That appeal link is not valid or has expired."))
    return _appeal_page(request, decision=decision, appellant=decision.subject)


@login_required
def appeal_signed_in(request, pk: int):
    """The same page for a signed-in author, by decision id: 404 for anyone it is not about."""
    decision = transparency.appealable_decision(decision_id=pk)
    if decision is None or not policies.can_appeal(request.user, decision):
        raise Http404
    return _appeal_page(request, decision=decision, appellant=request.user)


def transparency_log(request):
    """/moderation/: the public record of moderation decisions, no personal data."""
    page = Paginator(transparency.transparency_decisions(), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "decisions": [transparency.public_decision(action) for action in page.object_list],
        "months": transparency.transparency_monthly_totals(),
        "rules": list(transparency.RULE_LABELS.items()),
    }
    return render(request, "moderation/transparency.html", context)

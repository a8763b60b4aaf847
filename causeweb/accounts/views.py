from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django.views.i18n import set_language as django_set_language

from causeweb.accounts import selectors, services
from causeweb.accounts.forms import ApiTokenCreateForm, ApiTokenRenameForm, ProfileForm
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.hooks import my_activity_sections, public_profile_sections
from causeweb.core.mentions import handle_of, profile_url


def _render_profile(request, *, form=None, token_form=None, new_token=None, new_secret=None, status=200):
    context = {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenCreateForm(),
        "api_tokens": selectors.api_tokens_for(user=request.user),
        "new_token": new_token,
        "new_secret": new_secret,
        "public_profile_url": profile_url(request.user.display_name),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@never_cache
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            services.user_update_profile(user=request.user, **{k: form.cleaned_data[k] for k in form.fields})
        if call.ok:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return _render_profile(request, form=form)


@login_required
@never_cache
def activity(request):
    """What this person signed, follows, attends, belongs to and gave: one section per app."""
    return render(request, "accounts/activity.html", {"sections": my_activity_sections.sections(user=request.user)})


def person_profile(request, handle: str):
    """A person's public page, where an @mention links: their name, since when they are here, and
    what they did in public (each app's section, causeweb.core.hooks.public_profile_sections).
    404 for an unknown or suspended person; "noindex" unless they let search engines list it."""
    person = selectors.person_get_public(handle=handle)
    if person is None:
        raise Http404(_("No such person."))
    context = {
        "person": person,
        "handle": handle_of(person.display_name),
        "sections": public_profile_sections.sections(person=person),
    }
    return render(request, "accounts/person.html", context)


@login_required
@never_cache
@require_POST
def api_token_create(request):
    """The secret is in this one response (not stored, not in a redirect or the session), which
    never_cache keeps out of caches; reloading the page does not show it again."""
    token_form = ApiTokenCreateForm(request.POST)
    if token_form.is_valid():
        with form_errors(token_form) as call:
            token, secret = services.api_token_create(user=request.user, **token_form.cleaned_data)
        if call.ok:
            return _render_profile(request, new_token=token, new_secret=secret)
    return _render_profile(request, token_form=token_form, status=400)


def _own_token(request, token_id: int):
    token = selectors.api_token_of(user=request.user, token_id=token_id)
    if token is None:
        raise Http404(_("No such token."))
    return token


@login_required
@require_POST
def api_token_rename(request, token_id: int):
    token = _own_token(request, token_id)
    rename_form = ApiTokenRenameForm(request.POST)
    if not rename_form.is_valid():
        messages.error(request, _("Give the token a name of up to 80 characters."))
        return redirect("accounts:profile")
    with flash_errors(request, success=_("Token renamed.")):
        services.api_token_rename(token=token, actor=request.user, name=rename_form.cleaned_data["name"])
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = _own_token(request, token_id)
    with flash_errors(request, success=_("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}):
        services.api_token_revoke(token=token, actor=request.user)
    return redirect("accounts:profile")


@csrf_exempt
@require_POST
def set_language(request):
    """The header's language switcher: Django's `set_language` (the language cookie, then a
    redirect to `next` only when it is a safe same-site URL), and for a signed-in person the
    choice saved on the account, applied on every later visit (causeweb.core.middleware).

    A visitor's pages carry no CSRF token (it would set the CSRF cookie and make the shared
    pages uncacheable, causeweb/core/http_cache.py), so the visitor's switch is exempt: the
    worst a forged one does is change that visitor's language cookie. A signed-in person's
    pages do carry the token, and their switch, which writes to the account, is checked."""
    if request.user.is_authenticated:
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if rejected is not None:
            return rejected
    response = django_set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and check_for_language(language):
        services.user_set_language(user=request.user, language=language)
    return response

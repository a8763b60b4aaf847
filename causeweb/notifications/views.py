from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from causeweb.core.boundary import form_errors
from causeweb.notifications import kinds, selectors, services
from causeweb.notifications.forms import PreferencesForm

PAGE_SIZE = 20


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    paginator = Paginator(
        selectors.notification_queryset_for_user(user=request.user, unread_only=unread_only), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": page.object_list,
            "unread": selectors.notification_unread_count(user=request.user),
            "unread_only": unread_only,
        },
    )


@login_required
def unread_badge(request):
    """The header bell's count, refreshed by htmx."""
    return render(
        request, "notifications/_badge.html", {"unread": selectors.notification_unread_count(user=request.user)}
    )


@login_required
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    try:
        target = services.notification_open(user=request.user, notification_id=pk)
    except PermissionDenied:
        return redirect("notifications:list")
    return HttpResponseRedirect(target)


def _back_to_list(request):
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def mark_read(request, pk: int):
    services.notification_mark_read(user=request.user, notification_id=pk)
    return _back_to_list(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext("Marked %(count)s notification as read.", "Marked %(count)s notifications as read.", count)
            % {"count": count},
        )
    return _back_to_list(request)


@login_required
def preferences(request):
    current = selectors.notification_preferences_for_user(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            services.notification_preferences_update(user=request.user, choices=form.choices())
        if call.ok:
            messages.success(request, gettext("Your email preferences are saved."))
            return redirect("notifications:preferences")
    mandatory = [kind.label for kind in kinds.Kind if not kinds.is_optional(kind)]
    return render(request, "notifications/preferences.html", {"form": form, "mandatory": mandatory})


@csrf_exempt  # RFC 8058: mail clients POST `List-Unsubscribe=One-Click` with no cookie; the signed token authenticates
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows a confirmation page (link scanners prefetch GETs, so GET never unsubscribes);
    POST unsubscribes: the one-click request from the mail client or the page's button."""
    try:
        if request.method in ("GET", "HEAD"):
            outcome = services.notification_unsubscribe_preview(token=token)
            done = False
        elif request.POST.get("action") == "resubscribe":
            outcome = services.notification_resubscribe(token=token)
            messages.success(request, gettext("You are subscribed again."))
            done = False
        else:
            outcome = services.notification_unsubscribe(token=token)
            done = True
    except ValidationError as exc:
        return render(request, "notifications/unsubscribe_invalid.html", {"errors": exc.messages}, status=400)
    return render(request, "notifications/unsubscribe.html", {"outcome": outcome, "token": token, "done": done})

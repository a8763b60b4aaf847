from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from causeweb.notifications import selectors, services


@login_required
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {"notifications": selectors.notification_list_for_user(user=request.user)},
    )


@login_required
def unread_badge(request):
    """The header bell's count, refreshed by htmx."""
    return render(
        request, "notifications/_badge.html", {"unread": selectors.notification_unread_count(user=request.user)}
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:list")

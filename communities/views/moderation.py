"""The group moderators' tools: hiding messages, pinning, locking and hiding threads,
announcements, the campaigns the group supports and the flagged posts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from causeweb.core.boundary import flash_errors, form_errors
from communities import forms, selectors
from communities.services import announcements as announcement_services
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services.site_moderation import site_moderator_read_record
from communities.views._common import moderators_only, post_or_404, thread_or_404, with_group

THREAD_ACTIONS = {
    "pin": (discussion_services.thread_set_pinned, "pinned", True, _("Pinned to the top.")),
    "unpin": (discussion_services.thread_set_pinned, "pinned", False, _("Unpinned.")),
    "lock": (discussion_services.thread_set_locked, "locked", True, _("Locked: no new replies.")),
    "unlock": (discussion_services.thread_set_locked, "locked", False, _("Unlocked.")),
    "hide": (discussion_services.thread_set_hidden, "hidden", True, _("Discussion hidden.")),
    "unhide": (discussion_services.thread_set_hidden, "hidden", False, _("Discussion restored.")),
}


@login_required
@require_POST
@with_group
def post_hide(request, group, access, post_id):
    post = post_or_404(group, access, post_id)
    hidden = request.POST.get("hidden", "1") == "1"
    with flash_errors(request, success=gettext("Message hidden.") if hidden else gettext("Message restored.")):
        discussion_services.post_set_hidden(
            actor=request.user, post=post, hidden=hidden, reason=request.POST.get("reason", "")
        )
    return redirect(post.get_absolute_url())


@login_required
@require_POST
@with_group
def thread_moderate(request, group, access, thread_id, action):
    if action not in THREAD_ACTIONS:
        raise Http404
    thread = thread_or_404(group, access, thread_id)
    service, argument, value, message = THREAD_ACTIONS[action]
    with flash_errors(request, success=message):
        service(actor=request.user, thread=thread, **{argument: value})
    return redirect(thread)


@login_required
@with_group
def announce(request, group, access):
    moderators_only(access)
    form = forms.AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            announcement_services.announcement_create(actor=request.user, group=group, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Your announcement is on its way to every member."))
            return redirect(group)
    return render(
        request,
        "communities/announce.html",
        {"group": group, "access": access, "form": form, "announcements": selectors.announcement_list(group=group)},
    )


@login_required
@require_POST
@with_group
def campaign_add(request, group, access):
    form = forms.GroupCampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give the campaign's address."))
    else:
        with flash_errors(request) as call:
            link = group_campaign_services.group_campaign_add(
                actor=request.user, group=group, campaign_slug=form.cleaned_data["campaign"]
            )
        if call.ok:
            messages.success(request, f"{group.name} now supports “{link.campaign.title}”.")
    return redirect(group)


@login_required
@require_POST
@with_group
def campaign_remove(request, group, access, campaign_id):
    with flash_errors(request):
        group_campaign_services.group_campaign_remove(actor=request.user, group=group, campaign_id=campaign_id)
    return redirect(group)


@login_required
@with_group
def flags(request, group, access):
    moderators_only(access)
    site_moderator_read_record(access=access, what="flags", moderators_only=True)
    return render(
        request,
        "communities/flags.html",
        {"group": group, "access": access, "posts": selectors.group_flagged_posts(group=group)},
    )

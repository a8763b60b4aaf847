"""Thin HTML views: parse input, call one service or selector, render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.forms import add_service_error, message_service_error
from communities import forms, selectors, services
from communities.hooks import group_page_sections
from communities.models import Group, Invitation, JoinRequest, Membership

SERVICE_ERRORS = (ValidationError, PermissionDenied, Conflict)
THREADS_PER_PAGE = 25
MEMBERS_PER_PAGE = 50


def with_group(view):
    """Load the group by slug and what the person may do there; private groups 404 for outsiders."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        group = selectors.group_get_by_slug(slug=slug)
        if group is None:
            raise Http404
        access = selectors.group_access(group=group, user=request.user)
        if not access.can_view_group:
            raise Http404
        return view(request, group, access, *args, **kwargs)

    return wrapper


def _moderators_only(access):
    if not access.can_moderate:
        raise PermissionDenied("Only the group's owners and moderators can see this page.")


# --- browsing and the group page -------------------------------------------------------------------


def communities_list(request):
    form = forms.GroupSearchForm(request.GET or None)
    query = cause = place = ""
    if form.is_valid():
        query, place = form.cleaned_data["q"], form.cleaned_data["place"]
        cause = form.cleaned_data["cause"].slug if form.cleaned_data["cause"] else ""
    page = Paginator(selectors.group_search(query=query, cause_slug=cause, place=place), 24).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "communities/list.html",
        {
            "form": form,
            "page": page,
            "my_groups": selectors.group_list_for_user(user=request.user),
            "searching": bool(query or cause or place),
        },
    )


@login_required
def group_create(request):
    form = forms.GroupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your group is ready. Invite people to join!")
            return redirect(group)
    return render(request, "communities/group_form.html", {"form": form, "creating": True})


@login_required
@with_group
def group_edit(request, group, access):
    if not access.is_owner:
        raise PermissionDenied("Only the group's owners can change its settings.")
    initial = {
        "name": group.name,
        "description": group.description,
        "cause": group.cause,
        "location": group.location,
        "latitude": group.latitude,
        "longitude": group.longitude,
        "visibility": group.visibility,
        "code_of_conduct": group.code_of_conduct,
    }
    form = forms.GroupForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect(group)
    return render(
        request, "communities/group_form.html", {"form": form, "group": group, "access": access, "creating": False}
    )


@with_group
def group_detail(request, group, access):
    services.site_moderator_read_record(access=access, what="group")
    threads = []
    if access.can_read_discussions:
        threads = list(selectors.thread_list_for_group(group=group, access=access)[:5])
    return render(
        request,
        "communities/detail.html",
        {
            "group": group,
            "access": access,
            "threads": threads,
            "sections": group_page_sections.sections(group=group, viewer=request.user),
            "campaigns": selectors.group_supported_campaigns(group=group),
            "campaign_form": forms.GroupCampaignForm() if access.can_moderate else None,
            "flag_reasons": _flag_reasons(),
        },
    )


# --- joining ---------------------------------------------------------------------------------------


@login_required
@with_group
def group_join(request, group, access):
    if access.is_member:
        return redirect(group)
    form = forms.JoinForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        accepted = form.cleaned_data.get("accept_code_of_conduct", False)
        try:
            if group.visibility == Group.Visibility.REQUEST:
                services.join_request_create(
                    user=request.user, group=group, message=form.cleaned_data.get("message", ""),
                    accept_code_of_conduct=accepted,
                )  # fmt: skip
                messages.success(request, "Your request was sent. The moderators will let you know.")
            else:
                services.group_join(user=request.user, group=group, accept_code_of_conduct=accepted)
                messages.success(request, f"Welcome to {group.name}!")
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            return redirect(group)
    return render(request, "communities/join.html", {"group": group, "access": access, "form": form})


@login_required
@require_POST
@with_group
def group_leave(request, group, access):
    try:
        services.group_leave(user=request.user, group=group)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"You left {group.name}.")
    return redirect(group if not group.is_private else reverse("communities:list"))


@login_required
@require_POST
@with_group
def join_request_withdraw(request, group, access):
    join_request = selectors.join_request_pending_for(group=group, user=request.user)
    if join_request:
        services.join_request_withdraw(user=request.user, join_request=join_request)
        messages.success(request, "Your request was withdrawn.")
    return redirect(group)


def invitation_accept(request, token):
    invitation = selectors.invitation_get(token=token)
    if invitation is None:
        raise Http404
    group = invitation.group
    access = selectors.group_access(group=group, user=request.user)
    # The invitation form asks only for the code of conduct (no message to moderators).
    form_group = Group(visibility=Group.Visibility.PUBLIC, code_of_conduct=group.code_of_conduct)
    form = forms.JoinForm(request.POST if request.method == "POST" else None, group=form_group)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                services.invitation_accept(
                    user=request.user,
                    token=token,
                    accept_code_of_conduct=form.cleaned_data.get("accept_code_of_conduct", False),
                )
            except SERVICE_ERRORS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"Welcome to {group.name}!")
                return redirect(group)
    return render(
        request,
        "communities/invitation.html",
        {
            "group": group,
            "access": access,
            "invitation": invitation,
            "usable": invitation.is_usable(timezone.now()),
            "form": form,
        },
    )


# --- members, requests, invitations ----------------------------------------------------------------


@with_group
def member_list(request, group, access):
    if not access.can_read_discussions:
        raise PermissionDenied("Only members can see who is in this group.")
    services.site_moderator_read_record(access=access, what="members")
    page = Paginator(selectors.membership_list(group=group), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/members.html",
        {
            "group": group,
            "access": access,
            "page": page,
            "roles": Membership.Role.choices,
            "bans": list(selectors.ban_list(group=group)) if access.can_moderate else [],
        },
    )


def _member_action(request, group, membership_id, action):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, group=group)
    membership.group = group
    try:
        action(membership)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
        return False
    return True


@login_required
@require_POST
@with_group
def member_role(request, group, access, membership_id):
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    elif _member_action(
        request,
        group,
        membership_id,
        lambda m: services.membership_change_role(actor=request.user, membership=m, role=form.cleaned_data["role"]),
    ):
        messages.success(request, "Role changed.")
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_remove(request, group, access, membership_id):
    if _member_action(
        request, group, membership_id, lambda m: services.membership_remove(actor=request.user, membership=m)
    ):
        messages.success(request, "Removed from the group.")
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_ban(request, group, access, membership_id):
    reason = request.POST.get("reason", "")
    if _member_action(
        request,
        group,
        membership_id,
        lambda m: services.member_ban(actor=request.user, group=group, user=m.user, reason=reason),
    ):
        messages.success(request, "Banned from the group.")
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_unban(request, group, access, user_id):
    from causeweb.accounts.models import User

    banned = get_object_or_404(User, pk=user_id)
    try:
        services.member_unban(actor=request.user, group=group, user=banned)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Ban lifted.")
    return redirect("communities:members", slug=group.slug)


@login_required
@with_group
def request_queue(request, group, access):
    _moderators_only(access)
    services.site_moderator_read_record(access=access, what="join_requests", moderators_only=True)
    return render(
        request,
        "communities/requests.html",
        {"group": group, "access": access, "requests": list(selectors.join_request_list_pending(group=group))},
    )


@login_required
@require_POST
@with_group
def request_decide(request, group, access, request_id, decision):
    join_request = get_object_or_404(JoinRequest.objects.select_related("user"), pk=request_id, group=group)
    join_request.group = group
    try:
        services.join_request_decide(actor=request.user, join_request=join_request, approve=decision == "approve")
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        verb = "approved" if decision == "approve" else "declined"
        messages.success(request, f"{join_request.user.public_name}'s request was {verb}.")
    return redirect("communities:requests", slug=group.slug)


@login_required
@with_group
def invitations(request, group, access):
    _moderators_only(access)
    services.site_moderator_read_record(access=access, what="invitations", moderators_only=True)
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(actor=request.user, group=group, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Invitation link created: copy it and send it to the people you invite.")
            return redirect("communities:invitations", slug=group.slug)
    links = list(selectors.invitation_list(group=group))
    now = timezone.now()
    for link in links:
        link.usable = link.is_usable(now)
    return render(
        request, "communities/invitations.html", {"group": group, "access": access, "form": form, "links": links}
    )


@login_required
@require_POST
@with_group
def invitation_revoke(request, group, access, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, group=group)
    invitation.group = group
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "The link no longer works.")
    return redirect("communities:invitations", slug=group.slug)


# --- discussions -----------------------------------------------------------------------------------


def _require_reader(access):
    if not access.can_read_discussions:
        raise PermissionDenied("Only members can read this group's discussions.")


@with_group
def thread_list(request, group, access):
    _require_reader(access)
    services.site_moderator_read_record(access=access, what="threads")
    page = Paginator(selectors.thread_list_for_group(group=group, access=access), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "communities/thread_list.html", {"group": group, "access": access, "page": page})


@login_required
@with_group
def thread_create(request, group, access):
    form = forms.ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(author=request.user, group=group, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            return redirect(thread)
    if not access.can_participate:
        raise PermissionDenied("Join the group to start a discussion.")
    return render(request, "communities/thread_form.html", {"group": group, "access": access, "form": form})


def _thread_or_404(group, access, thread_id):
    thread = selectors.thread_get(group=group, thread_id=thread_id, access=access)
    if thread is None:
        raise Http404
    return thread


@with_group
def thread_detail(request, group, access, thread_id, form=None):
    _require_reader(access)
    thread = _thread_or_404(group, access, thread_id)
    services.site_moderator_read_record(access=access, what="thread", target=thread, moderators_only=thread.is_hidden)
    opening, replies = selectors.thread_posts(thread=thread, user=request.user, with_flags=access.can_moderate)
    return render(
        request,
        "communities/thread.html",
        {
            "group": group,
            "access": access,
            "thread": thread,
            "opening": opening,
            "replies": replies,
            "form": form or forms.PostForm(),
            "flag_reasons": _flag_reasons(),
            "can_reply": access.can_participate and (not thread.is_locked or access.can_moderate),
            "thread_actions": [
                ("unpin", "Unpin") if thread.is_pinned else ("pin", "Pin"),
                ("unlock", "Unlock") if thread.is_locked else ("lock", "Lock"),
                ("unhide", "Restore") if thread.is_hidden else ("hide", "Hide"),
            ],
        },
        status=400 if form is not None else 200,
    )


def _flag_reasons():
    from causeweb.moderation.selectors import flag_reason_choices

    return flag_reason_choices()


@login_required
@require_POST
@with_group
def post_reply(request, group, access, thread_id):
    _require_reader(access)
    thread = _thread_or_404(group, access, thread_id)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = selectors.post_get(group=group, post_id=form.cleaned_data["parent"])
        try:
            post = services.post_create(
                author=request.user, thread=thread, body=form.cleaned_data["body"], parent=parent
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    return thread_detail.__wrapped__(request, group, access, thread_id, form=form)


def _post_or_404(group, access, post_id):
    post = selectors.post_get(group=group, post_id=post_id)
    if post is None or (post.thread.is_hidden and not access.can_moderate):
        raise Http404
    return post


@login_required
@with_group
def post_edit(request, group, access, post_id):
    _require_reader(access)
    post = _post_or_404(group, access, post_id)
    form = forms.PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(actor=request.user, post=post, body=form.cleaned_data["body"])
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            return redirect(post.get_absolute_url())
    if post.author_id != request.user.pk:
        raise PermissionDenied("You can only edit your own messages.")
    return render(request, "communities/post_form.html", {"group": group, "access": access, "post": post, "form": form})


@login_required
@require_POST
@with_group
def post_delete(request, group, access, post_id):
    post = _post_or_404(group, access, post_id)
    try:
        services.post_delete(actor=request.user, post=post)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Your message was deleted.")
    return redirect(post.get_absolute_url())


@login_required
@require_POST
@with_group
def post_hide(request, group, access, post_id):
    post = _post_or_404(group, access, post_id)
    hidden = request.POST.get("hidden", "1") == "1"
    try:
        services.post_set_hidden(actor=request.user, post=post, hidden=hidden, reason=request.POST.get("reason", ""))
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "Message hidden." if hidden else "Message restored.")
    return redirect(post.get_absolute_url())


@login_required
@require_POST
@with_group
def post_react(request, group, access, post_id):
    """Toggle a reaction. htmx swaps in the updated reaction bar; without JS the page reloads."""
    _require_reader(access)
    post = _post_or_404(group, access, post_id)
    form = forms.ReactionForm(request.POST)
    status = 200
    if not form.is_valid():
        messages.error(request, "Choose like, support or celebrate.")
        status = 400
    else:
        kind = form.cleaned_data["kind"]
        try:
            if request.POST.get("action") == "remove":
                services.reaction_remove(user=request.user, post=post, kind=kind)
            else:
                services.reaction_add(user=request.user, post=post, kind=kind)
        except SERVICE_ERRORS as exc:
            message_service_error(request, exc)
            status = 403 if isinstance(exc, PermissionDenied) else 400
    if request.htmx:
        post.reaction_summary = selectors.post_reaction_summary(post=post, user=request.user)
        return render(
            request, "communities/_reactions.html", {"post": post, "group": group, "access": access}, status=status
        )
    return redirect(post.get_absolute_url())


THREAD_ACTIONS = {
    "pin": ("thread_set_pinned", "pinned", True, "Pinned to the top."),
    "unpin": ("thread_set_pinned", "pinned", False, "Unpinned."),
    "lock": ("thread_set_locked", "locked", True, "Locked: no new replies."),
    "unlock": ("thread_set_locked", "locked", False, "Unlocked."),
    "hide": ("thread_set_hidden", "hidden", True, "Discussion hidden."),
    "unhide": ("thread_set_hidden", "hidden", False, "Discussion restored."),
}


@login_required
@require_POST
@with_group
def thread_moderate(request, group, access, thread_id, action):
    if action not in THREAD_ACTIONS:
        raise Http404
    thread = _thread_or_404(group, access, thread_id)
    service_name, argument, value, message = THREAD_ACTIONS[action]
    try:
        getattr(services, service_name)(actor=request.user, thread=thread, **{argument: value})
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, message)
    return redirect(thread)


# --- moderators' tools -----------------------------------------------------------------------------


@login_required
@with_group
def announce(request, group, access):
    _moderators_only(access)
    form = forms.AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_create(actor=request.user, group=group, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your announcement is on its way to every member.")
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
        messages.error(request, "Give the campaign's address.")
    else:
        try:
            link = services.group_campaign_add(
                actor=request.user, group=group, campaign_slug=form.cleaned_data["campaign"]
            )
        except SERVICE_ERRORS as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, f"{group.name} now supports “{link.campaign.title}”.")
    return redirect(group)


@login_required
@require_POST
@with_group
def campaign_remove(request, group, access, campaign_id):
    try:
        services.group_campaign_remove(actor=request.user, group=group, campaign_id=campaign_id)
    except SERVICE_ERRORS as exc:
        message_service_error(request, exc)
    return redirect(group)


@login_required
@with_group
def flags(request, group, access):
    _moderators_only(access)
    services.site_moderator_read_record(access=access, what="flags", moderators_only=True)
    return render(
        request,
        "communities/flags.html",
        {"group": group, "access": access, "posts": selectors.group_flagged_posts(group=group)},
    )

"""Joining and leaving, invitation links, the member list, roles, removal, bans and join requests."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.exceptions import PermissionDenied
from communities import forms, selectors
from communities.models import Group, Invitation, JoinRequest, Membership
from communities.services import membership as membership_services
from communities.services.site_moderation import site_moderator_read_record
from communities.views._common import moderators_only, with_group

MEMBERS_PER_PAGE = 50


# --- joining ---------------------------------------------------------------------------------------


@login_required
@with_group
def group_join(request, group, access):
    if access.is_member:
        return redirect(group)
    form = forms.JoinForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        accepted = form.cleaned_data.get("accept_code_of_conduct", False)
        with form_errors(form) as call:
            if group.visibility == Group.Visibility.REQUEST:
                membership_services.join_request_create(
                    user=request.user, group=group, message=form.cleaned_data.get("message", ""),
                    accept_code_of_conduct=accepted,
                )  # fmt: skip
                welcome = gettext("Your request was sent. The moderators will let you know.")
            else:
                membership_services.group_join(user=request.user, group=group, accept_code_of_conduct=accepted)
                welcome = gettext("Welcome to %(group)s!") % {"group": group.name}
        if call.ok:
            messages.success(request, welcome)
            return redirect(group)
    return render(request, "communities/join.html", {"group": group, "access": access, "form": form})


@login_required
@require_POST
@with_group
def group_leave(request, group, access):
    with flash_errors(request, success=gettext("You left %(group)s.") % {"group": group.name}):
        membership_services.group_leave(user=request.user, group=group)
    return redirect(group if not group.is_private else reverse("communities:list"))


@login_required
@require_POST
@with_group
def join_request_withdraw(request, group, access):
    join_request = selectors.join_request_pending_for(group=group, user=request.user)
    if join_request:
        membership_services.join_request_withdraw(user=request.user, join_request=join_request)
        messages.success(request, gettext("Your request was withdrawn."))
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
            with form_errors(form) as call:
                membership_services.invitation_accept(
                    user=request.user,
                    token=token,
                    accept_code_of_conduct=form.cleaned_data.get("accept_code_of_conduct", False),
                )
            if call.ok:
                messages.success(request, gettext("Welcome to %(group)s!") % {"group": group.name})
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
        raise PermissionDenied(gettext("Only members can see who is in this group."))
    site_moderator_read_record(access=access, what="members")
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


def _member_action(request, group, membership_id, action, *, success: str) -> None:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, group=group)
    membership.group = group
    with flash_errors(request, success=success):
        action(membership)


@login_required
@require_POST
@with_group
def member_role(request, group, access, membership_id):
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose a role."))
    else:
        _member_action(
            request,
            group,
            membership_id,
            lambda m: membership_services.membership_change_role(
                actor=request.user, membership=m, role=form.cleaned_data["role"]
            ),
            success=gettext("Role changed."),
        )
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_remove(request, group, access, membership_id):
    _member_action(
        request,
        group,
        membership_id,
        lambda m: membership_services.membership_remove(actor=request.user, membership=m),
        success=gettext("Removed from the group."),
    )
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_ban(request, group, access, membership_id):
    reason = request.POST.get("reason", "")
    _member_action(
        request,
        group,
        membership_id,
        lambda m: membership_services.member_ban(actor=request.user, group=group, user=m.user, reason=reason),
        success=gettext("Banned from the group."),
    )
    return redirect("communities:members", slug=group.slug)


@login_required
@require_POST
@with_group
def member_unban(request, group, access, user_id):
    banned = get_object_or_404(get_user_model(), pk=user_id)
    with flash_errors(request, success=gettext("Ban lifted.")):
        membership_services.member_unban(actor=request.user, group=group, user=banned)
    return redirect("communities:members", slug=group.slug)


@login_required
@with_group
def request_queue(request, group, access):
    moderators_only(access)
    site_moderator_read_record(access=access, what="join_requests", moderators_only=True)
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
    verb = "approved" if decision == "approve" else "declined"
    with flash_errors(request, success=f"{join_request.user.public_name}'s request was {verb}."):
        membership_services.join_request_decide(
            actor=request.user, join_request=join_request, approve=decision == "approve"
        )
    return redirect("communities:requests", slug=group.slug)


@login_required
@with_group
def invitations(request, group, access):
    moderators_only(access)
    site_moderator_read_record(access=access, what="invitations", moderators_only=True)
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            membership_services.invitation_create(actor=request.user, group=group, **form.cleaned_data)
        if call.ok:
            messages.success(request, gettext("Invitation link created: copy it and send it to the people you invite."))
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
    with flash_errors(request, success=gettext("The link no longer works.")):
        membership_services.invitation_revoke(actor=request.user, invitation=invitation)
    return redirect("communities:invitations", slug=group.slug)

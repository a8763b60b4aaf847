"""A group's discussions: threads, replies, editing and deleting one's own messages, reactions."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from causeweb.core import mentions, page_cache
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.exceptions import PermissionDenied
from causeweb.core.reactions import reaction_toggle_response
from communities import forms, selectors
from communities.page_scopes import thread_scope
from communities.services import discussions as discussion_services
from communities.services.site_moderation import site_moderator_read_record
from communities.views._common import flag_reasons, post_or_404, require_reader, thread_or_404, with_group

THREADS_PER_PAGE = 25


@with_group
def thread_list(request, group, access):
    require_reader(access)
    site_moderator_read_record(access=access, what="threads")
    page = Paginator(selectors.thread_list_for_group(group=group, access=access), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "communities/thread_list.html", {"group": group, "access": access, "page": page})


@login_required
@with_group
def thread_create(request, group, access):
    form = forms.ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            thread = discussion_services.thread_create(author=request.user, group=group, **form.cleaned_data)
        if call.ok:
            return redirect(thread)
    if not access.can_participate:
        raise PermissionDenied(gettext("Join the group to start a discussion."))
    return render(request, "communities/thread_form.html", {"group": group, "access": access, "form": form})


@page_cache.cached_page
@with_group
def thread_detail(request, group, access, thread_id):
    return _thread_page(request, group, access, thread_id)


def _thread_page(request, group, access, thread_id, form=None):
    """A page of the thread (`?page=`; the anonymous visitor's copy of each page is cached under its
    group's and its own scopes, communities/page_scopes.py); with `form`, a reply that did not
    validate (400), shown on the last page where it would have gone."""
    require_reader(access)
    thread = thread_or_404(group, access, thread_id)
    page_cache.depends_on(f"group:{group.pk}", thread_scope(thread.pk))
    site_moderator_read_record(access=access, what="thread", target=thread, moderators_only=thread.is_hidden)
    shown = selectors.thread_page(
        thread=thread,
        user=request.user,
        number="last" if form is not None else request.GET.get("page"),
        with_flags=access.can_moderate,
    )
    return render(
        request,
        "communities/thread.html",
        {
            "group": group,
            "access": access,
            "thread": thread,
            "opening": shown.opening,
            "replies": shown.replies,
            "page": shown.page,
            "form": form or forms.PostForm(),
            "flag_reasons": flag_reasons(),
            "can_reply": access.can_reply_in(thread),
            "thread_actions": [
                ("unpin", gettext("Unpin")) if thread.is_pinned else ("pin", gettext("Pin")),
                ("unlock", gettext("Unlock")) if thread.is_locked else ("lock", gettext("Lock")),
                ("unhide", gettext("Restore")) if thread.is_hidden else ("hide", gettext("Hide")),
            ],
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
@with_group
def post_reply(request, group, access, thread_id):
    require_reader(access)
    thread = thread_or_404(group, access, thread_id)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = selectors.post_get(group=group, post_id=form.cleaned_data["parent"])
        with form_errors(form) as call:
            post = discussion_services.post_create(
                author=request.user, thread=thread, body=form.cleaned_data["body"], parent=parent
            )
        if call.ok:
            return redirect(_post_location(post))
    return _thread_page(request, group, access, thread_id, form=form)


def _post_location(post) -> str:
    number = selectors.thread_page_number_of(post=post)
    query = f"?page={number}" if number > 1 else ""
    return f"{post.thread.get_absolute_url()}{query}#post-{post.pk}"


@require_safe
@with_group
def post_permalink(request, group, access, post_id):
    """A post's lasting address: to the page of its thread it is on now."""
    require_reader(access)
    return redirect(_post_location(post_or_404(group, access, post_id)))


@login_required
@with_group
def post_edit(request, group, access, post_id):
    require_reader(access)
    post = post_or_404(group, access, post_id)
    form = forms.PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            discussion_services.post_edit(actor=request.user, post=post, body=form.cleaned_data["body"])
        if call.ok:
            return redirect(_post_location(post))
    if post.author_id != request.user.pk:
        raise PermissionDenied(gettext("You can only edit your own messages."))
    return render(request, "communities/post_form.html", {"group": group, "access": access, "post": post, "form": form})


@login_required
@require_POST
@with_group
def post_delete(request, group, access, post_id):
    post = post_or_404(group, access, post_id)
    with flash_errors(request, success=gettext("Your message was deleted.")):
        discussion_services.post_delete(actor=request.user, post=post)
    return redirect(_post_location(post))


@login_required
@require_POST
@with_group
def post_react(request, group, access, post_id):
    """Toggle a reaction. htmx swaps in the updated reaction bar; without JS the page reloads."""
    require_reader(access)
    post = post_or_404(group, access, post_id)

    def render_bar(status: int):
        post.reaction_summary = selectors.post_reaction_summary(post=post, user=request.user)
        context = {"post": post, "group": group, "access": access}
        return render(request, "communities/_reactions.html", context, status=status)

    return reaction_toggle_response(
        request,
        form=forms.ReactionForm(request.POST),
        invalid_message=gettext("Choose like, support or celebrate."),
        add=lambda kind: discussion_services.reaction_add(user=request.user, post=post, kind=kind),
        remove=lambda kind: discussion_services.reaction_remove(user=request.user, post=post, kind=kind),
        render_bar=render_bar,
        redirect_to=post.get_absolute_url(),
    )


@login_required
@require_safe
@with_group
def mention_suggestions(request, group, access):
    """The editor's "@" suggestions: members only, and only to people who can write here."""
    if not access.can_participate:
        raise PermissionDenied(gettext("Only members can mention people in this group."))
    people = selectors.group_mentionable_people(group=group)
    return JsonResponse({"results": mentions.mention_suggestions(people, request.GET.get("q", ""))})

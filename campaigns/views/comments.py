"""Comments on a campaign's page: write or reply, edit and delete one's own, hide (organizers and
moderators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import policies, selectors
from campaigns.comment_selectors import comment_reaction_summary
from campaigns.forms import CommentForm, CommentReactionForm
from campaigns.models import Campaign
from campaigns.services import comments
from campaigns.views._common import detail_context, public_or_404
from causeweb.core import mentions
from causeweb.core.boundary import flash_errors, form_errors
from causeweb.core.converters import parse_id
from causeweb.core.exceptions import PermissionDenied
from causeweb.core.reactions import reaction_toggle_response


def comment_or_404(campaign: Campaign, comment_id: int):
    comment = selectors.comment_get(comment_id=comment_id, campaign=campaign)
    if comment is None:
        raise Http404("No such comment.")
    return comment


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_create(request, slug: str):
    campaign = public_or_404(slug)
    if request.method in ("GET", "HEAD"):
        return redirect(f"{campaign.get_absolute_url()}#comments")
    form = CommentForm(request.POST)
    parent = None
    if request.POST.get("parent"):
        try:
            parent = comment_or_404(campaign, parse_id(request.POST["parent"]))
        except ValueError:
            raise Http404("No such comment.")
    if form.is_valid():
        # A reply's error goes back to the thread as a message; a new comment's to its form.
        with flash_errors(request) if parent is not None else form_errors(form) as call:
            comment = comments.comment_create(
                campaign=campaign, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        if call.ok:
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
        if parent is not None:
            return redirect(f"{campaign.get_absolute_url()}#comment-{parent.pk}")
    elif parent is not None:
        messages.error(request, gettext("Write something first."))
        return redirect(f"{campaign.get_absolute_url()}#comment-{parent.pk}")
    return render(request, "campaigns/detail.html", detail_context(request, campaign, comment_form=form), status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request, slug: str, comment_id: int):
    campaign = public_or_404(slug)
    comment = comment_or_404(campaign, comment_id)
    if not policies.is_comment_author(request.user, comment):
        raise PermissionDenied(gettext("Only the author can edit this comment."))
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as call:
            comments.comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        if call.ok:
            return redirect(f"{campaign.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "campaigns/comment_edit.html", {"campaign": campaign, "comment": comment, "form": form})


@login_required
@require_POST
def comment_delete(request, slug: str, comment_id: int):
    campaign = public_or_404(slug)
    comment = comment_or_404(campaign, comment_id)
    with flash_errors(request, success=gettext("Comment deleted.")):
        comments.comment_delete(comment=comment, actor=request.user)
    return redirect(f"{campaign.get_absolute_url()}#comments")


@login_required
@require_POST
def comment_hide(request, slug: str, comment_id: int):
    campaign = public_or_404(slug)
    comment = comment_or_404(campaign, comment_id)
    with flash_errors(request, success=gettext("Comment hidden.")):
        comments.comment_hide(comment=comment, actor=request.user, reason=request.POST.get("reason", "")[:500])
    return redirect(f"{campaign.get_absolute_url()}#comments")


@login_required
@require_POST
def comment_react(request, slug: str, comment_id: int):
    """Toggle a reaction. htmx swaps in the updated reaction bar; without JS the page reloads at
    the comment."""
    campaign = public_or_404(slug)
    comment = comment_or_404(campaign, comment_id)

    def render_bar(status: int):
        comment.reaction_summary = comment_reaction_summary(comment=comment, viewer=request.user)
        context = {"comment": comment, "campaign": campaign}
        return render(request, "campaigns/_comment_reactions.html", context, status=status)

    return reaction_toggle_response(
        request,
        form=CommentReactionForm(request.POST),
        invalid_message=comments.REACTION_CHOICE_MESSAGE,
        add=lambda kind: comments.comment_reaction_add(user=request.user, comment=comment, kind=kind),
        remove=lambda kind: comments.comment_reaction_remove(user=request.user, comment=comment, kind=kind),
        render_bar=render_bar,
        redirect_to=f"{campaign.get_absolute_url()}#comment-{comment.pk}",
    )


@login_required
@require_safe
def mention_suggestions(request, slug: str):
    """The comment box's "@" suggestions: the people in this campaign's conversation."""
    campaign = public_or_404(slug)
    people = selectors.campaign_conversation_people(campaign=campaign).exclude(pk=request.user.pk)
    return JsonResponse({"results": mentions.mention_suggestions(people, request.GET.get("q", ""))})

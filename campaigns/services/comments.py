"""Comments and replies: authors write, edit and delete theirs (inside the edit window);
organizers and moderators hide them. An @mention tells the person named, if they are in the
conversation (the organizer, or someone who commented on the campaign)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from campaigns import policies, selectors
from campaigns.models import COMMENT_EDIT_WINDOW, Campaign, Comment, CommentReaction
from campaigns.services import trending
from campaigns.services._common import (
    bump_activity,
    language_of,
    require_moderator,
    require_published,
    require_signed_in,
)
from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.markdown import plain_text
from causeweb.core.mentions import handle_expression, mention_handles, render_with_mentions
from causeweb.moderation.services import moderation_action_record
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify


def _clean_comment_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": gettext("Write something first.")})
    if len(body) > 5000:
        raise ValidationError({"body": gettext("Keep comments under 5,000 characters.")})
    return body


@transaction.atomic
def comment_create(*, campaign: Campaign, author, body: str, parent: Comment | None = None) -> Comment:
    """A comment, or a reply to a top-level comment (replies to replies attach to the top one)."""
    require_signed_in(author, gettext("Sign in to comment."))
    require_published(campaign, gettext("This campaign is not open, so you cannot comment."))
    ratelimits.enforce_user("comment_user", author, message="You are commenting very fast; please wait a few minutes.")
    body = _clean_comment_body(body)
    if parent is not None:
        if parent.campaign_id != campaign.pk:
            raise ValidationError(gettext("That comment belongs to another campaign."), code="wrong_campaign")
        if parent.is_removed:
            raise ValidationError(gettext("That comment was removed; you cannot reply to it."), code="removed")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    comment = Comment.objects.create(
        campaign=campaign, author=author, parent=parent, body=body, body_html=render_with_mentions(body)
    )
    bump_activity(campaign.pk)
    trending.trending_count_activity(campaign_id=campaign.pk)
    if parent is not None and parent.author_id != author.pk:
        with language_of(parent.author):
            notify(
                recipient=parent.author,
                kind=Kind.COMMENT_REPLY,
                context={
                    "title": gettext("%(name)s replied to your comment on “%(title)s”")
                    % {"name": author.public_name, "title": campaign.title},
                    "body": plain_text(body, limit=300),
                    "url": f"{campaign.get_absolute_url()}#comment-{comment.pk}",
                    "campaign_id": campaign.pk,
                },
                dedupe_key=f"comment-reply:{comment.pk}",
            )
    _notify_mentions(comment, skip_user_ids={parent.author_id} if parent is not None else set())
    return comment


def _notify_mentions(comment: Comment, *, skip_user_ids: set) -> None:
    campaign, author = comment.campaign, comment.author
    handles = mention_handles(comment.body)
    if not handles:
        return
    people = (
        selectors.campaign_conversation_people(campaign=campaign)
        .exclude(pk__in=[author.pk, *skip_user_ids])
        .annotate(handle=handle_expression())
        .filter(handle__in=handles)
    )
    for person in people:
        with language_of(person):
            notify(
                recipient=person,
                kind=Kind.MENTION,
                context={
                    "title": gettext("%(name)s mentioned you on “%(title)s”")
                    % {"name": author.public_name, "title": campaign.title},
                    "body": plain_text(comment.body, limit=300),
                    "url": f"{campaign.get_absolute_url()}#comment-{comment.pk}",
                    "campaign_id": campaign.pk,
                    "actor": author.public_name,
                },
                dedupe_key=f"comment-mention:{comment.pk}:{person.pk}",
            )


def _require_author_in_window(comment: Comment, actor, what: str) -> None:
    if not policies.is_comment_author(actor, comment):
        raise PermissionDenied(
            gettext("Only the author can edit this comment.")
            if what == "edit"
            else gettext("Only the author can delete this comment.")
        )
    if comment.is_removed:
        raise ValidationError(gettext("This comment was removed."), code="removed")
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        minutes = int(COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise ValidationError(
            ngettext(
                "Comments can be changed for %(minutes)d minute after posting.",
                "Comments can be changed for %(minutes)d minutes after posting.",
                minutes,
            )
            % {"minutes": minutes},
            code="window_closed",
        )


@transaction.atomic
def comment_edit(*, comment: Comment, actor, body: str) -> Comment:
    _require_author_in_window(comment, actor, "edit")
    body = _clean_comment_body(body)
    comment.body = body
    comment.body_html = render_with_mentions(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    _notify_mentions(comment, skip_user_ids=set())  # only names added by the edit: one notice each
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor) -> Comment:
    """Soft delete: the text goes, the row stays so replies keep their place."""
    _require_author_in_window(comment, actor, "delete")
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["deleted_at", "body", "body_html"])
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor, reason: str = "") -> Comment:
    """The campaign's organizer or a moderator hides a comment (kept for the audit trail)."""
    campaign = Campaign.objects.only("pk", "organizer_id").get(pk=comment.campaign_id)
    if not policies.user_can_hide_comments(actor, campaign):
        raise PermissionDenied(gettext("Only the organizer or a moderator can hide comments."))
    if comment.hidden_at is not None:
        raise Conflict(gettext("This comment is already hidden."), code="already_hidden")
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.save(update_fields=["hidden_at", "hidden_by"])
    moderation_action_record(moderator=actor, action="comment_hide", target=comment, reason=reason)
    return comment


@transaction.atomic
def comment_unhide(*, comment: Comment, moderator) -> Comment:
    require_moderator(moderator)
    comment.hidden_at = None
    comment.hidden_by = None
    comment.save(update_fields=["hidden_at", "hidden_by"])
    moderation_action_record(moderator=moderator, action="comment_restore", target=comment)
    return comment


REACTION_CHOICE_MESSAGE = gettext_lazy("Choose like, support or celebrate.")


def _reactable(comment: Comment, user) -> Comment:
    require_signed_in(user, gettext("Sign in to react."))
    comment = Comment.objects.select_related("campaign").get(pk=comment.pk)
    if not policies.can_view_comment(comment, user):
        raise PermissionDenied(gettext("You cannot see this comment."))
    if comment.is_removed:
        raise ValidationError(gettext("You cannot react to a deleted or hidden comment."), code="removed")
    return comment


def comment_reaction_add(*, user, comment: Comment, kind: str) -> CommentReaction:
    """React to a comment; reacting twice with the same kind keeps one reaction (a concurrent
    double click included: the unique constraint decides)."""
    if kind not in CommentReaction.Kind.values:
        raise ValidationError({"kind": REACTION_CHOICE_MESSAGE})
    comment = _reactable(comment, user)
    ratelimits.enforce_user(
        "comment_reaction_user", user, message=gettext("You are reacting very fast; please wait a minute.")
    )
    try:
        with transaction.atomic():
            reaction, _ = CommentReaction.objects.get_or_create(comment=comment, user=user, kind=kind)
    except IntegrityError:
        reaction = CommentReaction.objects.get(comment=comment, user=user, kind=kind)
    return reaction


@transaction.atomic
def comment_reaction_remove(*, user, comment: Comment, kind: str) -> None:
    """Take a reaction back; doing it twice is harmless."""
    require_signed_in(user, gettext("Sign in to react."))
    if kind not in CommentReaction.Kind.values:
        raise ValidationError({"kind": REACTION_CHOICE_MESSAGE})
    CommentReaction.objects.filter(comment=comment, user=user, kind=kind).delete()

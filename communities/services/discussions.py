"""Discussions: threads and their posts (with @mentions and reply notifications), reactions, and
the group moderators' pin, lock and hide. Who may do what is asked of communities.policies."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.markdown import plain_text
from causeweb.core.mentions import handle_expression, mention_handles, render_with_mentions
from causeweb.moderation.services import moderation_action_record
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from communities.models import Group, Membership, Post, Reaction, Thread
from communities.page_scopes import group_changed
from communities.services._common import (
    access_of,
    clean_text,
    in_language_of,
    notify_bulk_in_their_languages,
    require_moderator,
    require_participant,
    require_user,
)
from communities.services.site_moderation import site_moderator_action_record


def _mentioned_members(group: Group, body: str, *, exclude_user_id: int):
    """Members named by @handle, where the handle is the email's local part or the display name
    without spaces (`@amina`, `@AminaDiallo`), case-insensitively. Only members are notified."""
    handles = mention_handles(body)
    if not handles:
        return []
    by_email = Q()
    for handle in handles:
        by_email |= Q(user__email__istartswith=f"{handle}@")
    memberships = (
        Membership.objects.filter(group=group, user__is_active=True)
        .exclude(user_id=exclude_user_id)
        .annotate(handle=handle_expression("user__display_name"))
        .filter(by_email | Q(handle__in=handles))
        .select_related("user")
    )
    return [m.user for m in memberships]


def _notify_mentions(post: Post, group: Group) -> set[int]:
    notified = set()
    for member in _mentioned_members(group, post.body, exclude_user_id=post.author_id):
        with in_language_of(member):
            title = gettext("%(person)s mentioned you in “%(thread)s”") % {
                "person": post.author.public_name,
                "thread": post.thread.title,
            }
        notify(
            recipient=member,
            kind=Kind.MENTION,
            context={
                "title": title,
                "body": plain_text(post.body, 300),
                "url": post.get_absolute_url(),
                "group": group.name,
                "thread": post.thread.title,
                "actor": post.author.public_name,
            },
            dedupe_key=f"mention:{post.pk}:{member.pk}",
        )
        notified.add(member.pk)
    return notified


def _notify_participants(post: Post, group: Group, *, skip_user_ids: set[int]) -> None:
    """Everyone who wrote in the thread and is still a member hears of a new reply."""
    participant_ids = (
        Post.objects.filter(thread_id=post.thread_id, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    recipients = (
        get_user_model()
        .objects.filter(
            pk__in=participant_ids,
            is_active=True,
            group_memberships__group=group,
        )
        .exclude(pk__in={post.author_id, *skip_user_ids})
        .distinct()
    )
    notify_bulk_in_their_languages(
        recipients=recipients,
        kind=Kind.THREAD_REPLY,
        context=lambda: {
            "title": gettext("%(person)s replied in “%(thread)s”")
            % {"person": post.author.public_name, "thread": post.thread.title},
            "body": plain_text(post.body, 300),
            "url": post.get_absolute_url(),
            "group": group.name,
            "thread": post.thread.title,
            "actor": post.author.public_name,
        },
        dedupe_key=f"thread-reply:{post.pk}",
    )


@transaction.atomic
def thread_create(*, author, group: Group, title: str, body: str) -> Thread:
    """Members start a discussion: a title and an opening message (Markdown)."""
    require_participant(group, author)
    ratelimits.enforce_user(
        "thread_user", author, message=gettext("You have started many discussions recently; please wait.")
    )
    title = clean_text(title, field="title", label=gettext("The title"), max_length=160)
    body = clean_text(body, field="body", label=gettext("The message"), max_length=20_000)
    thread = Thread.objects.create(group=group, author=author, title=title)
    post = Post.objects.create(
        thread=thread, author=author, is_opening=True, body=body, body_html=render_with_mentions(body)
    )
    _notify_mentions(post, group)
    return thread


@transaction.atomic
def post_create(*, author, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """Reply to a thread, or to a reply (nested one level: a reply to a nested reply joins its branch)."""
    group = thread.group
    access = require_participant(group, author)
    ratelimits.enforce_user(
        "post_user", author, message=gettext("You are replying very fast; please wait a few minutes.")
    )
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if not access.can_see_thread(thread):
        raise PermissionDenied(gettext("This discussion was hidden by the group's moderators."))
    if not access.can_reply_in(thread):
        raise PermissionDenied(gettext("This discussion is locked."))
    body = clean_text(body, field="body", label=gettext("The reply"), max_length=20_000)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError(gettext("You can only reply to a message in the same discussion."))
        if parent.is_opening:
            parent = None  # replying to the opening message is a top-level reply
        elif parent.parent_id is not None:
            parent = Post.objects.get(pk=parent.parent_id)
    now = timezone.now()
    post = Post.objects.create(
        thread=thread, author=author, parent=parent, body=body, body_html=render_with_mentions(body)
    )
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    group_changed(thread.group_id)  # the thread's row on the group page
    post.thread = thread
    mentioned = _notify_mentions(post, group)
    _notify_participants(post, group, skip_user_ids=mentioned)
    return post


def _lock_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("thread__group", "author").get(pk=post.pk)


@transaction.atomic
def post_edit(*, actor, post: Post, body: str) -> Post:
    """Authors edit their own messages while they are members; an 'edited' mark shows."""
    post = _lock_post(post)
    access = require_participant(post.thread.group, actor)
    if post.author_id != actor.pk:
        raise PermissionDenied(gettext("You can only edit your own messages."))
    if post.is_deleted:
        raise Conflict(gettext("This message was deleted."), code="deleted")
    if post.is_hidden:
        raise PermissionDenied(gettext("This message was hidden by a moderator."))
    if not access.can_reply_in(post.thread):
        raise PermissionDenied(gettext("This discussion is locked."))
    body = clean_text(body, field="body", label=gettext("The message"), max_length=20_000)
    if body == post.body:
        return post
    post.body, post.body_html, post.edited_at = body, render_with_mentions(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _notify_mentions(post, post.thread.group)
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Authors delete their own messages; a tombstone keeps the discussion readable. Idempotent."""
    require_user(actor)
    post = _lock_post(post)
    if post.author_id != actor.pk:
        raise PermissionDenied(gettext("You can only delete your own messages (moderators hide messages instead)."))
    if post.is_deleted:
        return post
    post.body, post.body_html, post.deleted_at = "", "", timezone.now()
    post.save(update_fields=["body", "body_html", "deleted_at"])
    Reaction.objects.filter(post=post).delete()
    return post


@transaction.atomic
def post_set_hidden(*, actor, post: Post, hidden: bool, reason: str = "") -> Post:
    """Group moderators (and site staff) hide or restore a message; written to the audit log."""
    post = _lock_post(post)
    require_moderator(post.thread.group, actor, action="post_set_hidden")
    if post.is_hidden == hidden:
        return post
    post.is_hidden = hidden
    post.hidden_by = actor if hidden else None
    post.save(update_fields=["is_hidden", "hidden_by"])
    moderation_action_record(
        moderator=actor, action="group_post_hidden" if hidden else "group_post_restored", target=post, reason=reason
    )
    return post


def _thread_flag(*, actor, thread: Thread, field: str, value: bool, action: str) -> Thread:
    require_moderator(thread.group, actor, action=action)
    thread = Thread.objects.select_for_update(of=("self",)).select_related("group").get(pk=thread.pk)
    if getattr(thread, field) != value:
        setattr(thread, field, value)
        thread.save(update_fields=[field])
        moderation_action_record(moderator=actor, action=action, target=thread)
    return thread


@transaction.atomic
def thread_set_pinned(*, actor, thread: Thread, pinned: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_pinned",
        value=pinned,
        action="group_thread_pinned" if pinned else "group_thread_unpinned",
    )


@transaction.atomic
def thread_set_locked(*, actor, thread: Thread, locked: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_locked",
        value=locked,
        action="group_thread_locked" if locked else "group_thread_unlocked",
    )


@transaction.atomic
def thread_set_hidden(*, actor, thread: Thread, hidden: bool) -> Thread:
    return _thread_flag(
        actor=actor,
        thread=thread,
        field="is_hidden",
        value=hidden,
        action="group_thread_hidden" if hidden else "group_thread_restored",
    )


@transaction.atomic
def thread_edit(*, actor, thread: Thread, title: str) -> Thread:
    """The author (or a moderator) retitles a discussion."""
    require_user(actor)
    access = access_of(thread.group, actor)
    if not access.can_retitle(thread):
        raise PermissionDenied(gettext("Only the author or the group's moderators can retitle a discussion."))
    if thread.author_id != actor.pk:
        site_moderator_action_record(access, "thread_edit", target=thread)
    thread.title = clean_text(title, field="title", label=gettext("The title"), max_length=160)
    thread.save(update_fields=["title"])
    return thread


# --- reactions -------------------------------------------------------------------------------------


@transaction.atomic
def reaction_add(*, user, post: Post, kind: str) -> Reaction:
    """React to a message; reacting twice with the same kind keeps one reaction."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": gettext("Choose like, support or celebrate.")})
    post = Post.objects.select_related("thread__group").get(pk=post.pk)
    access = require_participant(post.thread.group, user)
    if post.is_deleted or post.is_hidden:
        raise ValidationError(gettext("You cannot react to a deleted or hidden message."))
    if not access.can_see_thread(post.thread):
        raise PermissionDenied(gettext("This discussion was hidden by the group's moderators."))
    try:
        with transaction.atomic():
            reaction, _ = Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    except IntegrityError:  # a concurrent double-click inserted it first
        reaction = Reaction.objects.get(post=post, user=user, kind=kind)
    return reaction


@transaction.atomic
def reaction_remove(*, user, post: Post, kind: str) -> None:
    """Take a reaction back; doing it twice is harmless."""
    require_user(user)
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": gettext("Choose like, support or celebrate.")})
    Reaction.objects.filter(post=post, user=user, kind=kind).delete()

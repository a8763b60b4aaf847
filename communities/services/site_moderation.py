"""Site staff in groups: whatever staff do or read in a group through `communities.moderate_any_group`
(not as its own moderators) leaves a row in the moderation audit log; and the hide/restore the
site's moderation queue calls when it upholds a flag on a group, a thread or a post."""

from django.utils import timezone

from causeweb.moderation.services import moderation_action_record
from communities.models import Group, Post, Thread
from communities.page_scopes import group_changed
from communities.policies import GroupAccess


def site_moderator_action_record(access: GroupAccess, action: str, target=None, reason: str = "") -> None:
    """Staff acting in a group through `communities.moderate_any_group` (not as its own moderators)
    leave a row in the moderation audit log, inside the transaction that makes the change."""
    if access.acts_as_site_moderator:
        moderation_action_record(
            moderator=access.user, action=f"site_group_{action}", target=target or access.group, reason=reason
        )


def site_moderator_read_record(*, access: GroupAccess, what: str, target=None, moderators_only: bool = False):
    """Staff reading a group through `communities.moderate_any_group` what its outsiders cannot (a
    private or by-request group's discussions and members, or moderator-only pages anywhere) leave
    an audit row, so privileged looks into private spaces are accountable like privileged changes."""
    if access.acts_as_site_moderator and (moderators_only or not access.group.is_public):
        moderation_action_record(moderator=access.user, action=f"site_group_view_{what}", target=target or access.group)


def post_hide_by_site_moderator(post: Post, *, moderator, reason: str = "") -> None:
    """Idempotent hide used when a site moderator upholds a flag (moderation writes the audit row)."""
    Post.objects.filter(pk=post.pk, is_hidden=False).update(is_hidden=True, hidden_by=moderator)
    group_changed(post.thread.group_id, thread_id=post.thread_id)


def post_restore_by_site_moderator(post: Post, *, moderator) -> None:
    Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_by=None)
    group_changed(post.thread.group_id, thread_id=post.thread_id)


def posts_visible_by_author(user):
    """What `user` wrote or created that is not hidden (hidden all at once on suspension)."""
    return Post.objects.filter(author=user, is_hidden=False)


def threads_visible_by_author(user):
    return Thread.objects.filter(author=user, is_hidden=False)


def groups_visible_by_creator(user):
    return Group.objects.filter(created_by=user, hidden_at__isnull=True)


def post_author(post: Post):
    return post.author


def thread_hide_by_site_moderator(thread: Thread, *, moderator, reason: str = "") -> None:
    """Idempotent; the same hide the group's own moderators use (only moderators see it)."""
    Thread.objects.filter(pk=thread.pk, is_hidden=False).update(is_hidden=True)
    group_changed(thread.group_id, thread_id=thread.pk)


def thread_restore_by_site_moderator(thread: Thread, *, moderator) -> None:
    Thread.objects.filter(pk=thread.pk).update(is_hidden=False)
    group_changed(thread.group_id, thread_id=thread.pk)


def thread_author(thread: Thread):
    return thread.author


def group_hide_by_site_moderator(group: Group, *, moderator, reason: str = "") -> None:
    """Idempotent: the group leaves every list and its pages 404 for all but its owners and site
    moderators (communities.policies.GroupAccess.can_view_group); nothing in it is deleted."""
    Group.objects.filter(pk=group.pk, hidden_at__isnull=True).update(hidden_at=timezone.now(), hidden_by=moderator)
    group_changed(group.pk)


def group_restore_by_site_moderator(group: Group, *, moderator) -> None:
    Group.objects.filter(pk=group.pk).update(hidden_at=None, hidden_by=None)
    group_changed(group.pk)


def group_author(group: Group):
    """Who answers for a group: the person who created it."""
    return group.created_by

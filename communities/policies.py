"""Who may do what in a group. One place, used by services (which enforce it), selectors (which
filter by it) and templates (which only show the buttons a person can use).

Being site staff (`is_staff`) gives no power inside groups. Staff who hold the explicit permission
`communities.moderate_any_group` (MODERATE_ANY_GROUP) act as moderators of every group, so they can
review flagged content anywhere; whatever they do there through that permission is written to the
moderation audit log (see communities.services and the group views). The owner-only powers
(roles, hand-over) stay with the group's owners.
"""

from dataclasses import dataclass

from communities.models import Group, Membership

MODERATE_ANY_GROUP = "communities.moderate_any_group"


def can_share_group(group: Group) -> bool:
    """Public and by-request groups have a page anyone can see, so they can be shared (and their
    share links followed); a private group does not exist for outsiders, so it cannot."""
    return not group.is_private


def is_site_group_moderator(user) -> bool:
    """Active staff with the explicit permission (superusers hold every permission)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(MODERATE_ANY_GROUP)
    )


@dataclass(frozen=True)
class GroupAccess:
    group: Group
    user: object | None
    membership: Membership | None
    is_banned: bool
    pending_request: bool = False
    requests_waiting: int = 0  # join requests waiting for the moderators (shown to them only)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and getattr(self.user, "is_authenticated", False))

    @property
    def is_site_moderator(self) -> bool:
        """Site staff holding `communities.moderate_any_group`; plain `is_staff` is not enough."""
        return self.is_authenticated and is_site_group_moderator(self.user)

    @property
    def is_group_moderator(self) -> bool:
        """An owner or moderator of this very group."""
        return bool(self.membership and self.membership.can_moderate)

    @property
    def acts_as_site_moderator(self) -> bool:
        """Moderator powers here come only from the site permission: what they do is audited."""
        return self.is_site_moderator and not self.is_group_moderator

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_owner(self) -> bool:
        return self.role == Membership.Role.OWNER

    @property
    def can_moderate(self) -> bool:
        return self.is_group_moderator or self.is_site_moderator

    @property
    def can_view_group(self) -> bool:
        """Private groups do not exist for outsiders (404), except through an invitation link; a
        group hidden by site moderators exists only for its owners and site moderators."""
        if self.group.hidden_at is not None:
            return self.is_owner or self.is_site_moderator
        return not self.group.is_private or self.is_member or self.is_site_moderator

    @property
    def can_read_discussions(self) -> bool:
        return self.group.is_public or self.is_member or self.is_site_moderator

    @property
    def can_participate(self) -> bool:
        """Start threads, reply, react: members in good standing whose account is active."""
        return self.is_member and not self.is_banned and bool(self.user.is_active)

    @property
    def can_see_hidden_threads(self) -> bool:
        """Discussions hidden by the moderators exist only for them (404 for everyone else)."""
        return self.can_moderate

    def can_see_thread(self, thread) -> bool:
        return not thread.is_hidden or self.can_see_hidden_threads

    def can_reply_in(self, thread) -> bool:
        """Participants write in open discussions; a locked one takes moderators' messages only."""
        return self.can_participate and (not thread.is_locked or self.can_moderate)

    def can_retitle(self, thread) -> bool:
        """The author while they take part, or a moderator."""
        return (self.is_authenticated and thread.author_id == self.user.pk and self.can_participate) or (
            self.can_moderate
        )

    def can_see_post(self, post) -> bool:
        """Whoever reads the group's discussions sees its posts; one in a hidden thread only the
        moderators, a hidden post the moderators and its author."""
        if not self.can_view_group or not self.can_read_discussions:
            return False
        if self.can_moderate:
            return True
        if not self.can_see_thread(post.thread):
            return False
        if post.is_hidden:
            return self.is_authenticated and post.author_id == self.user.pk
        return True

    def can_read_post_body(self, post) -> bool:
        """A hidden post's text is shown to moderators only (its author sees the tombstone)."""
        return not post.is_hidden or self.can_moderate

    @property
    def can_join_directly(self) -> bool:
        return self.is_authenticated and self.group.is_public and not self.is_member and not self.is_banned

    @property
    def can_request_to_join(self) -> bool:
        return (
            self.is_authenticated
            and self.group.visibility == Group.Visibility.REQUEST
            and not self.is_member
            and not self.is_banned
        )


def access_for(
    *, group: Group, user, membership: Membership | None, is_banned: bool, pending_request=False, requests_waiting=0
):
    return GroupAccess(
        group=group,
        user=user,
        membership=membership,
        is_banned=is_banned,
        pending_request=pending_request,
        requests_waiting=requests_waiting,
    )

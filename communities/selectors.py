"""Reads for community groups. Each page's reads run in a fixed number of queries whatever the
number of threads, posts, reactions or members (see tests/communities/test_views.py)."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from causeweb.core import replica
from causeweb.moderation.selectors import flag_counts_for
from communities.models import (
    Announcement,
    Ban,
    Group,
    GroupCampaign,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Reaction,
    Thread,
)
from communities.policies import GroupAccess, access_for

# --- groups ----------------------------------------------------------------------------------------


@replica.public_read
def group_list_featured(*, limit: int = 4):
    """Public groups for the home page, the liveliest first."""
    return list(
        Group.objects.filter(visibility=Group.Visibility.PUBLIC, hidden_at__isnull=True)
        .select_related("cause")
        .order_by("-member_count", "-created_at")[:limit]
    )


def group_list_for_campaign(*, campaign_id: int, limit: int = 5):
    """Groups that support a campaign, for the campaign page (private groups stay hidden)."""
    return list(
        Group.objects.filter(supported_campaigns__campaign_id=campaign_id, hidden_at__isnull=True)
        .exclude(visibility=Group.Visibility.PRIVATE)
        .select_related("cause")
        .order_by("-member_count", "name")[:limit]
    )


GROUP_NEAR_KM = 50


@replica.public_read
def group_search(
    *, query: str = "", cause_slug: str = "", place: str = "", near: tuple[float, float] | None = None
) -> QuerySet[Group]:
    """Browse: public and by-request groups (private groups never show), by name, cause and place:
    the place's text in the group's location, or, given the place's coordinates (`near`), a group
    located within about GROUP_NEAR_KM of them (a bounding box on the coordinates)."""
    groups = (
        Group.objects.exclude(visibility=Group.Visibility.PRIVATE)
        .filter(hidden_at__isnull=True)
        .select_related("cause")
    )
    query, place = (query or "").strip(), (place or "").strip()
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if cause_slug:
        groups = groups.filter(cause__slug=cause_slug)
    if place or near:
        matches = Q(location__icontains=place) if place else Q(pk__in=[])
        if near is not None:
            lat, lng = near
            lat_delta = GROUP_NEAR_KM / 111.0
            lng_delta = GROUP_NEAR_KM / max(111.0 * math.cos(math.radians(lat)), 1.0)
            matches |= Q(
                latitude__gte=lat - lat_delta,
                latitude__lte=lat + lat_delta,
                longitude__gte=lng - lng_delta,
                longitude__lte=lng + lng_delta,
            )
        groups = groups.filter(matches)
    return groups.order_by("-member_count", "name")


def group_list_for_user(*, user) -> list[Group]:
    """The groups someone belongs to, private ones included (shown only to them)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Group.objects.filter(memberships__user=user).select_related("cause").order_by("name"))


def group_get_by_slug(*, slug: str) -> Group | None:
    return Group.objects.select_related("cause").filter(slug=slug).first()


def group_access(*, group: Group, user) -> GroupAccess:
    """What `user` may do in `group`: one query for a visitor's nothing, one for a signed-in person."""
    if user is None or not getattr(user, "is_authenticated", False):
        return access_for(group=group, user=None, membership=None, is_banned=False)
    row = (
        Group.objects.filter(pk=group.pk)
        .annotate(
            banned=Exists(Ban.objects.filter(group=OuterRef("pk"), user=user)),
            pending=Exists(
                JoinRequest.objects.filter(group=OuterRef("pk"), user=user, status=JoinRequest.Status.PENDING)
            ),
            waiting=Coalesce(
                Subquery(
                    JoinRequest.objects.filter(group=OuterRef("pk"), status=JoinRequest.Status.PENDING)
                    .values("group")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .values("banned", "pending", "waiting")
        .first()
    ) or {"banned": False, "pending": False, "waiting": 0}
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is not None:
        membership.group = group
    return access_for(
        group=group,
        user=user,
        membership=membership,
        is_banned=row["banned"],
        pending_request=row["pending"],
        requests_waiting=row["waiting"],
    )


def group_visible_to(group: Group, user) -> bool:
    """Private groups do not exist for outsiders."""
    return group_access(group=group, user=user).can_view_group


def thread_visible_to(thread: Thread, user) -> bool:
    """A thread is seen by whoever reads the group's discussions; a hidden one by its moderators."""
    access = group_access(group=thread.group, user=user)
    return access.can_view_group and access.can_read_discussions and access.can_see_thread(thread)


def post_visible_to(post: Post, user) -> bool:
    """A post is seen by whoever reads the group's discussions; one in a hidden thread, or hidden
    itself, by the group's moderators (and a hidden post by its author)."""
    return group_access(group=post.thread.group, user=user).can_see_post(post)


def group_supported_campaigns(*, group: Group, limit: int = 6):
    return [
        link.campaign
        for link in GroupCampaign.objects.filter(group=group, campaign__status__in=["published", "closed"])
        .select_related("campaign", "campaign__cause")
        .order_by("-created_at")[:limit]
    ]


# --- members ---------------------------------------------------------------------------------------


def membership_list(*, group: Group) -> QuerySet[Membership]:
    """Owners, then moderators, then members, oldest first."""
    rank = Case(
        When(role=Membership.Role.OWNER, then=Value(0)),
        When(role=Membership.Role.MODERATOR, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(group=group).select_related("user").annotate(rank=rank).order_by("rank", "joined_at")
    )


def ban_list(*, group: Group) -> QuerySet[Ban]:
    return Ban.objects.filter(group=group).select_related("user", "banned_by").order_by("-created_at")


def join_request_list_pending(*, group: Group) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(group=group, status=JoinRequest.Status.PENDING).select_related("user")


def invitation_list(*, group: Group) -> QuerySet[Invitation]:
    return Invitation.objects.filter(group=group).select_related("created_by").order_by("-created_at")


def announcement_list(*, group: Group, limit: int = 10) -> list[Announcement]:
    return list(Announcement.objects.filter(group=group).select_related("author").order_by("-created_at")[:limit])


def invitation_get(*, token: str) -> Invitation | None:
    return Invitation.objects.filter(token=token).select_related("group", "group__cause").first()


# --- discussions -----------------------------------------------------------------------------------


def thread_list_for_group(*, group: Group, access: GroupAccess) -> QuerySet[Thread]:
    """Threads with their author and reply count; moderators also see hidden ones."""
    threads = Thread.objects.filter(group=group).select_related("author", "group")
    if not access.can_see_hidden_threads:
        threads = threads.filter(is_hidden=False)
    return threads.order_by("-is_pinned", "-last_activity_at", "-id")


def thread_get(*, group: Group, thread_id: int, access: GroupAccess) -> Thread | None:
    thread = Thread.objects.filter(group=group, pk=thread_id).select_related("author").first()
    if thread is None or not access.can_see_thread(thread):
        return None
    thread.group = group
    return thread


# A thread is read a page of top-level replies at a time, each with its nested replies, so the
# page's cost is that of one page however long the discussion grows.
REPLIES_PER_PAGE = 50


@dataclass
class ThreadPage:
    """One page of a thread: the opening post (on every page, it says what the thread is about),
    `replies` (top-level, oldest first, each with `.nested_replies`) and `page` (a Django `Page` of
    the top-level replies, for the page links)."""

    opening: Post | None
    replies: list[Post]
    page: Page


def _top_level_replies(thread: Thread) -> QuerySet[Post]:
    # Served in order by the partial index communities_post_thread_top.
    return Post.objects.filter(thread=thread, is_opening=False, parent__isnull=True).order_by("created_at", "id")


def thread_page(*, thread: Thread, user, number=1, with_flags: bool = False) -> ThreadPage:
    """Page `number` of the thread (a missing or bad number reads as the first page, one past the
    end as the last), each post with `.reaction_summary` ([(kind, label, count, mine)]) and
    `.flag_count` (moderators), `number="last"` for the last page: six queries whatever the
    thread's length (seven with the flags)."""
    paginator = Paginator(_top_level_replies(thread).select_related("author"), REPLIES_PER_PAGE)
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    replies = list(page.object_list)
    opening = Post.objects.filter(thread=thread, is_opening=True).select_related("author").first()
    nested = list(
        Post.objects.filter(parent_id__in=[reply.pk for reply in replies])
        .select_related("author")
        .order_by("created_at", "id")
    )
    posts = ([opening] if opening else []) + replies + nested
    posts_with_reactions(posts=posts, thread=thread, user=user)
    flags = flag_counts_for(model=Post, object_ids=[post.pk for post in posts]) if with_flags and posts else {}
    by_id = {}
    for post in posts:
        post.nested_replies = []
        post.flag_count = flags.get(post.pk, 0)
        by_id[post.pk] = post
    for post in nested:
        by_id[post.parent_id].nested_replies.append(post)
    return ThreadPage(opening=opening, replies=replies, page=page)


def thread_page_number_of(*, post: Post) -> int:
    """The page of its thread a post is shown on: its own (a top-level reply), its parent's (a
    nested one), or the first (the opening post)."""
    if post.is_opening:
        return 1
    root = post if post.parent_id is None else Post.objects.only("created_at").get(pk=post.parent_id)
    # `<=` then the exclusion (not an OR of the two): a range the index can read.
    earlier = (
        _top_level_replies(post.thread)
        .filter(created_at__lte=root.created_at)
        .exclude(created_at=root.created_at, id__gte=root.pk)
    )
    return earlier.count() // REPLIES_PER_PAGE + 1


def thread_post_queryset(*, thread: Thread) -> QuerySet[Post]:
    """Every post of the thread (the opening one first), for cursor pages: the API's
    `GET /threads/{id}/posts/`, where a long thread is read a page at a time; ordered by the
    cursor (created_at, id) on the (thread, created_at) index."""
    return Post.objects.filter(thread=thread).select_related("author")


def posts_with_reactions(*, posts: list[Post], thread: Thread, user) -> list[Post]:
    """`.reaction_summary` on each post of one page: two queries whatever the page holds."""
    ids = [post.pk for post in posts]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in Reaction.objects.filter(post_id__in=ids).values("post_id", "kind").annotate(n=Count("id")):
        counts[row["post_id"]][row["kind"]] = row["n"]
    mine: dict[int, set[str]] = defaultdict(set)
    if ids and getattr(user, "is_authenticated", False):
        for post_id, kind in Reaction.objects.filter(post_id__in=ids, user=user).values_list("post_id", "kind"):
            mine[post_id].add(kind)
    for post in posts:
        post.thread = thread
        post.reaction_summary = reaction_summary(counts.get(post.pk, {}), mine.get(post.pk, set()))
    return posts


def reaction_summary(counts: dict[str, int], mine: set[str]) -> list[tuple[str, str, int, bool]]:
    return [(kind, label, counts.get(kind, 0), kind in mine) for kind, label in Reaction.Kind.choices]


def post_reaction_summary(*, post: Post, user) -> list[tuple[str, str, int, bool]]:
    counts = dict(Reaction.objects.filter(post=post).values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    mine = set()
    if getattr(user, "is_authenticated", False):
        mine = set(Reaction.objects.filter(post=post, user=user).values_list("kind", flat=True))
    return reaction_summary(counts, mine)


def post_get(*, group: Group, post_id: int) -> Post | None:
    post = Post.objects.filter(pk=post_id, thread__group=group).select_related("thread", "author").first()
    if post is not None:
        post.thread.group = group
    return post


def group_flagged_posts(*, group: Group) -> list[Post]:
    """Posts in this group with open flags, most flagged first, for the group's moderators."""
    post_ids = list(Post.objects.filter(thread__group=group).values_list("pk", flat=True))
    counts = flag_counts_for(model=Post, object_ids=post_ids) if post_ids else {}
    posts = list(Post.objects.filter(pk__in=list(counts)).select_related("thread", "author"))
    for post in posts:
        post.flag_count = counts[post.pk]
        post.thread.group = group
    posts.sort(key=lambda p: (-p.flag_count, -p.pk))
    return posts


def group_list_hostable_by(*, user, include_group_id: int | None = None) -> QuerySet[Group]:
    """Groups a person may host events for (they own or moderate it), plus a group already chosen."""
    moderated = Q(memberships__user=user, memberships__role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR])
    current = Q(pk=include_group_id) if include_group_id else Q(pk__in=[])
    return Group.objects.filter(moderated | current).distinct().order_by("name")


def join_request_pending_for(*, group: Group, user) -> JoinRequest | None:
    return JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.Status.PENDING).first()


def membership_list_for_user(*, user) -> list[Membership]:
    """Someone's memberships with their role, private groups included (shown only to them)."""
    return list(Membership.objects.filter(user=user).select_related("group").order_by("group__name"))


def group_list_public_for_member(*, user, limit: int = 20) -> list[Group]:
    """The public groups (anyone can join, not hidden by moderators) someone belongs to, for their
    public profile: never a private or by-request group, whose member list is not public."""
    return list(
        Group.objects.filter(
            memberships__user=user, visibility=Group.Visibility.PUBLIC, hidden_at__isnull=True
        ).order_by("name")[:limit]
    )


def group_mentionable_people(*, group: Group):
    """Who can be @mentioned in a group's discussions: its active members."""
    return get_user_model().objects.filter(group_memberships__group=group, is_active=True)

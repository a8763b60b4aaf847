"""Reads for campaigns, each with the joins and prefetches its page needs, so a page runs in a
constant number of queries however many campaigns, comments, signatures or updates there are."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns import content_selectors, page_scopes, policies
from campaigns.comment_selectors import with_comment_reactions
from campaigns.models import (
    Campaign,
    CampaignRevision,
    CampaignUpdate,
    Cause,
    Comment,
    Follow,
    ShareClick,
    ShareLink,
    Signature,
    Tag,
    WebhookDelivery,
    WebhookEndpoint,
)
from campaigns.services.sharing import REFERRAL_SESSION_KEY
from causeweb.core import page_cache, replica
from causeweb.moderation.selectors import flag_totals_for

PUBLIC_STATUSES = (Campaign.Status.PUBLISHED, Campaign.Status.CLOSED)
COMMENTS_ON_PAGE = 50
SORTS = {
    "trending": _("Trending"),
    "newest": _("Newest"),
    "supported": _("Most supported"),
    "closing": _("Closing soon"),
}


def _card_queryset() -> QuerySet[Campaign]:
    """Cards show the version in the visitor's language (content_selectors.with_shown_language)."""
    queryset = Campaign.objects.select_related("cause").only(
        "id",
        "slug",
        "title",
        "summary",
        "cover",
        "cover_alt",
        "status",
        "won_at",
        "signature_count",
        "petition_target",
        "goal_minor",
        "currency",
        "location",
        "deadline",
        "published_at",
        "cause__id",
        "cause__name",
        "cause__slug",
        "language",
    )
    return content_selectors.with_shown_language(queryset)


@replica.public_read
def campaign_list_featured(*, limit: int = 6):
    """Open campaigns for the home page ("gaining support"): the most recent activity first."""
    return campaign_search(status="open", sort="trending")[:limit]


def campaign_get_public(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug, status__in=PUBLIC_STATUSES).select_related("cause", "organizer").first()


def campaign_public_exists(*, campaign_id: int) -> bool:
    return Campaign.objects.filter(pk=campaign_id, status__in=PUBLIC_STATUSES).exists()


@replica.public_read
def campaign_search(
    *,
    query: str = "",
    cause_slug: str = "",
    tag_slug: str = "",
    location: str = "",
    status: str = "",
    sort: str = "",
) -> QuerySet[Campaign]:
    """The public browse page: full-text search (ranked on Postgres), filters and sorts.
    `status` is "open" (published), "closed", "won" (the decision-maker said yes) or "" for all.
    With a query and no explicit sort the best matches come first."""
    queryset = _card_queryset()
    if status == "open":
        queryset = queryset.filter(status=Campaign.Status.PUBLISHED)
    elif status == "closed":
        queryset = queryset.filter(status=Campaign.Status.CLOSED)
    elif status == "won":
        queryset = queryset.filter(status__in=PUBLIC_STATUSES, won_at__isnull=False)
    else:
        queryset = queryset.filter(status__in=PUBLIC_STATUSES)
    if cause_slug:
        queryset = queryset.filter(cause__slug=cause_slug)
    if tag_slug:
        queryset = queryset.filter(tags__slug=tag_slug)
    if location.strip():
        queryset = queryset.filter(location__icontains=location.strip())
    query = " ".join(query.split())[:200]
    if query:
        queryset = content_selectors.full_text_search(queryset, query)
    if sort not in SORTS:
        sort = "relevance" if query else "trending"
    if sort == "relevance":
        return queryset.order_by("-search_rank", "-published_at", "-id")
    if sort == "newest":
        return queryset.order_by("-published_at", "-id")
    if sort == "supported":
        return queryset.order_by("-signature_count", "-published_at", "-id")
    if sort == "closing":
        # Open campaigns with a future deadline first (soonest first), then the rest.
        upcoming = Case(
            When(status=Campaign.Status.PUBLISHED, deadline__gt=timezone.now(), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return queryset.annotate(closing_group=upcoming).order_by(
            "closing_group", F("deadline").asc(nulls_last=True), "-published_at", "-id"
        )
    # trending: the precomputed score (campaigns.services.trending), then the latest activity;
    # the order of the `campaign_trending` index.
    return queryset.order_by("-trending_score", F("last_activity_at").desc(nulls_last=True), "-published_at", "-id")


def cause_list() -> QuerySet[Cause]:
    return Cause.objects.order_by("name")


def tag_list_in_use(*, limit: int = 30) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(campaigns__status__in=PUBLIC_STATUSES)
        .annotate(n=Count("campaigns"))
        .order_by("-n", "name")[:limit]
    )


def tag_cloud(*, limit: int = 30) -> list[Tag]:
    """`tag_list_in_use`, which aggregates over every public campaign's tags (10-38 ms at
    production size), kept in the page cache until a campaign or its tags change."""
    return page_cache.cached_value(
        f"tag-cloud:{limit}", scopes=[page_scopes.TAG_CLOUD_SCOPE], compute=lambda: list(tag_list_in_use(limit=limit))
    )


@dataclass
class CampaignPage:
    """Everything the campaign page shows besides the other apps' panels."""

    campaign: Campaign
    updates: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    comment_total: int = 0
    comment_page: object = None  # a Paginator page of top-level comments
    more_updates: bool = False
    recent_signers: list = field(default_factory=list)
    is_following: bool = False
    my_signature: Signature | None = None


def _comment_prefetch():
    replies = Prefetch(
        "replies",
        queryset=Comment.objects.select_related("author").order_by("created_at", "id"),
        to_attr="reply_list",
    )
    return (
        Comment.objects.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(replies)
        .order_by("-created_at", "-id")
    )


def comment_queryset_for_campaign(*, campaign: Campaign) -> QuerySet[Comment]:
    """Every top-level comment, newest first, each with its replies (oldest first), for a
    paginator: two queries a page."""
    return _comment_prefetch().filter(campaign=campaign)


def comment_list_for_campaign(*, campaign: Campaign, limit: int = COMMENTS_ON_PAGE) -> list[Comment]:
    """Latest top-level comments with their replies (oldest first): two queries."""
    return list(_comment_prefetch().filter(campaign=campaign)[:limit])


UPDATES_ON_PAGE = 5


def campaign_page(*, campaign: Campaign, viewer=None, comment_page=1) -> CampaignPage:
    """The campaign page's reads: fixed number of queries (tags, updates, comment count, a page of
    comments + their replies, signers, and two for the viewer when signed in)."""
    tags = list(campaign.tags.all())
    campaign._prefetched_objects_cache = {"tags": tags}  # noqa: SLF001 - reuse for the template
    updates = list(campaign_updates(campaign=campaign)[: UPDATES_ON_PAGE + 1])
    comments_page = Paginator(_comment_prefetch().filter(campaign=campaign), COMMENTS_ON_PAGE).get_page(comment_page)
    comments = with_comment_reactions(list(comments_page.object_list), viewer=viewer)
    comment_total = comments_page.paginator.count
    recent_signers = list(
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False, is_public=True)
        .only("name", "comment", "confirmed_at", "campaign_id")
        .order_by("-confirmed_at", "-id")[:10]
    )
    page = CampaignPage(
        campaign=campaign,
        updates=updates[:UPDATES_ON_PAGE],
        more_updates=len(updates) > UPDATES_ON_PAGE,
        comments=comments,
        comment_total=comment_total,
        comment_page=comments_page,
        recent_signers=recent_signers,
    )
    if getattr(viewer, "is_authenticated", False):
        page.is_following = Follow.objects.filter(campaign=campaign, user=viewer).exists()
        page.my_signature = Signature.objects.filter(campaign=campaign, email__iexact=viewer.email).first()
    return page


def campaign_get_for_manager(*, slug: str, user) -> Campaign | None:
    """Any status, for the organizer (and moderators): edit, preview, signatures export."""
    campaign = Campaign.objects.filter(slug=slug).select_related("cause", "organizer").prefetch_related("tags").first()
    if campaign is None or not policies.user_can_manage(user, campaign):
        return None
    return campaign


def campaign_get_for_signature_export(*, slug: str, user) -> Campaign | None:
    """The campaign whose signatures `user` may download, or None (the view answers 404)."""
    campaign = Campaign.objects.filter(slug=slug).select_related("organizer").first()
    if campaign is None or not policies.can_export_signatures(user, campaign):
        return None
    return campaign


def campaign_list_for_organizer(*, user) -> QuerySet[Campaign]:
    return _card_queryset().filter(organizer=user).order_by("-created_at")


def campaign_list_public_by_organizer(*, user, limit: int = 20) -> list[Campaign]:
    """The live or closed campaigns someone started, newest first (their public profile)."""
    return list(
        Campaign.objects.filter(organizer=user, status__in=PUBLIC_STATUSES)
        .only("id", "slug", "title", "status", "won_at", "published_at")
        .order_by("-published_at", "-pk")[:limit]
    )


def campaign_list_pending_review() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(status=Campaign.Status.PENDING_REVIEW)
        .select_related("cause", "organizer")
        .order_by("submitted_at")
    )


@dataclass
class CampaignReview:
    """What a moderator weighs before approving: the organizer's record and unreviewed edits."""

    account_age_days: int
    history: list[Campaign]  # every campaign of the organizer, this one included, with .flags
    revisions: list[CampaignRevision]


def campaign_review(*, campaign: Campaign) -> CampaignReview:
    """Three queries: the organizer's campaigns, their flags by status, the unreviewed edits."""
    history = list(Campaign.objects.filter(organizer_id=campaign.organizer_id).order_by("-created_at")[:50])
    flags = flag_totals_for(model=Campaign, object_ids=[past.pk for past in history])
    for past in history:
        past.flags = flags.get(past.pk, {"open": 0, "upheld": 0, "dismissed": 0, "total": 0})
    revisions = list(campaign.revisions.filter(reviewed_at__isnull=True).select_related("editor"))
    joined = campaign.organizer.date_joined
    return CampaignReview(account_age_days=(timezone.now() - joined).days, history=history, revisions=revisions)


def campaign_updates(*, campaign: Campaign) -> QuerySet[CampaignUpdate]:
    """The campaign's news as the public sees it: updates hidden by moderators are left out."""
    return CampaignUpdate.objects.filter(campaign=campaign, hidden_at__isnull=True).order_by("-created_at", "-id")


def signature_queryset_for_export(*, campaign: Campaign) -> QuerySet[Signature]:
    """All signatures (confirmed and not), oldest first: the organizer's CSV and its JSON twin."""
    return Signature.objects.filter(campaign=campaign).select_related("share_link").order_by("created_at", "id")


def signature_list_for_export(*, campaign: Campaign):
    """All signatures for the organizer's CSV, streamed in chunks."""
    return signature_queryset_for_export(campaign=campaign).iterator(chunk_size=2000)


def signature_list_for_user(*, user) -> QuerySet[Signature]:
    """The petitions someone signed while signed in, or as a guest with their account's address and
    confirmed from that mailbox (an unconfirmed guest signature may be anyone's typing), newest first."""
    return (
        Signature.objects.filter(Q(user=user) | Q(email__iexact=user.email, confirmed_at__isnull=False))
        .select_related("campaign")
        .order_by("-created_at", "-id")
    )


def signature_get(*, signature_id: int, campaign: Campaign) -> Signature | None:
    return Signature.objects.filter(pk=signature_id, campaign=campaign).first()


def comment_get(*, comment_id: int, campaign: Campaign) -> Comment | None:
    return Comment.objects.filter(pk=comment_id, campaign=campaign).select_related("author").first()


def share_link_get_by_code(*, code: str) -> ShareLink | None:
    """A live share link: to a public campaign, or to a target its app still lets be shared."""
    share_link = (
        ShareLink.objects.filter(Q(campaign__status__in=PUBLIC_STATUSES) | Q(target_type__isnull=False), code=code)
        .select_related("campaign", "target_type")
        .first()
    )
    if share_link is None or share_link.campaign_id:
        return share_link
    target = share_link.target
    return share_link if target is not None and policies.share_target_is_shareable(target) else None


def share_stats_for_target(*, target) -> dict:
    """Clicks by channel and by sharer on the share links to an event or a group (3 queries)."""
    target_type = ContentType.objects.get_for_model(target)
    links_of_target = ShareLink.objects.filter(target_type=target_type, target_id=target.pk)
    counts = dict(
        ShareClick.objects.filter(share_link__in=links_of_target)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    links = list(links_of_target.select_related("created_by").order_by("-click_count", "id")[:20])
    return {
        "clicks_by_channel": counts,
        "channels": [(label, counts.get(value, 0)) for value, label in ShareLink.Channel.choices],
        "clicks": sum(counts.values()),
        "links": links,
    }


def share_stats(*, campaign: Campaign) -> dict:
    """Clicks by channel, by sharer, and signatures brought by shares, for the organizer (4 queries)."""
    counts = dict(
        ShareClick.objects.filter(share_link__campaign=campaign)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    referred = Signature.objects.filter(campaign=campaign, share_link__isnull=False, confirmed_at__isnull=False).count()
    links = list(
        ShareLink.objects.filter(campaign=campaign)
        .select_related("created_by")
        .annotate(signatures_brought=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False)))
        .order_by("-click_count", "id")[:20]
    )
    return {
        "clicks_by_channel": counts,
        "channels": [(label, counts.get(value, 0)) for value, label in ShareLink.Channel.choices],
        "clicks": sum(counts.values()),
        "referred_signatures": referred,
        "links": links,
    }


def referral_share_link_id(*, session, campaign_id: int) -> int | None:
    """The share link that brought this visitor to the campaign (kept in the session when they
    clicked /s/<code>), so fundraising and events can attribute a donation or RSVP to it."""
    if session is None:
        return None
    value = (session.get(REFERRAL_SESSION_KEY) or {}).get(str(campaign_id))
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def campaign_list_published_for_choices() -> QuerySet[Campaign]:
    """Published campaigns by title, for other apps' "link to a campaign" fields."""
    return Campaign.objects.filter(status=Campaign.Status.PUBLISHED).only("id", "title", "slug").order_by("title")


def signature_list_for_supporter(*, user, limit: int = 20) -> list[Signature]:
    """A signed-in person's signatures, newest first, on campaigns the public can still see."""
    return list(
        Signature.objects.filter(user=user, campaign__status__in=PUBLIC_STATUSES)
        .select_related("campaign")
        .order_by("-created_at", "-id")[:limit]
    )


def campaign_list_followed_by(*, user, limit: int = 50) -> list[Campaign]:
    return list(
        Campaign.objects.filter(follows__user=user, status__in=PUBLIC_STATUSES).order_by("-follows__created_at", "-id")[
            :limit
        ]
    )


def campaign_conversation_people(*, campaign: Campaign):
    """Who is in a campaign's conversation (and so can be @mentioned there): the organizer and
    everyone with a live comment on it."""
    commenters = Comment.objects.filter(campaign=campaign, deleted_at__isnull=True, hidden_at__isnull=True)
    return get_user_model().objects.filter(
        Q(pk=campaign.organizer_id) | Q(pk__in=commenters.values("author_id")), is_active=True
    )


def campaign_review_counts() -> dict[str, int]:
    """For the admin dashboard: campaigns waiting for review, live campaigns' unreviewed edits."""
    return {
        "pending": Campaign.objects.filter(status=Campaign.Status.PENDING_REVIEW).count(),
        "edits": CampaignRevision.objects.filter(reviewed_at__isnull=True, resubmitted=False).count(),
    }


def webhook_endpoint_list(*, campaign: Campaign) -> QuerySet[WebhookEndpoint]:
    """A campaign's webhooks, the working ones first (the organizer's settings page and the API)."""
    return WebhookEndpoint.objects.filter(campaign=campaign).order_by("-is_active", "-created_at", "-id")


def webhook_endpoint_list_for_organizer(*, user) -> QuerySet[WebhookEndpoint]:
    return (
        WebhookEndpoint.objects.filter(campaign__organizer=user)
        .select_related("campaign")
        .order_by("-is_active", "-created_at", "-id")
    )


def webhook_delivery_list(*, campaign: Campaign | None = None, endpoint: WebhookEndpoint | None = None):
    """Deliveries, newest first, with their endpoint (status, attempts, last answer)."""
    deliveries = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-id")
    if endpoint is not None:
        return deliveries.filter(endpoint=endpoint)
    return deliveries.filter(endpoint__campaign=campaign)

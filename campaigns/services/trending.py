"""The trending score: confirmed signatures and comments of the last week, per campaign.

The campaign list sorts by `Campaign.trending_score` (an index read in order) instead of counting
each campaign's recent rows on every request. The score moves in two ways:

- `trending_count_activity`: +1 in the same transaction as a confirmed signature or a new comment,
  so new activity shows at once;
- `campaign_trending_refresh`: the exact count over the window, recomputed by the periodic task
  `campaigns.tasks.refresh_trending_scores`, so activity older than the window ages out.

A campaign published in the last `TRENDING_NEW_CAMPAIGN_DAYS` also gets
`TRENDING_NEW_CAMPAIGN_BOOST` points: with a score of 0 a newly approved campaign would sort after
every campaign with any activity, off the first page of the default list, before anyone could see it
to sign.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign, Comment, Signature
from causeweb.core import page_cache

TRENDING_WINDOW = timedelta(days=7)
SCORED_STATUSES = (Campaign.Status.PUBLISHED, Campaign.Status.CLOSED)


def trending_score_expression(*, since, now):
    """Confirmed signatures + live comments since `since`, plus the new-campaign boost, for the
    campaign of the outer row."""
    recent_signatures = (
        Signature.objects.filter(campaign=OuterRef("pk"), confirmed_at__gte=since)
        .order_by()
        .values("campaign")
        .annotate(n=Count("id"))
        .values("n")
    )
    recent_comments = (
        Comment.objects.filter(campaign=OuterRef("pk"), created_at__gte=since, deleted_at__isnull=True)
        .order_by()
        .values("campaign")
        .annotate(n=Count("id"))
        .values("n")
    )
    new_campaign_boost = Case(
        When(published_at__gte=now - new_campaign_window(), then=Value(settings.TRENDING_NEW_CAMPAIGN_BOOST)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Coalesce(Subquery(recent_signatures, output_field=IntegerField()), Value(0))
        + Coalesce(Subquery(recent_comments, output_field=IntegerField()), Value(0))
        + new_campaign_boost
    )


def new_campaign_window() -> timedelta:
    return timedelta(days=settings.TRENDING_NEW_CAMPAIGN_DAYS)


def trending_welcome(*, campaign_id: int) -> None:
    """A campaign just published starts with the new-campaign boost (call in the approving
    transaction); the periodic refresh takes it away once the campaign is no longer new."""
    Campaign.objects.filter(pk=campaign_id).update(
        trending_score=F("trending_score") + settings.TRENDING_NEW_CAMPAIGN_BOOST
    )


def trending_count_activity(*, campaign_id: int) -> None:
    """One more unit of recent activity (call inside the transaction that adds the row)."""
    Campaign.objects.filter(pk=campaign_id).update(trending_score=F("trending_score") + 1)


@transaction.atomic
def campaign_trending_refresh(*, now=None) -> int:
    """Recompute every public campaign's score exactly; campaigns no longer public drop to 0.
    Idempotent; returns the number of public campaigns scored."""
    now = now or timezone.now()
    Campaign.objects.exclude(status__in=SCORED_STATUSES).exclude(trending_score=0).update(trending_score=0)
    page_cache.changed("campaigns")  # the lists' trending order
    return Campaign.objects.filter(status__in=SCORED_STATUSES).update(
        trending_score=trending_score_expression(since=now - TRENDING_WINDOW, now=now)
    )

"""The campaign dashboard's figures in one place: activity, funnel, funding vs goal, attribution."""

from itertools import accumulate

from django.db.models import Sum

from campaigns.models import Campaign
from fundraising.models import Donation, Pledge
from insights.selectors.activity import DateRange, campaign_activity, campaign_funnel
from insights.selectors.attribution import campaign_attribution


def campaign_for_insights(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).select_related("organizer").first()


def _raised_before(*, campaign_id: int, period: DateRange) -> int:
    start, _end = period.bounds()
    given = Donation.objects.filter(
        campaign_id=campaign_id, state__in=Donation.PAID_STATES, pledge__isnull=True, succeeded_at__lt=start
    ).aggregate(total=Sum("amount_minor"))["total"]
    pledged = Pledge.objects.filter(
        campaign_id=campaign_id, state__in=Pledge.COUNTED_STATES, created_at__lt=start
    ).aggregate(total=Sum("amount_minor"))["total"]
    return (given or 0) + (pledged or 0)


def campaign_dashboard(*, campaign: Campaign, period: DateRange) -> dict:
    """Everything the dashboard shows, in a bounded number of queries (about 20, whatever the data)."""
    activity = campaign_activity(campaign_id=campaign.pk, period=period)
    series = activity["series"]
    daily_raised = [
        given + pledged for given, pledged in zip(series["donated_minor"], series["pledged_minor"], strict=True)
    ]
    before = _raised_before(campaign_id=campaign.pk, period=period)
    return {
        "activity": activity,
        "funding": [before + total for total in accumulate(daily_raised)],
        "goal_minor": campaign.goal_minor,
        "funnel": campaign_funnel(campaign_id=campaign.pk, period=period),
        "attribution": campaign_attribution(campaign_id=campaign.pk, period=period),
    }

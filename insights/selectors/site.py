"""Site-wide figures for staff: the same totals across every campaign, and the campaigns growing
fastest this week (signatures in the last 7 days against the 7 before)."""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from campaigns.models import Campaign, ShareClick, Signature
from events.models import RSVP
from fundraising.models import Donation, Pledge
from insights.models import CampaignDailyViews
from insights.selectors.activity import DateRange


def site_totals(*, period: DateRange) -> dict:
    """Totals across all campaigns in the period: six queries."""
    start, end = period.bounds()
    paid = Donation.objects.filter(state__in=Donation.PAID_STATES, pledge__isnull=True)
    donations = paid.filter(succeeded_at__gte=start, succeeded_at__lt=end).aggregate(
        n=Count("id"), amount=Sum("amount_minor")
    )
    pledges = Pledge.objects.filter(
        state__in=Pledge.COUNTED_STATES, created_at__gte=start, created_at__lt=end
    ).aggregate(n=Count("id"))
    rsvps = RSVP.objects.filter(event__campaign__isnull=False).aggregate(
        rsvps=Count("id", filter=Q(status__in=RSVP.ACTIVE_STATUSES, created_at__gte=start, created_at__lt=end)),
        check_ins=Count("id", filter=Q(checked_in_at__gte=start, checked_in_at__lt=end)),
    )
    return {
        "page_views": CampaignDailyViews.objects.filter(day__range=(period.start, period.end)).aggregate(
            n=Sum("views")
        )["n"]
        or 0,
        "share_clicks": ShareClick.objects.filter(
            share_link__campaign__isnull=False, day__range=(period.start, period.end)
        ).count(),
        "signatures": Signature.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end).count(),
        "donations": donations["n"],
        # Amounts in different currencies are not added up: the count is site-wide, amounts are per campaign.
        "pledges": pledges["n"],
        "rsvps": rsvps["rsvps"],
        "check_ins": rsvps["check_ins"],
    }


def fastest_growing_campaigns(*, limit: int = 10, now=None) -> list[Campaign]:
    """Published campaigns ranked by signatures gained in the last 7 days minus the 7 before (then
    by the last 7 days), each annotated with `this_week` and `last_week`. One query."""
    now = now or timezone.now()
    week_ago, two_weeks_ago = now - timedelta(days=7), now - timedelta(days=14)
    return list(
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED)
        .annotate(
            this_week=Count("signatures", filter=Q(signatures__confirmed_at__gte=week_ago)),
            last_week=Count(
                "signatures",
                filter=Q(signatures__confirmed_at__gte=two_weeks_ago, signatures__confirmed_at__lt=week_ago),
            ),
        )
        .filter(this_week__gt=0)
        .annotate(growth=F("this_week") - F("last_week"))
        .order_by("-growth", "-this_week", "id")
        .only("pk", "title", "slug")[:limit]
    )

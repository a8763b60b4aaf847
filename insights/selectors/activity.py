"""A campaign's activity per day and the funnel, each figure one grouped SQL query (the number of
queries does not grow with the data). Days are in the site's time zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Comment, Follow, ShareClick, Signature
from events.models import RSVP
from fundraising.models import Donation, Pledge
from insights.models import CampaignDailyViews

SERIES = (
    "page_views",
    "share_clicks",
    "signatures",
    "donations",
    "donated_minor",
    "pledges",
    "pledged_minor",
    "rsvps",
    "check_ins",
    "follows",
    "comments",
)


@dataclass(frozen=True)
class DateRange:
    """Inclusive days [start, end]."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) as aware datetimes, for index-friendly filters."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def _per_day(queryset, stamp: str, **aggregates) -> dict[date, dict]:
    rows = queryset.annotate(day=TruncDate(stamp)).values("day").annotate(**aggregates).order_by()
    return {row["day"]: row for row in rows}


MONEY_SERIES = ("donations", "donated_minor", "pledges", "pledged_minor")


def money_per_day(*, campaign_id: int, period: DateRange) -> dict[str, dict[date, int]]:
    """The donation and pledge series ({name: {day: value}} for MONEY_SERIES): the costly part of
    the activity at scale, so the dashboard caches it (selectors.dashboard.campaign_money). Two
    queries. One-time and monthly gifts; a pledge's collection is counted as the pledge."""
    start, end = period.bounds()
    per_day: dict[str, dict[date, int]] = {name: {} for name in MONEY_SERIES}
    donations = Donation.objects.filter(
        campaign_id=campaign_id, state__in=Donation.PAID_STATES, pledge__isnull=True
    ).filter(succeeded_at__gte=start, succeeded_at__lt=end)
    for day, row in _per_day(donations, "succeeded_at", n=Count("id"), amount=Sum("amount_minor")).items():
        per_day["donations"][day], per_day["donated_minor"][day] = row["n"], row["amount"] or 0

    pledges = Pledge.objects.filter(
        campaign_id=campaign_id, state__in=Pledge.COUNTED_STATES, created_at__gte=start, created_at__lt=end
    )
    for day, row in _per_day(pledges, "created_at", n=Count("id"), amount=Sum("amount_minor")).items():
        per_day["pledges"][day], per_day["pledged_minor"][day] = row["n"], row["amount"] or 0
    return per_day


def campaign_activity(*, campaign_id: int, period: DateRange, money: dict | None = None) -> dict:
    """Per-day series and totals of everything that happened on the campaign in the period:
    {"days": [...], "series": {name: [value per day]}, "totals": {name: total},
    "clicks_by_channel": {channel: clicks}, "average_donation_minor": int}. `money`: the
    money_per_day() of the same campaign and period, when the caller has it (cached)."""
    start, end = period.bounds()
    per_day: dict[str, dict[date, int]] = {name: {} for name in SERIES}

    views = CampaignDailyViews.objects.filter(campaign_id=campaign_id, day__range=(period.start, period.end))
    per_day["page_views"] = dict(views.values_list("day", "views"))

    clicks = ShareClick.objects.filter(share_link__campaign_id=campaign_id, day__range=(period.start, period.end))
    per_day["share_clicks"] = dict(clicks.values("day").annotate(n=Count("id")).order_by().values_list("day", "n"))
    clicks_by_channel = dict(clicks.values("channel").annotate(n=Count("id")).order_by().values_list("channel", "n"))

    signatures = Signature.objects.filter(campaign_id=campaign_id, confirmed_at__gte=start, confirmed_at__lt=end)
    per_day["signatures"] = {d: r["n"] for d, r in _per_day(signatures, "confirmed_at", n=Count("id")).items()}

    per_day.update(money if money is not None else money_per_day(campaign_id=campaign_id, period=period))

    rsvps = RSVP.objects.filter(
        event__campaign_id=campaign_id, status__in=RSVP.ACTIVE_STATUSES, created_at__gte=start, created_at__lt=end
    )
    per_day["rsvps"] = {d: r["n"] for d, r in _per_day(rsvps, "created_at", n=Count("id")).items()}
    check_ins = RSVP.objects.filter(event__campaign_id=campaign_id, checked_in_at__gte=start, checked_in_at__lt=end)
    per_day["check_ins"] = {d: r["n"] for d, r in _per_day(check_ins, "checked_in_at", n=Count("id")).items()}

    follows = Follow.objects.filter(campaign_id=campaign_id, created_at__gte=start, created_at__lt=end)
    per_day["follows"] = {d: r["n"] for d, r in _per_day(follows, "created_at", n=Count("id")).items()}
    comments = Comment.objects.filter(
        campaign_id=campaign_id, hidden_at__isnull=True, created_at__gte=start, created_at__lt=end
    )
    per_day["comments"] = {d: r["n"] for d, r in _per_day(comments, "created_at", n=Count("id")).items()}

    days = period.days()
    series = {name: [per_day[name].get(day, 0) for day in days] for name in SERIES}
    totals = {name: sum(values) for name, values in series.items()}
    average = totals["donated_minor"] // totals["donations"] if totals["donations"] else 0
    return {
        "days": days,
        "series": series,
        "totals": totals,
        "clicks_by_channel": clicks_by_channel,
        "average_donation_minor": average,
    }


def campaign_funnel(*, campaign_id: int, period: DateRange, donors: int | None = None) -> list[tuple[str, int]]:
    """Visitors (page views) -> signers -> donors (distinct people giving or pledging) -> RSVPs ->
    attended, in the period. Five queries (three when `donors`, the donor_count(), is given)."""
    start, end = period.bounds()
    visitors = (
        CampaignDailyViews.objects.filter(campaign_id=campaign_id, day__range=(period.start, period.end)).aggregate(
            n=Sum("views")
        )["n"]
        or 0
    )
    signers = Signature.objects.filter(campaign_id=campaign_id, confirmed_at__gte=start, confirmed_at__lt=end).count()
    rsvp_counts = RSVP.objects.filter(event__campaign_id=campaign_id).aggregate(
        rsvps=Count("id", filter=Q(status__in=RSVP.ACTIVE_STATUSES, created_at__gte=start, created_at__lt=end)),
        attended=Count("id", filter=Q(checked_in_at__gte=start, checked_in_at__lt=end)),
    )
    return [
        (gettext("Visitors"), visitors),
        (gettext("Signers"), signers),
        (gettext("Donors"), donors if donors is not None else donor_count(campaign_id=campaign_id, period=period)),
        (gettext("RSVPs"), rsvp_counts["rsvps"]),
        (gettext("Attended"), rsvp_counts["attended"]),
    ]


def donor_count(*, campaign_id: int, period: DateRange) -> int:
    """Distinct people (emails, case-insensitive) who gave or pledged in the period. Two queries."""
    start, end = period.bounds()
    donor_emails = set(
        Donation.objects.filter(campaign_id=campaign_id, state__in=Donation.PAID_STATES)
        .filter(succeeded_at__gte=start, succeeded_at__lt=end)
        .values_list("email", flat=True)
        .distinct()
    )
    donor_emails |= set(
        Pledge.objects.filter(campaign_id=campaign_id, state__in=Pledge.COUNTED_STATES)
        .filter(created_at__gte=start, created_at__lt=end)
        .values_list("email", flat=True)
        .distinct()
    )
    return len({email.lower() for email in donor_emails})

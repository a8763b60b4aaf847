"""The money side of a campaign's funnel: the gifts received in a period split by kind (one-time,
monthly, collected pledges) and credited to the share channel that (approximately) brought them.
One grouped query each, whatever the number of gifts."""

from django.db.models import Case, Count, OuterRef, Q, Subquery, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from campaigns.models import ShareClick
from fundraising.models import Donation
from insights.selectors.activity import DateRange

ONE_TIME, MONTHLY, PLEDGED = "one_time", "monthly", "pledged"
GIFT_KINDS = {
    ONE_TIME: _("One-time gifts"),
    MONTHLY: _("Monthly gifts"),
    PLEDGED: _("Pledges collected"),
}
# A gift whose donor came through no tracked share link (or whose link has no click before it).
NO_CHANNEL = ""


def _paid_gifts(*, campaign_id: int, period: DateRange):
    """Paid donations of the campaign that succeeded in the period, whatever their kind (a refunded
    gift still counts here as received, as on the rest of the dashboard)."""
    start, end = period.bounds()
    return Donation.objects.filter(
        campaign_id=campaign_id, state__in=Donation.PAID_STATES, succeeded_at__gte=start, succeeded_at__lt=end
    )


def _gift_kind():
    """A pledge's collection, a month of a monthly plan (its first donation or a later charge), or a
    one-time gift. Each test is a join on a unique one-to-one column: at most one row each."""
    return Case(
        When(pledge__isnull=False, then=Value(PLEDGED)),
        When(Q(monthly_charge__isnull=False) | Q(monthly_plan_started__isnull=False), then=Value(MONTHLY)),
        default=Value(ONE_TIME),
    )


def campaign_gifts(*, campaign_id: int, currency: str, period: DateRange) -> dict:
    """{"currency", "kinds": [{"kind", "label", "count", "amount_minor"}] in GIFT_KINDS' order
    (every kind, zeros included), "count", "amount_minor"}. Amounts in minor units of the
    campaign's currency (a campaign takes gifts in its own currency only). One query."""
    rows = (
        _paid_gifts(campaign_id=campaign_id, period=period)
        .annotate(kind=_gift_kind())
        .values("kind")
        .annotate(n=Count("id"), amount=Sum("amount_minor"))
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    kinds = [
        {
            "kind": kind,
            "label": label,
            "count": found.get(kind, {}).get("n", 0),
            "amount_minor": found.get(kind, {}).get("amount") or 0,
        }
        for kind, label in GIFT_KINDS.items()
    ]
    return {
        "currency": currency,
        "kinds": kinds,
        "count": sum(k["count"] for k in kinds),
        "amount_minor": sum(k["amount_minor"] for k in kinds),
    }


def campaign_gifts_by_channel(*, campaign_id: int, period: DateRange) -> dict[str, dict[str, int]]:
    """{channel: {"count", "amount_minor"}} for the period's gifts (every kind), each credited to the
    channel of the latest tracked click on the donor's referral link made before the gift was
    started. Approximate: clicks are de-duplicated per visitor and day and a donation does not
    know which visitor clicked, so another visitor's later click on the same link (shared on
    several channels) can take the credit. Gifts without a referral link are under NO_CHANNEL.
    One query; each gift's click is one probe of the index on (share_link, created_at)."""
    last_click_channel = (
        ShareClick.objects.filter(
            share_link_id=OuterRef("referral_share_link_id"), created_at__lte=OuterRef("created_at")
        )
        .order_by("-created_at", "-id")
        .values("channel")[:1]
    )
    rows = (
        _paid_gifts(campaign_id=campaign_id, period=period)
        .annotate(channel=Subquery(last_click_channel))
        .values("channel")
        .annotate(n=Count("id"), amount=Sum("amount_minor"))
        .order_by()
    )
    credit: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = credit.setdefault(row["channel"] or NO_CHANNEL, {"count": 0, "amount_minor": 0})
        entry["count"] += row["n"]
        entry["amount_minor"] += row["amount"] or 0
    return credit

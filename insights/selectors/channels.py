"""Signatures, pledges, RSVPs and check-ins credited to a share channel, as gifts are
(insights.selectors.money.campaign_gifts_by_channel): each action to the channel of the latest
tracked click on its referral link made before the action was (approximate, see
docs/insights.md). One grouped query per kind of action; each action's click is one probe of
the index on (share_link, created_at)."""

from django.db.models import Count, OuterRef, Q, Subquery

from campaigns.models import ShareClick, Signature
from events.models import RSVP
from fundraising.models import Pledge
from insights.selectors.activity import DateRange
from insights.selectors.money import NO_CHANNEL

# The kinds this module credits; the dashboard caches the first two with the money figures (a
# signature or a pledge renews the campaign's page-cache scope, an RSVP does not).
CACHED_KINDS = ("signatures", "pledges")
LIVE_KINDS = ("rsvps", "check_ins")


def _latest_click_channel(link_field: str):
    return Subquery(
        ShareClick.objects.filter(share_link_id=OuterRef(link_field), created_at__lte=OuterRef("created_at"))
        .order_by("-created_at", "-id")
        .values("channel")[:1]
    )


def _tracked(kind: str, *, campaign_id: int, period: DateRange):
    """(the kind's rows in the period that came through a share link, their link's column)."""
    start, end = period.bounds()
    if kind == "signatures":
        rows = Signature.objects.filter(campaign_id=campaign_id, confirmed_at__gte=start, confirmed_at__lt=end)
        return rows.filter(share_link__isnull=False), "share_link_id"
    if kind == "pledges":
        rows = Pledge.objects.filter(
            campaign_id=campaign_id, state__in=Pledge.COUNTED_STATES, created_at__gte=start, created_at__lt=end
        )
        return rows.filter(referral_share_link_id__isnull=False), "referral_share_link_id"
    rsvps = RSVP.objects.filter(event__campaign_id=campaign_id, referral_share_link_id__isnull=False)
    if kind == "rsvps":
        return rsvps.filter(
            Q(status__in=RSVP.ACTIVE_STATUSES, created_at__gte=start, created_at__lt=end)
        ), "referral_share_link_id"
    return rsvps.filter(checked_in_at__gte=start, checked_in_at__lt=end), "referral_share_link_id"


def campaign_actions_by_channel(
    *, campaign_id: int, period: DateRange, kinds: tuple[str, ...] = CACHED_KINDS + LIVE_KINDS
) -> dict[str, dict[str, int]]:
    """{channel: {kind: count}} for the `kinds` of action that came through a share link in the
    period (a link with no click before the action: NO_CHANNEL). Actions through no link at all
    are not listed. A check-in is credited through its RSVP (the click before the RSVP)."""
    credit: dict[str, dict[str, int]] = {}
    for kind in kinds:
        rows, link_field = _tracked(kind, campaign_id=campaign_id, period=period)
        grouped = rows.annotate(channel=_latest_click_channel(link_field)).values("channel").annotate(n=Count("pk"))
        for row in grouped.order_by():
            entry = credit.setdefault(row["channel"] or NO_CHANNEL, {})
            entry[kind] = entry.get(kind, 0) + row["n"]
    return credit

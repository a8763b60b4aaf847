"""The campaign dashboard's figures in one place: activity, funnel, funding vs goal, attribution,
the gifts by kind and by channel.

Every donation- and pledge-derived figure (the costly part: a popular campaign has hundreds of
thousands of donations) is computed once per campaign, period and time zone and kept with
`causeweb.core.page_cache.cached_value` under the scope `campaign:<id>`, whose token every new,
changed or refunded donation and every pledge change renews (fundraising/page_scopes.py and the
transitions' `funding_changed`): a repeat view reads them from the cache, and the first view after
a gift recomputes them. The other figures (page views, clicks, signatures, RSVPs...) are read
live: they are small grouped queries on their own indexes."""

from itertools import accumulate

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Campaign
from causeweb.core import page_cache
from events.models import Event
from fundraising.models import Donation, Pledge
from insights.selectors.activity import DateRange, campaign_activity, campaign_funnel, donor_count, money_per_day
from insights.selectors.attribution import campaign_attribution, money_per_link
from insights.selectors.channels import CACHED_KINDS, LIVE_KINDS, campaign_actions_by_channel
from insights.selectors.money import campaign_gifts, campaign_gifts_by_channel


def campaign_for_insights(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).select_related("organizer").first()


# How long the sum of the gifts paid before a past instant is kept: it cannot move (a gift's
# `succeeded_at` is the moment it was marked paid, and a paid gift stays paid, refunds included).
DONATED_BEFORE_SECONDS = 24 * 3600


def _donated_before(*, campaign_id: int, start) -> int:
    """One-time and monthly gifts paid before `start`: a sum over every earlier donation (all but
    the period's, so the larger the campaign the dearer). For a `start` in the past it never
    changes, so it is kept a day under its own name; a future start is summed every time."""

    def compute() -> int:
        total = Donation.objects.filter(
            campaign_id=campaign_id, state__in=Donation.PAID_STATES, pledge__isnull=True, succeeded_at__lt=start
        ).aggregate(total=Sum("amount_minor"))["total"]
        return total or 0

    if not getattr(settings, "PAGE_CACHE_ENABLED", True) or start > timezone.now():
        return compute()
    key = f"insights-donated-before:{campaign_id}:{start.isoformat()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=DONATED_BEFORE_SECONDS)
    return value


def _raised_before(*, campaign_id: int, period: DateRange) -> int:
    """Gifts paid and pledges made before the period: where the funding line starts."""
    start, _end = period.bounds()
    pledged = Pledge.objects.filter(
        campaign_id=campaign_id, state__in=Pledge.COUNTED_STATES, created_at__lt=start
    ).aggregate(total=Sum("amount_minor"))["total"]  # a pledge cancelled or released leaves it
    return _donated_before(campaign_id=campaign_id, start=start) + (pledged or 0)


def _compute_money(*, campaign: Campaign, period: DateRange) -> dict:
    return {
        "per_day": money_per_day(campaign_id=campaign.pk, period=period),
        "per_link": money_per_link(campaign_id=campaign.pk, period=period),
        "donors": donor_count(campaign_id=campaign.pk, period=period),
        "raised_before": _raised_before(campaign_id=campaign.pk, period=period),
        "gifts": campaign_gifts(campaign_id=campaign.pk, currency=campaign.currency, period=period),
        "gift_channels": campaign_gifts_by_channel(campaign_id=campaign.pk, period=period),
        "action_channels": campaign_actions_by_channel(campaign_id=campaign.pk, period=period, kinds=CACHED_KINDS),
    }


def _merged(*credits: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    merged: dict[str, dict[str, int]] = {}
    for credit in credits:
        for channel, counts in credit.items():
            merged.setdefault(channel, {}).update(counts)
    return merged


def money_cache_name(*, campaign_id: int, period: DateRange) -> str:
    # Days are cut in the active time zone, so it is part of the name.
    zone = timezone.get_current_timezone_name()
    return f"insights-money:{campaign_id}:{period.start.isoformat()}:{period.end.isoformat()}:{zone}"


# Every change to a donation or pledge renews `campaign:<id>`, so the figures can be kept longer
# than a page's 120 s: this is only the net for a token write lost while Redis was unreachable.
MONEY_CACHE_SECONDS = 15 * 60


def campaign_money(*, campaign: Campaign, period: DateRange) -> dict:
    """The dashboard's donation and pledge figures, and the signatures and pledges by channel (12
    queries on a miss, none on a hit)."""
    return page_cache.cached_value(
        money_cache_name(campaign_id=campaign.pk, period=period),
        scopes=[f"campaign:{campaign.pk}"],
        compute=lambda: _compute_money(campaign=campaign, period=period),
        timeout=MONEY_CACHE_SECONDS,
    )


def campaign_event_ids(*, campaign_id: int) -> list[int]:
    """The ids of every event of the campaign (hidden ones too: their RSVPs are counted), kept
    under `campaign:<id>`, which an event's creation, change or deletion renews
    (events/page_scopes.py), so a new event is known on the next read."""
    return page_cache.cached_value(
        f"insights-campaign-events:{campaign_id}",
        scopes=[f"campaign:{campaign_id}"],
        compute=lambda: list(Event.objects.filter(campaign_id=campaign_id).order_by("pk").values_list("pk", flat=True)),
        timeout=MONEY_CACHE_SECONDS,
    )


def dashboard_scopes(*, campaign_id: int) -> list[str]:
    """The page-cache scopes whose renewal means the dashboard's figures moved: the campaign's
    (a signature, gift, pledge, follower, comment, event or campaign edit renews it) and each of
    its events' (an RSVP or check-in renews its event's scope, not the campaign's). Page views
    and share clicks renew none: they move on every visit, so the dashboard bounds their delay
    by time instead (insights.dashboard_page.DASHBOARD_CACHE_SECONDS)."""
    return [f"campaign:{campaign_id}", *(f"event:{pk}" for pk in campaign_event_ids(campaign_id=campaign_id))]


def campaign_dashboard(*, campaign: Campaign, period: DateRange) -> dict:
    """Everything the dashboard shows, in a bounded number of queries (about 25 on a cold cache,
    whatever the data; the 10 over donations and pledges are skipped while they are cached)."""
    money = campaign_money(campaign=campaign, period=period)
    activity = campaign_activity(campaign_id=campaign.pk, period=period, money=money["per_day"])
    series = activity["series"]
    daily_raised = [
        given + pledged for given, pledged in zip(series["donated_minor"], series["pledged_minor"], strict=True)
    ]
    before = money["raised_before"]
    return {
        "activity": activity,
        "funding": [before + total for total in accumulate(daily_raised)],
        "goal_minor": campaign.goal_minor,
        "funnel": campaign_funnel(campaign_id=campaign.pk, period=period, donors=money["donors"]),
        "attribution": campaign_attribution(campaign_id=campaign.pk, period=period, money=money["per_link"]),
        "gifts": money["gifts"],
        "gift_channels": money["gift_channels"],
        "action_channels": _merged(
            money["action_channels"],
            campaign_actions_by_channel(campaign_id=campaign.pk, period=period, kinds=LIVE_KINDS),
        ),
    }

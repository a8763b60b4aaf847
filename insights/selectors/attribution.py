"""Who brought what: every signature, donation, pledge, RSVP and check-in carries the share link
in the visitor's session when they acted (last touch: a visitor who came through two links is
credited to the one they clicked last). A link made by someone who arrived through another link
records it as `parent`, so credit flows up the chain: the link's own sharer gets generation 1,
the sharer who brought them generation 2, and the one before generation 3 (no further).

Queries: one recursive CTE for the chains plus one grouped query per action type, whatever the
number of links or actions."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, Sum

from campaigns.models import ShareLink, Signature
from events.models import RSVP
from fundraising.models import Donation, Pledge
from insights.selectors.activity import DateRange

MAX_GENERATIONS = 3

# Works on PostgreSQL and SQLite (>= 3.8.3) alike, so both run the same walk: each of the
# campaign's links paired with itself (depth 0) and up to two ancestors.
_ANCESTRY_SQL = """
WITH RECURSIVE chain(link_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM campaigns_sharelink WHERE campaign_id = %s
    UNION ALL
    SELECT chain.link_id, link.parent_id, chain.depth + 1
    FROM chain JOIN campaigns_sharelink AS link ON link.id = chain.ancestor_id
    WHERE link.parent_id IS NOT NULL AND chain.depth < %s
)
SELECT link_id, ancestor_id, depth FROM chain
"""

ACTIONS = ("signatures", "donations", "donated_minor", "pledges", "pledged_minor", "rsvps", "check_ins")


def share_link_ancestry(*, campaign_id: int) -> list[tuple[int, int, int]]:
    """(link, ancestor, depth) for every link of the campaign: depth 0 is the link itself, 1 its
    parent, 2 its grandparent. Bounded at MAX_GENERATIONS, so a cycle cannot loop."""
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTRY_SQL, [campaign_id, MAX_GENERATIONS - 1])
        return [(link, ancestor, depth) for link, ancestor, depth in cursor.fetchall()]


def money_per_link(*, campaign_id: int, period: DateRange) -> dict[int, dict[str, int]]:
    """{link: {"donations", "donated_minor", "pledges", "pledged_minor"}} brought directly in the
    period: the costly part at scale, cached by the dashboard. Two queries."""
    start, end = period.bounds()
    per_link: dict[int, dict[str, int]] = defaultdict(
        lambda: {"donations": 0, "donated_minor": 0, "pledges": 0, "pledged_minor": 0}
    )
    # One-time and monthly gifts; a pledge's collection is counted as the pledge, not a second time.
    donations = (
        Donation.objects.filter(campaign_id=campaign_id, referral_share_link_id__isnull=False)
        .filter(state__in=Donation.PAID_STATES, pledge__isnull=True)
        .filter(succeeded_at__gte=start, succeeded_at__lt=end)
        .values("referral_share_link_id")
        .annotate(n=Count("id"), amount=Sum("amount_minor"))
    )
    for row in donations:
        per_link[row["referral_share_link_id"]].update(donations=row["n"], donated_minor=row["amount"] or 0)
    pledges = (
        Pledge.objects.filter(campaign_id=campaign_id, referral_share_link_id__isnull=False)
        .filter(state__in=Pledge.COUNTED_STATES, created_at__gte=start, created_at__lt=end)
        .values("referral_share_link_id")
        .annotate(n=Count("id"), amount=Sum("amount_minor"))
    )
    for row in pledges:
        per_link[row["referral_share_link_id"]].update(pledges=row["n"], pledged_minor=row["amount"] or 0)
    return dict(per_link)


def _actions_per_link(*, campaign_id: int, period: DateRange, money: dict | None = None) -> dict[int, dict[str, int]]:
    """What each share link brought directly in the period, one grouped query per action type
    (`money`: the money_per_link() of the same campaign and period, when the caller has it)."""
    start, end = period.bounds()
    per_link: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTIONS, 0))
    signatures = (
        Signature.objects.filter(campaign_id=campaign_id, share_link__isnull=False)
        .filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .values("share_link_id")
        .annotate(n=Count("id"))
    )
    for row in signatures:
        per_link[row["share_link_id"]]["signatures"] = row["n"]
    if money is None:
        money = money_per_link(campaign_id=campaign_id, period=period)
    for link_id, gifts in money.items():
        per_link[link_id].update(gifts)
    rsvps = (
        RSVP.objects.filter(event__campaign_id=campaign_id, referral_share_link_id__isnull=False)
        .values("referral_share_link_id")
        .annotate(
            n=Count(
                "id",
                filter=Q(status__in=RSVP.ACTIVE_STATUSES, created_at__gte=start, created_at__lt=end),
            ),
            checked=Count("id", filter=Q(checked_in_at__gte=start, checked_in_at__lt=end)),
        )
    )
    for row in rsvps:
        per_link[row["referral_share_link_id"]].update(rsvps=row["n"], check_ins=row["checked"])
    return per_link


@dataclass
class SharerCredit:
    """What one share link (one sharer) brought, per generation: 1 = through their own link,
    2 = through the people they brought, 3 = through the people those brought."""

    link_id: int
    sharer_id: int | None
    sharer_name: str
    shows_name: bool
    by_generation: dict[int, dict[str, int]] = field(
        default_factory=lambda: {g: dict.fromkeys(ACTIONS, 0) for g in range(1, MAX_GENERATIONS + 1)}
    )

    def total(self, action: str) -> int:
        return sum(counts[action] for counts in self.by_generation.values())

    @property
    def direct_signatures(self) -> int:
        return self.by_generation[1]["signatures"]

    @property
    def indirect_signatures(self) -> int:
        return self.total("signatures") - self.direct_signatures

    @property
    def summary(self) -> dict[str, tuple[int, int]]:
        """(direct, through the people they brought) per kind of action, for the tables."""
        kinds = {"signatures": ("signatures",), "gifts": ("donations", "pledges"), "rsvps": ("rsvps",)}
        out = {}
        for kind, actions in kinds.items():
            direct = sum(self.by_generation[1][action] for action in actions)
            out[kind] = (direct, sum(self.total(action) for action in actions) - direct)
        return out

    @property
    def score(self) -> int:
        """People brought to act: signatures, gifts, pledges and RSVPs (check-ins are RSVPs)."""
        return sum(self.total(action) for action in ("signatures", "donations", "pledges", "rsvps"))


def campaign_attribution(*, campaign_id: int, period: DateRange, money: dict | None = None) -> list[SharerCredit]:
    """Credit per share link (one per sharer) and generation, most effective first. A sharer is
    named only if they chose to be shown as an advocate; the anonymous link is never named."""
    ancestry = share_link_ancestry(campaign_id=campaign_id)
    direct = _actions_per_link(campaign_id=campaign_id, period=period, money=money)
    links = {
        link.pk: link
        for link in ShareLink.objects.filter(campaign_id=campaign_id)
        .select_related("created_by")
        .only("pk", "created_by__display_name", "created_by__email", "created_by__show_as_advocate")
    }
    credits: dict[int, SharerCredit] = {}
    for link_id, ancestor_id, depth in ancestry:
        brought = direct.get(link_id)
        if not brought or ancestor_id not in links:
            continue
        credit = credits.get(ancestor_id)
        if credit is None:
            sharer = links[ancestor_id].created_by
            shows = bool(sharer and sharer.show_as_advocate)
            credit = credits[ancestor_id] = SharerCredit(
                link_id=ancestor_id,
                sharer_id=sharer.pk if sharer else None,
                sharer_name=sharer.public_name if shows else "",
                shows_name=shows,
            )
        counts = credit.by_generation[depth + 1]
        for action in ACTIONS:
            counts[action] += brought[action]
    return sorted(credits.values(), key=lambda c: (-c.score, c.link_id))


def top_advocates(*, campaign_id: int, period: DateRange, limit: int = 10) -> list[SharerCredit]:
    """The signed-in sharers whose links (and the people they brought) did the most."""
    ranked = [c for c in campaign_attribution(campaign_id=campaign_id, period=period) if c.sharer_id]
    return [c for c in ranked if c.score > 0][:limit]

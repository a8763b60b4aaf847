"""Campaigns for `manage.py seed_scale`: 10,000 at factor 1 in every state (mostly published),
with 200,000 signatures and 50,000 follows. The counters on the campaign row (`signature_count`,
`follower_count`, `last_activity_at`) are computed by SQL from the rows after the COPY, the same
figures the services keep with F() on every write.

`ids["popular_campaigns"]` names the few published campaigns the other apps pile onto (the
fundraising seeder gives each of them 100k+ donations at factor 1)."""

from datetime import timedelta

from django.utils.text import slugify

from campaigns.models import Campaign, Cause, Follow, Signature, Tag
from campaigns.services import trending
from causeweb.core import bulk
from causeweb.core.markdown import render_markdown
from causeweb.core.scale_vocabulary import ACTIONS, CAUSES, PLACES, STORY, TOPICS

SEED_ORDER = 10
CampaignTag = Campaign.tags.through
MODELS = [Cause, Tag, Campaign, CampaignTag, Signature, Follow]
CAMPAIGNS = 10_000
SIGNATURES = 200_000
FOLLOWS = 50_000
POPULAR = 3
POPULAR_SIGNATURES = 15_000
TAGS = ["plastic", "tenants-rights", "air-quality", "cycling", "libraries", "trees", "rivers", "schools",
        "night-bus", "food-banks", "shelters", "open-data", "pools", "clinics", "heritage"]  # fmt: skip
# (status, share of campaigns)
STATUS_MIX = [
    (Campaign.Status.PUBLISHED, 0.80),
    (Campaign.Status.CLOSED, 0.05),
    (Campaign.Status.DRAFT, 0.07),
    (Campaign.Status.PENDING_REVIEW, 0.03),
    (Campaign.Status.REJECTED, 0.05),
]
PUBLIC = (Campaign.Status.PUBLISHED, Campaign.Status.CLOSED)


def _goal(rng, currency: str) -> int:
    major = rng.choice([500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000])
    return major * 150 if currency == "JPY" else major * 100


def _seed_causes_and_tags(conn, report) -> tuple[list[int], list[int]]:
    with report.table("campaigns.Cause+Tag", len(CAUSES) + len(TAGS)):
        bulk.copy_rows(
            conn, Cause, ["id", "name", "slug", "description"],
            ((index, name, slug, text) for index, (name, slug, text) in enumerate(CAUSES, start=1)), report,
        )  # fmt: skip
        bulk.copy_rows(
            conn, Tag, ["id", "name", "slug"],
            ((index, name.replace("-", " "), name) for index, name in enumerate(TAGS, start=1)), report,
        )  # fmt: skip
    return list(range(1, len(CAUSES) + 1)), list(range(1, len(TAGS) + 1))


def _campaign_rows(rng, count, now, users, cause_ids, campaigns, stories):
    statuses = [status for status, _share in STATUS_MIX]
    weights = [share for _status, share in STATUS_MIX]
    for campaign_id in range(1, count + 1):
        status = rng.choices(statuses, weights)[0]
        place = rng.randrange(len(PLACES))
        city, _country, _lat, _lon, _zone, currency = PLACES[place]
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(ACTIONS)} {topic} in {city}"
        if (topic, city) not in stories:
            story = STORY.format(topic=topic[0].upper() + topic[1:], city=city)
            stories[(topic, city)] = (story, str(render_markdown(story)))
        story, story_html = stories[(topic, city)]
        created = now - timedelta(days=rng.uniform(5, 900))
        submitted = created + timedelta(hours=rng.uniform(1, 72)) if status != Campaign.Status.DRAFT else None
        published = submitted + timedelta(hours=rng.uniform(1, 48)) if status in PUBLIC else None
        closed = None
        deadline = None
        if status == Campaign.Status.CLOSED:
            closed = min(now, published + timedelta(days=rng.uniform(10, 200)))
            deadline = closed
        elif rng.random() < 0.6:
            deadline = now + timedelta(days=rng.uniform(3, 240))
        goal = _goal(rng, currency) if rng.random() < 0.85 else None
        cause_id = rng.choice(cause_ids)
        campaigns.append((campaign_id, status, currency, goal, published or created, cause_id, place))
        yield (
            campaign_id, users[rng.randrange(len(users))], title, f"{slugify(title)}-{campaign_id}",
            f"{title}: sign, share and chip in.", story, story_html, cause_id, city, status,
            "Duplicate of an existing campaign." if status == Campaign.Status.REJECTED else "",
            rng.choice([None, 1_000, 5_000, 10_000, 50_000]), goal, currency, deadline,
            created, published or submitted or created, submitted, published, closed,
        )  # fmt: skip


def _signature_rows(rng, ids, public, counts, popular):
    users, user_email, names = ids["users"], ids["user_email"], ids["user_names"]
    now = ids["now"]
    signature_id = 0
    for (campaign_id, _status, _currency, _goal, published, _cause, _place), count in zip(public, counts, strict=True):
        if campaign_id in popular:
            count += ids["popular_signatures"]
        signed_in = min(len(users), int(count * 0.4))
        span = max((now - published).total_seconds(), 60.0)
        for position in range(count):
            signature_id += 1
            if position < signed_in:
                # distinct people per campaign: a prime stride is a permutation of the users
                user_id = users[(campaign_id * 7919 + position * 104729) % len(users)]
                name, email = names[user_id - 1], user_email(user_id)
            else:
                user_id = None
                name, email = f"Signer {signature_id}", f"signer{signature_id}@guest.seed.causeweb.test"
            created = published + timedelta(seconds=rng.uniform(0, span))
            confirmed = created + timedelta(minutes=rng.uniform(0, 90)) if rng.random() < 0.92 else None
            if confirmed and confirmed > now:
                confirmed = now
            yield (signature_id, campaign_id, user_id, name, email, rng.random() < 0.8, confirmed, created)


def _follow_rows(rng, ids, public, total):
    users, now = ids["users"], ids["now"]
    counts = bulk.skewed_counts(rng, len(public), total)
    follow_id = 0
    for (campaign_id, *_rest), count in zip(public, counts, strict=True):
        for user_id in rng.sample(users, min(count, len(users))):
            follow_id += 1
            yield follow_id, campaign_id, user_id, now - timedelta(days=rng.uniform(0, 300))


COUNTERS_SQL = f"""
UPDATE {bulk.table_of(Campaign)} AS c SET
    signature_count = COALESCE(s.confirmed, 0),
    follower_count = COALESCE(f.followers, 0),
    last_activity_at = CASE WHEN c.published_at IS NULL THEN NULL
                            ELSE GREATEST(c.published_at, s.last_confirmed) END
FROM {bulk.table_of(Campaign)} AS base
LEFT JOIN (SELECT campaign_id, COUNT(*) FILTER (WHERE confirmed_at IS NOT NULL) AS confirmed,
                  MAX(confirmed_at) AS last_confirmed
           FROM {bulk.table_of(Signature)} GROUP BY campaign_id) AS s ON s.campaign_id = base.id
LEFT JOIN (SELECT campaign_id, COUNT(*) AS followers FROM {bulk.table_of(Follow)} GROUP BY campaign_id) AS f
       ON f.campaign_id = base.id
WHERE c.id = base.id
"""  # noqa: S608 - table names come from the models


def seed(conn, factor: float, rng, ids: dict, report: bulk.Report) -> None:
    now = ids["now"]
    cause_ids, tag_ids = _seed_causes_and_tags(conn, report)
    count = bulk.scaled(CAMPAIGNS, factor, minimum=20)
    campaigns: list[tuple] = []
    with report.table("campaigns.Campaign", count):
        bulk.copy_rows(
            conn, Campaign,
            ["id", "organizer", "title", "slug", "summary", "story", "story_html", "cause", "location", "status",
             "rejection_reason", "petition_target", "goal_minor", "currency", "deadline", "created_at",
             "updated_at", "submitted_at", "published_at", "closed_at"],
            _campaign_rows(rng, count, now, ids["users"], cause_ids, campaigns, {}), report,
        )  # fmt: skip
    tag_pairs = [(c[0], tag) for c in campaigns for tag in rng.sample(tag_ids, rng.randrange(0, 4))]
    with report.table("campaigns.Campaign.tags", len(tag_pairs)):
        bulk.copy_rows(
            conn, CampaignTag, ["id", "campaign", "tag"],
            ((index, c, t) for index, (c, t) in enumerate(tag_pairs, start=1)), report,
        )  # fmt: skip
    public = [c for c in campaigns if c[1] in PUBLIC]
    popular = [c[0] for c in public if c[1] == Campaign.Status.PUBLISHED and c[3]][:POPULAR]
    ids.update(campaigns=campaigns, public_campaigns=public, popular_campaigns=popular, causes=cause_ids)
    ids["popular_signatures"] = bulk.scaled(POPULAR_SIGNATURES, factor)
    total = bulk.scaled(SIGNATURES, factor) - ids["popular_signatures"] * len(popular)
    counts = bulk.skewed_counts(rng, len(public), max(total, 0))
    expected = sum(counts) + ids["popular_signatures"] * len(popular)
    with report.table("campaigns.Signature", expected):
        bulk.copy_rows(
            conn, Signature, ["id", "campaign", "user", "name", "email", "is_public", "confirmed_at", "created_at"],
            _signature_rows(rng, ids, public, counts, set(popular)), report,
        )  # fmt: skip
    follows = bulk.scaled(FOLLOWS, factor)
    with report.table("campaigns.Follow", follows):
        bulk.copy_rows(
            conn, Follow, ["id", "campaign", "user", "created_at"], _follow_rows(rng, ids, public, follows), report
        )
        bulk.execute(conn, COUNTERS_SQL)


def after_indexes(conn, ids, report) -> None:
    with report.table("campaigns.Campaign.trending_score", 0):
        trending.campaign_trending_refresh(now=ids["now"])

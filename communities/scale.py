"""Groups for `manage.py seed_scale`: 2,000 at factor 1 with 60,000 memberships, 15,000 threads
and 100,000 posts (each thread's opening message is one of its posts, as in the app). Authors are
members of the group they post in. `member_count`, `reply_count` and the thread's
`last_activity_at` are computed by SQL from the rows after the COPY. The biggest thread has
`BIGGEST_THREAD_POSTS` (500) posts whatever the factor."""

from datetime import timedelta

from django.utils.text import slugify

from causeweb.core import bulk
from causeweb.core.markdown import render_markdown
from causeweb.core.scale_vocabulary import PLACES, POST_BODIES, THREAD_TITLES, TOPICS
from communities.models import Group, GroupCampaign, Membership, Post, Thread

SEED_ORDER = 20
MODELS = [Group, Membership, GroupCampaign, Thread, Post]
GROUPS = 2_000
MEMBERSHIPS = 60_000
THREADS = 15_000
POSTS = 100_000
# The biggest thread has this many posts at any factor (its opening one included), so the thread
# page is measured and plan-tested at the size a lively discussion reaches (tests/load/bench_scale.py).
BIGGEST_THREAD_POSTS = 500
VISIBILITY_MIX = ([Group.Visibility.PUBLIC, Group.Visibility.REQUEST, Group.Visibility.PRIVATE], [0.85, 0.1, 0.05])


def _group_rows(rng, count, ids, groups):
    now, users = ids["now"], ids["users"]
    for group_id in range(1, count + 1):
        place = rng.randrange(len(PLACES))
        city, _country, lat, lon, _zone, _currency = PLACES[place]
        name = f"{city} for {rng.choice(TOPICS)}"
        owner = users[rng.randrange(len(users))]
        created = now - timedelta(days=rng.uniform(30, 1000))
        cause = rng.choice(ids["causes"]) if rng.random() < 0.9 else None
        groups.append((group_id, owner, created, cause, place))
        description = f"We are neighbours in {city} who care about {name.split(' for ', 1)[1]}."
        latitude, longitude = f"{lat + rng.uniform(-0.05, 0.05):.6f}", f"{lon + rng.uniform(-0.05, 0.05):.6f}"
        visibility = rng.choices(*VISIBILITY_MIX)[0]
        if visibility == Group.Visibility.PUBLIC:
            ids.setdefault("public_group_ids", set()).add(group_id)
        yield (
            group_id, name, f"{slugify(name)}-{group_id}", description, f"<p>{description}</p>", cause, city,
            latitude, longitude, visibility, owner, created, created,
        )  # fmt: skip


def _membership_rows(rng, ids, groups, counts, members):
    users, now = ids["users"], ids["now"]
    membership_id = 0
    for (group_id, owner, created, _cause, _place), extra in zip(groups, counts, strict=True):
        others = [user for user in rng.sample(users, min(len(users), extra + 1)) if user != owner][:extra]
        members[group_id] = [owner, *others]
        span = max((now - created).total_seconds(), 60.0)
        for position, user_id in enumerate(members[group_id]):
            membership_id += 1
            role = "owner" if position == 0 else "moderator" if position <= 2 and rng.random() < 0.5 else "member"
            joined = created if position == 0 else created + timedelta(seconds=rng.uniform(0, span))
            yield membership_id, group_id, user_id, role, joined, joined


def _thread_and_post_rows(rng, ids, groups, members, thread_counts, reply_total):
    """Threads first (returned), posts streamed; replies are spread over the threads with a long tail."""
    now = ids["now"]
    threads = []
    for (group_id, _owner, created, _cause, _place), count in zip(groups, thread_counts, strict=True):
        for _ in range(count):
            thread_id = len(threads) + 1
            started = created + timedelta(seconds=rng.uniform(0, max((now - created).total_seconds() - 3600, 60)))
            author = rng.choice(members[group_id])
            threads.append((thread_id, group_id, author, rng.choice(THREAD_TITLES), rng.random() < 0.03, started))
    replies = bulk.skewed_counts(rng, len(threads), reply_total)
    if replies:
        # The biggest thread of a public group, so anyone (and the benchmark) can read it.
        public = ids.get("public_group_ids", set())
        candidates = [i for i, thread in enumerate(threads) if thread[1] in public] or range(len(threads))
        biggest = max(candidates, key=replies.__getitem__)
        replies[biggest] = max(replies[biggest], BIGGEST_THREAD_POSTS - 1)
    return threads, replies


def _post_rows(rng, ids, threads, replies, members, rendered):
    now = ids["now"]
    post_id = 0
    for (thread_id, group_id, author, _title, _pinned, started), count in zip(threads, replies, strict=True):
        post_id += 1
        body = rng.choice(POST_BODIES)
        yield post_id, thread_id, author, None, True, body, rendered[body], started
        at, last_top_level = started, None
        step = max((now - started).total_seconds() / (count + 1), 1.0)
        for _ in range(count):
            post_id += 1
            at = at + timedelta(seconds=rng.uniform(1, step))
            body = rng.choice(POST_BODIES)
            parent = last_top_level if last_top_level and rng.random() < 0.2 else None
            yield post_id, thread_id, rng.choice(members[group_id]), parent, False, body, rendered[body], at
            if parent is None:
                last_top_level = post_id


COUNTERS_SQL = [
    f"""UPDATE {bulk.table_of(Group)} AS g SET member_count = m.members
        FROM (SELECT group_id, COUNT(*) AS members FROM {bulk.table_of(Membership)} GROUP BY group_id) AS m
        WHERE m.group_id = g.id""",  # noqa: S608 - table names come from the models
    f"""UPDATE {bulk.table_of(Thread)} AS t SET reply_count = p.replies, last_activity_at = p.latest
        FROM (SELECT thread_id, COUNT(*) FILTER (WHERE NOT is_opening) AS replies, MAX(created_at) AS latest
              FROM {bulk.table_of(Post)} GROUP BY thread_id) AS p
        WHERE p.thread_id = t.id""",  # noqa: S608
]


def seed(conn, factor: float, rng, ids: dict, report: bulk.Report) -> None:
    count = bulk.scaled(GROUPS, factor, minimum=5)
    groups: list[tuple] = []
    with report.table("communities.Group", count):
        bulk.copy_rows(
            conn, Group,
            ["id", "name", "slug", "description", "description_html", "cause", "location", "latitude", "longitude",
             "visibility", "created_by", "created_at", "updated_at"],
            _group_rows(rng, count, ids, groups), report,
        )  # fmt: skip
    ids["groups"] = groups
    extra = bulk.skewed_counts(rng, count, max(bulk.scaled(MEMBERSHIPS, factor) - count, 0))
    members: dict[int, list[int]] = {}
    with report.table("communities.Membership", count + sum(extra)):
        bulk.copy_rows(
            conn, Membership, ["id", "group", "user", "role", "joined_at", "accepted_code_of_conduct_at"],
            _membership_rows(rng, ids, groups, extra, members), report,
        )  # fmt: skip
        bulk.execute(conn, COUNTERS_SQL[0])
    public = ids["public_campaigns"]
    pairs = sorted({(g[0], public[rng.randrange(len(public))][0]) for g in groups if public and rng.random() < 0.5})
    with report.table("communities.GroupCampaign", len(pairs)):
        bulk.copy_rows(
            conn, GroupCampaign, ["id", "group", "campaign", "added_by", "created_at"],
            ((i, g, c, members[g][0], ids["now"]) for i, (g, c) in enumerate(pairs, start=1)), report,
        )  # fmt: skip
    thread_total = bulk.scaled(THREADS, factor)
    threads, replies = _thread_and_post_rows(
        rng, ids, groups, members, bulk.skewed_counts(rng, count, thread_total),
        max(bulk.scaled(POSTS, factor) - thread_total, 0),
    )  # fmt: skip
    with report.table("communities.Thread", len(threads)):
        bulk.copy_rows(
            conn, Thread, ["id", "group", "author", "title", "is_pinned", "created_at", "last_activity_at"],
            (row + (row[5],) for row in threads), report,
        )  # fmt: skip
    rendered = {body: str(render_markdown(body)) for body in POST_BODIES}
    with report.table("communities.Post", len(threads) + sum(replies)):
        bulk.copy_rows(
            conn, Post, ["id", "thread", "author", "parent", "is_opening", "body", "body_html", "created_at"],
            _post_rows(rng, ids, threads, replies, members, rendered), report,
        )  # fmt: skip
        bulk.execute(conn, COUNTERS_SQL[1])

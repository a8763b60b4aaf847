"""Cost guards: the hot queries, taken from the selectors, must be read through an index in the
order they are shown, whatever the size of the tables. Counting queries does not notice a query
that sorts a million rows, so these look at PostgreSQL's plan (EXPLAIN (FORMAT JSON)).

The data is the scale seeder's at a small factor. With so few rows the planner would happily
choose a sequential scan anyway, so sequential scans and sorts are priced out
(`enable_seqscan` / `enable_sort` off): the planner still uses them when no index can serve the
query, and that is exactly what these tests catch.

They assert plan shape and index use only, never timing, so a busy machine cannot fail them. What
used to: an index built after the seeder's UPDATEs is `indcheckxmin`, invisible to the planner
while any older transaction runs anywhere on the server (another helper's test run), so the
planner sorted instead; the seeder now vacuums and reindexes those tables (checked below). Plans
are also made with parallel workers and JIT off (a Gather depends on the workers free then)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from campaigns import selectors as campaign_selectors
from campaigns.comment_selectors import with_comment_reactions
from campaigns.models import Campaign, Comment, CommentReaction, Signature
from causeweb.core import bulk
from causeweb.core.management.commands import seed_scale
from causeweb.core.pagination import LIST_COUNT_CAP
from communities import selectors as community_selectors
from communities.models import Post, Reaction, Thread
from communities.scale import BIGGEST_THREAD_POSTS
from events import selectors as event_selectors
from events.models import Event
from fundraising import selectors as fundraising_selectors
from fundraising.models import CampaignFunding, Donation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LARGE_TABLES = {
    model._meta.db_table
    for model in (Campaign, Signature, Donation, Event, Comment, CommentReaction, Thread, Post, Reaction)
}
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded and committed once for the module, then truncated. (Seeding inside each test's
    transaction would not do: an index rebuilt after the seeder's UPDATEs is not usable by the
    transaction that built it, so the plans would be wrong.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        call_command("seed_scale", factor=0.01, quiet=True, stdout=io.StringIO(), stderr=io.StringIO())
        with connection.cursor() as cursor:
            # The seeder rebuilt its indexes so that no transaction elsewhere on the server (another
            # test run) can hide them from the planner (seed_scale.usable_indexes_everywhere).
            cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indcheckxmin")
            assert cursor.fetchall() == []
        yield
        models = seed_scale.seeded_models(seed_scale.scale_modules())
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(bulk.table_of(m) for m in models)} RESTART IDENTITY CASCADE")


def plan_of(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def large_tables_read(plan: dict) -> set[str]:
    return {
        n["Relation Name"] for n in nodes(plan) if n["Node Type"] in SCANS and n.get("Relation Name") in LARGE_TABLES
    }


def assert_bounded(queryset):
    plan = plan_of(queryset)
    seq = [
        n["Relation Name"] for n in nodes(plan) if n["Node Type"] == "Seq Scan" and n["Relation Name"] in LARGE_TABLES
    ]
    assert not seq, f"sequential scan of {seq}:\n{plan}"
    for node in nodes(plan):
        if node["Node Type"] == "Sort":
            assert not large_tables_read(node), f"sort over rows of {large_tables_read(node)}:\n{node}"
    return plan


def popular_campaign() -> Campaign:
    funding = CampaignFunding.objects.filter(campaign__status="published").order_by("-donor_count").first()
    return funding.campaign


@pytest.mark.parametrize("status", ["", "open"])
@pytest.mark.parametrize("sort", ["trending", "newest", "supported"])
def test_campaign_list_pages_read_an_index_in_order(seeded, sort, status):
    assert_bounded(campaign_selectors.campaign_search(sort=sort, status=status)[:20])


def test_home_page_campaigns(seeded):
    assert_bounded(campaign_selectors.campaign_list_featured())


def test_donor_wall_reads_five_rows_in_index_order(seeded):
    campaign = popular_campaign()
    latest, top = fundraising_selectors.donor_wall_querysets(campaign_id=campaign.pk)
    for queryset in (latest, top):
        plan = assert_bounded(queryset)
        assert plan["Node Type"] == "Limit"
    assert len(list(latest)) == fundraising_selectors.WALL_SIZE


def test_event_list(seeded):
    assert_bounded(event_selectors.event_list_public(filters=event_selectors.EventFilters())[:20])


def test_campaign_page_recent_signers_and_updates(seeded):
    campaign = popular_campaign()
    assert_bounded(campaign_selectors.campaign_updates(campaign=campaign)[:6])
    assert_bounded(
        Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False, is_public=True).order_by(
            "-confirmed_at", "-id"
        )[:10]
    )


def test_the_guard_catches_an_unindexed_sort(seeded):
    """The guard itself: ordering donations by a column no index serves is refused."""
    with pytest.raises(AssertionError, match="sort over rows"):
        assert_bounded(Donation.objects.filter(campaign_id=popular_campaign().pk).order_by("message")[:5])


@pytest.mark.parametrize("sort", ["trending", "newest", "supported"])
def test_list_counts_are_capped_and_read_an_index(seeded, sort):
    """The campaign list's count (CappedPaginator): COUNT(*) over at most cap + 1 rows of an index."""
    plan = assert_bounded(campaign_selectors.campaign_search(sort=sort)[: LIST_COUNT_CAP + 1])
    assert plan["Node Type"] == "Limit"


def test_event_list_count_is_capped(seeded):
    plan = assert_bounded(
        event_selectors.event_list_public(filters=event_selectors.EventFilters())[: LIST_COUNT_CAP + 1]
    )
    assert plan["Node Type"] == "Limit"


def test_organizer_donations_tab_reads_its_partial_index_in_order(seeded):
    """Paid donations of the most popular campaign, refunded ones too, newest first: the
    `donation_organizer_paid` partial index (the wall's indexes leave refunded donations out)."""
    plan = assert_bounded(fundraising_selectors.campaign_donations(campaign=popular_campaign())[:50])
    assert "donation_organizer_paid" in {n.get("Index Name") for n in nodes(plan)}


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_campaign_search_in_any_language_reads_the_gin_indexes(seeded, language):
    """A search (the visitor's words under every language's configuration, over originals and
    translations, cards joined to the active language's translation) never scans campaigns: both
    GIN indexes find the matches, the primary key fetches them."""
    with translation.override(language):
        queryset = campaign_selectors.campaign_search(query="campaña trees مدرسة", sort="newest")[:20]
    plan = plan_of(queryset)
    seq = [
        n["Relation Name"] for n in nodes(plan) if n["Node Type"] == "Seq Scan" and n["Relation Name"] in LARGE_TABLES
    ]
    assert not seq, f"sequential scan of {seq}:\n{plan}"
    used = {n.get("Index Name") for n in nodes(plan)}
    assert {"campaign_search_document", "campaign_translation_search_document"} <= used, plan


def index_names(plan: dict) -> set[str]:
    return {n.get("Index Name") for n in nodes(plan)} - {None}


def captured_plans(run) -> list[tuple[str, dict]]:
    """(sql, plan) of each query `run()` makes, planned like `plan_of`."""
    with CaptureQueriesContext(connection) as ctx:
        run()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        for query in ctx.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
                plans.append((query["sql"], cursor.fetchone()[0][0]["Plan"]))
    return plans


def test_comment_reactions_of_a_page_read_the_reaction_index(seeded):
    """A page of comments gets its reaction counts by the comments' ids
    (`with_comment_reactions`): an index on the comment, grouped without a sort."""
    campaign = popular_campaign()
    comments = list(Comment.objects.filter(campaign=campaign).order_by("-created_at", "-id")[:20])
    ids = [c.pk for c in comments] or [0]
    counts = CommentReaction.objects.filter(comment_id__in=ids).values("comment_id", "kind")
    plan = assert_bounded(counts.annotate(n=Count("id")))
    # Either index that leads with the comment: the unique (comment, user, kind) or the FK's own.
    assert {n for n in index_names(plan) if n.startswith(("campaigns_comment_reaction", "campaigns_commentreaction"))}
    # The selector itself makes only reads like that one (and the viewer's own, on the same index).
    viewer = campaign.organizer
    for sql, plan in captured_plans(lambda: with_comment_reactions(comments, viewer=viewer)):
        assert not [n for n in nodes(plan) if n["Node Type"] == "Seq Scan"], sql


def biggest_thread() -> Thread:
    return Thread.objects.order_by("-reply_count", "id").first()


def test_the_thread_page_reads_one_page_of_replies_through_indexes(seeded):
    """A page of the thread (`thread_page`, here the last of the seeder's biggest thread, 500
    posts): its top-level replies through the partial index `communities_post_thread_top` in their
    order, never a sort or a sequential scan of the posts; the nested replies by their parents
    (the one sort allowed is of those: a page's worth, found by the parent index); the reactions
    by post."""
    thread = biggest_thread()
    assert thread.reply_count == BIGGEST_THREAD_POSTS - 1  # the seeder's biggest thread: 500 posts
    top_level = Post.objects.filter(thread=thread, is_opening=False, parent__isnull=True).order_by("created_at", "id")
    plan = assert_bounded(top_level[300:350])
    assert "communities_post_thread_top" in index_names(plan), plan
    author = thread.author
    captured = captured_plans(
        lambda: community_selectors.thread_page(thread=thread, user=author, number="last", with_flags=True)
    )
    # count, page, opening post, nested replies, reaction counts, the viewer's own, flags (and the
    # flag's content type, the first time in a process)
    assert len(captured) <= 8, "\n".join(sql[:150] for sql, _plan in captured)
    for sql, plan in captured:
        seq = [n.get("Relation Name") for n in nodes(plan) if n["Node Type"] == "Seq Scan"]
        assert not set(seq) & LARGE_TABLES, f"{sql}\n{plan}"
        for node in nodes(plan):
            if node["Node Type"] == "Sort" and large_tables_read(node):
                scans = [n for n in nodes(node) if n.get("Relation Name") == Post._meta.db_table]
                assert scans and all("parent_id" in n.get("Index Cond", "") for n in scans), (
                    f"sort over posts not found by their parent:\n{sql}\n{node}"
                )


def test_finding_a_posts_page_counts_through_the_partial_index(seeded):
    """The post permalink's page number (`thread_page_number_of`) counts the top-level replies
    before it in one thread: found by an index on the thread (the partial one or the foreign key's,
    whichever the planner prices lower), so it reads that thread's posts only; no sort."""
    thread = biggest_thread()
    last = Post.objects.filter(thread=thread, parent__isnull=True, is_opening=False).order_by("-created_at").first()
    last.thread = thread
    captured = captured_plans(lambda: community_selectors.thread_page_number_of(post=last))
    assert len(captured) == 1
    sql, plan = captured[0]
    scans = [n for n in nodes(plan) if n.get("Relation Name") == Post._meta.db_table]
    assert scans and all("thread_id = " in n.get("Index Cond", "") for n in scans), f"{sql}\n{plan}"
    assert not [n for n in nodes(plan) if n["Node Type"] in ("Seq Scan", "Sort")], plan

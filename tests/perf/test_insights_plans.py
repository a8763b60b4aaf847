"""Cost guard for the insights dashboard's donation queries (the costly ones on a popular
campaign): read through indexes, never a sequential scan of the donations or the share clicks,
whatever the size of the tables. As in test_query_plans, sequential scans are priced out
(`enable_seqscan` off) so that the planner uses one only when no index can serve the query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import ShareClick, Signature
from campaigns.services.sharing import share_link_get_or_create
from events.models import Event
from fundraising.models import Donation
from insights.selectors import DateRange
from insights.selectors.dashboard import _compute_money, campaign_event_ids
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WATCHED = {Donation._meta.db_table, ShareClick._meta.db_table, Signature._meta.db_table}


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


@pytest.fixture
def busy_campaign():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plans")
    campaign = FundraisingCampaignFactory()
    other = FundraisingCampaignFactory()
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    now = timezone.now()
    template = DonationFactory.build(campaign=campaign)
    rows = []
    for n in range(3000):
        rows.append(
            Donation(
                campaign=campaign if n % 3 else other,
                donor_name=template.donor_name,
                email=f"d{n}@example.org",
                amount_minor=100 + n,
                currency=campaign.currency,
                state=Donation.State.SUCCEEDED if n % 7 else Donation.State.FAILED,
                succeeded_at=now - timedelta(hours=n),
                referral_share_link_id=link.pk if n % 5 == 0 else None,
            )
        )
    Donation.objects.bulk_create(rows, batch_size=1000)
    ShareClick.objects.bulk_create(
        [ShareClick(share_link=link, channel="whatsapp", visitor=f"v{n}", day=now.date()) for n in range(500)]
    )
    Signature.objects.bulk_create(
        [
            Signature(campaign=campaign, name="S", email=f"s{n}@example.org", confirmed_at=now - timedelta(hours=n),
                      share_link=link if n % 2 else None)
            for n in range(1000)
        ]
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Signature._meta.db_table}")
        cursor.execute(f"ANALYZE {Donation._meta.db_table}")
        cursor.execute(f"ANALYZE {ShareClick._meta.db_table}")
    return campaign


def test_the_dashboards_donation_queries_use_indexes(busy_campaign):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        _compute_money(campaign=busy_campaign, period=DateRange(today - timedelta(days=29), today))
    donation_queries = [q["sql"] for q in queries.captured_queries if Donation._meta.db_table in q["sql"]]
    assert len(donation_queries) >= 6
    used_indexes = set()
    for sql in [q["sql"] for q in queries.captured_queries]:  # the signatures and pledges by channel too
        plan = _plan(sql)
        seq = [
            n["Relation Name"] for n in _nodes(plan) if n["Node Type"] == "Seq Scan" and n["Relation Name"] in WATCHED
        ]
        assert not seq, f"sequential scan of {seq} in {sql}:\n{plan}"
        used_indexes |= {n["Index Name"] for n in _nodes(plan) if "Index Name" in n}
    assert "donation_organizer_paid" in used_indexes  # the paid-in-a-period scans
    assert "shareclick_link_latest" in used_indexes  # each gift's latest click: one probe


def test_the_dashboards_list_of_events_uses_an_index():
    """The dashboard's scopes name each event of the campaign (insights.selectors.dashboard
    .dashboard_scopes): one read of the campaign's events by index, however many events there are."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plans")
    campaign, other = FundraisingCampaignFactory(), FundraisingCampaignFactory()
    for n in range(60):
        EventFactory(campaign=campaign if n % 4 == 0 else other)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Event._meta.db_table}")
    with CaptureQueriesContext(connection) as queries:
        assert len(campaign_event_ids(campaign_id=campaign.pk)) == 15
    (sql,) = [q["sql"] for q in queries.captured_queries]
    plan = _plan(sql)
    assert not [n for n in _nodes(plan) if n["Node Type"] == "Seq Scan"], plan
    assert any("Index Name" in n for n in _nodes(plan))

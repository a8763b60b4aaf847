"""CappedPaginator: the list pages count at most cap + 1 rows, whatever the table's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from causeweb.core.pagination import CappedPaginator
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_and_says_so():
    CampaignFactory.create_batch(7)
    paginator = CappedPaginator(Campaign.objects.order_by("id"), 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    assert paginator.is_capped
    assert paginator.count_label == "5+"
    assert paginator.num_pages == 3
    assert "LIMIT 6" in queries.captured_queries[0]["sql"]  # bounded, not COUNT(*) over the table
    assert paginator.get_page(99).number == 3  # past the cap: the last page it reaches


def test_under_the_cap_the_count_is_exact():
    CampaignFactory.create_batch(3)
    paginator = CappedPaginator(Campaign.objects.order_by("id"), 2, cap=5)
    assert (paginator.count, paginator.is_capped, paginator.count_label, paginator.num_pages) == (3, False, "3", 2)


def test_the_campaign_list_shows_a_capped_count(client, monkeypatch):
    monkeypatch.setattr(CappedPaginator.__init__, "__kwdefaults__", {"cap": 2})
    CampaignFactory.create_batch(3)
    assert "2+ campaigns" in client.get("/campaigns/").content.decode()

"""The read replica router (causeweb/core/replica.py): with DATABASE_REPLICA_URL the public browse
selectors read the replica; writes, reads inside a transaction, reads after a write in the same
request or task, and a browser's reads for a short window after it wrote go to the primary; a
replica that does not answer falls back to the primary. In the tests `replica` is a TEST MIRROR of
`default` (the same test database through a second connection), so where a query ran is told by
which connection executed it."""

import pytest
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.selectors import campaign_search
from causeweb.core import replica
from communities.selectors import group_search
from events.selectors import EventFilters, event_list_public
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_REPLICA_ENABLED = True
    replica._replica_down_until = 0.0
    replica.reset()
    yield
    replica.reset()
    replica._replica_down_until = 0.0


def _ran_on(alias, evaluate) -> int:
    with CaptureQueriesContext(connections[alias]) as queries:
        evaluate()
    return len(queries)


def test_public_browse_reads_go_to_the_replica(replica_on):
    CampaignFactory(title="Clean the river")
    replica.reset()  # a new request: the factory's write pinned this one
    assert campaign_search().db == "replica"
    assert [c.title for c in campaign_search()] == ["Clean the river"]  # the mirror sees committed rows
    assert _ran_on("replica", lambda: list(campaign_search())) >= 1
    assert _ran_on("default", lambda: list(campaign_search())) == 0
    assert event_list_public(filters=EventFilters()).db == "replica"
    assert group_search().db == "replica"


def test_without_a_replica_everything_reads_the_primary(settings):
    settings.DATABASE_REPLICA_ENABLED = False
    CampaignFactory()
    assert replica.read_alias() == "default"
    assert campaign_search()._db is None  # untouched: the default database
    assert _ran_on("replica", lambda: list(campaign_search())) == 0


def test_writes_go_to_the_primary_and_pin_later_reads_to_it(replica_on):
    assert replica.read_alias() == "replica"
    campaign = CampaignFactory()  # a write through the router
    assert replica.ReplicaRouter().db_for_write(type(campaign)) == "default"
    assert replica.read_alias() == "default"  # read-after-write in this request/task
    assert _ran_on("replica", lambda: list(campaign_search())) == 0


def test_reads_inside_a_transaction_on_the_primary_stay_there(replica_on):
    with transaction.atomic():
        assert replica.read_alias() == "default"
        assert _ran_on("replica", lambda: list(campaign_search())) == 0


def test_a_replica_that_does_not_answer_falls_back_to_the_primary_and_is_not_retried_at_once(
    replica_on, monkeypatch, caplog
):
    CampaignFactory(title="Still listed")
    replica.reset()
    calls = []

    def refuse():
        calls.append(1)
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["replica"], "ensure_connection", refuse)
    assert [c.title for c in campaign_search()] == ["Still listed"]
    assert [c.title for c in campaign_search()] == ["Still listed"]
    assert len(calls) == 1  # the breaker: one failed connect per REPLICA_RETRY_SECONDS
    assert "read replica unavailable" in caplog.text


@pytest.mark.postgres
def test_a_replica_at_a_closed_port_falls_back_to_the_primary(replica_on):
    connection = connections["replica"]
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(PORT=1, HOST="127.0.0.1")
    try:
        CampaignFactory(title="Reachable")
        replica.reset()
        assert [c.title for c in campaign_search()] == ["Reachable"]
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_a_browser_that_wrote_reads_the_primary_for_the_sticky_window(client, replica_on, settings, user):
    CampaignFactory()
    replica.reset()
    browse = reverse("campaigns:list")
    settings.PAGE_CACHE_ENABLED = False
    assert _ran_on("replica", lambda: client.get(browse)) >= 1  # a visitor: the list from the replica

    client.force_login(user)
    response = client.post(reverse("account_logout"))  # any write (here: the session's)
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS and cookie["httponly"]
    assert _ran_on("replica", lambda: client.get(browse)) == 0  # pinned: their own write is visible

    client.cookies.pop(replica.PIN_COOKIE)  # the window has passed (the browser dropped the cookie)
    assert _ran_on("replica", lambda: client.get(browse)) >= 1


def test_the_router_never_migrates_the_replica_and_allows_relations_across_the_pair():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("replica", "campaigns") is False
    assert router.allow_migrate("default", "campaigns") is True
    a, b = CampaignFactory.build(), CampaignFactory.build()
    a._state.db, b._state.db = "replica", "default"
    assert router.allow_relation(a, b) is True

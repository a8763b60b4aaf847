"""The deadline collection survives its worker being killed: a real Celery worker on Redis
charges 100 pledges against a localstripe subprocess, is SIGKILLed halfway, and a new worker
(started by the beat sweep, as in production) finishes. Every pledge is charged exactly once:
counted as succeeded PaymentIntents in localstripe and as Donations in the ledger.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/causeweb_x REDIS_URL=redis://127.0.0.1:6379/3 \
    .venv/bin/python -m pytest tests/fundraising/test_pledge_worker_kill.py
"""

import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from fundraising.models import CampaignFunding, Donation, Pledge
from fundraising.services import pledges
from fundraising.tasks import pledge_campaign_settle, pledge_deadline_sweep
from tests.fundraising.factories import UserFactory, funding_totals
from tests.fundraising.test_pledges import back, pass_deadline
from tests.workers import start_worker, stop_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.stripe,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(600),
]

PLEDGES = 100


def stripe_intents(stripe_api) -> list[dict]:
    """Every PaymentIntent localstripe holds, paged like any Stripe list."""
    found, after = [], None
    while True:
        params = {"limit": 100, **({"starting_after": after} if after else {})}
        page = requests.get(
            f"{stripe_api}/v1/payment_intents",
            params=params,
            headers={"Authorization": "Bearer sk_test_causeweb_localstripe"},
            timeout=10,
        ).json()
        found += page["data"]
        if not page.get("has_more") or not page["data"]:
            return found
        after = page["data"][-1]["id"]


def wait_for(condition, *, seconds: float, worker=None, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None:
            assert worker.poll() is None, "the worker exited"
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def test_killed_worker_halfway_through_100_pledges_charges_each_once(
    stripe_browser, stripe_api, aon_campaign, artifacts_dir
):
    backed = [back(aon_campaign, stripe_browser, 1000, user=UserFactory()) for _ in range(PLEDGES)]
    pass_deadline(aon_campaign)
    env = {"STRIPE_API_BASE": stripe_api, "STRIPE_SECRET_KEY": "sk_test_causeweb_localstripe"}

    first, first_log = start_worker(
        queues="payments", log_path=artifacts_dir / "pledge-kill-worker-1.log", name="pledges-1", **env
    )
    try:
        pledge_campaign_settle.delay(aon_campaign.pk)  # what the sweep queues at the deadline
        collected = Pledge.objects.filter(campaign=aon_campaign, state=Pledge.State.COLLECTED)
        wait_for(lambda: collected.count() >= PLEDGES // 3, seconds=180, worker=first, what="a third collected")
    finally:
        stop_worker(first, first_log, sig=signal.SIGKILL)
    at_kill = Counter(Pledge.objects.filter(campaign=aon_campaign).values_list("state", flat=True))
    assert 0 < at_kill[Pledge.State.COLLECTED] < PLEDGES, at_kill  # killed halfway, not after the end
    print(f"states when the worker was killed: {dict(at_kill)}")
    assert CampaignFunding.objects.get(campaign=aon_campaign).pledge_outcome == "collecting"

    # Ten minutes later (a pledge the dead worker had claimed is stale by then; nobody else holds
    # it), beat's sweep finds the campaign still collecting and a new worker resumes it.
    Pledge.objects.filter(state=Pledge.State.CHARGING).update(
        charge_claimed_at=timezone.now() - pledges.CHARGE_CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    second, second_log = start_worker(
        queues="payments", log_path=artifacts_dir / "pledge-kill-worker-2.log", name="pledges-2", **env
    )
    try:
        pledge_deadline_sweep.delay()
        wait_for(
            lambda: CampaignFunding.objects.get(campaign=aon_campaign).pledge_outcome == "collected",
            seconds=300,
            worker=second,
            what="the collection to finish",
        )
    finally:
        stop_worker(second, second_log)

    assert Counter(Pledge.objects.values_list("state", flat=True)) == {Pledge.State.COLLECTED: PLEDGES}
    donations = Donation.objects.filter(campaign=aon_campaign)
    assert donations.count() == PLEDGES
    assert donations.filter(state=Donation.State.SUCCEEDED).count() == PLEDGES
    assert set(donations.values_list("pledge__pk", flat=True)) == {p.pk for p in backed}

    intents = [i for i in stripe_intents(stripe_api) if i["metadata"].get("campaign_id") == str(aon_campaign.pk)]
    succeeded = Counter(i["metadata"]["pledge_id"] for i in intents if i["status"] == "succeeded")
    assert succeeded == {str(p.pk): 1 for p in backed}  # every pledge charged, none twice
    # An intent the killed worker created but never stored (localstripe ignores idempotency keys;
    # Stripe would have returned the same one) was never confirmed: no money moved with it.
    assert {i["status"] for i in intents} <= {"succeeded", "requires_confirmation"}
    print(f"PaymentIntents: {len(intents)} ({sum(succeeded.values())} succeeded)")
    assert sum(i["amount"] for i in intents if i["status"] == "succeeded") == PLEDGES * 1000
    funding = funding_totals(aon_campaign)  # the row plus its shards
    assert (funding.raised_minor, funding.donor_count) == (PLEDGES * 1000, PLEDGES)

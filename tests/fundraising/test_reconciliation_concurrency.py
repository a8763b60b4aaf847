"""Real concurrency on PostgreSQL: two reconciliation runs started at once (beat double-fire and
an admin's "run now"): one runs, the other is refused; a webhook racing the totals repair is
not lost."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from fundraising import gateway
from fundraising.models import CampaignFunding, Donation, ReconciliationRun
from fundraising.services import reconciliation, transitions
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, funding_totals

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_started_at_once_one_runs_the_other_is_refused(monkeypatch):
    listing = threading.Event()
    release = threading.Event()

    def slow_charges_list(*, created_gt):
        listing.set()
        release.wait(10)
        return iter(())

    monkeypatch.setattr(gateway, "charges_list", slow_charges_list)

    def start():
        try:
            return reconciliation.reconciliation_run().status
        except reconciliation.ReconciliationBusy:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(start)
        assert listing.wait(10)
        second = pool.submit(start)
        assert second.result(timeout=10) == "busy"
        release.set()
        assert first.result(timeout=10) == "succeeded"
    assert ReconciliationRun.objects.count() == 1


def test_a_payment_applied_while_totals_are_repaired_is_counted(monkeypatch):
    campaign = FundraisingCampaignFactory()
    paid = DonationFactory(campaign=campaign, amount_minor=1000)
    transitions_lock = threading.Event()
    proceed = threading.Event()
    donations = [paid, DonationFactory(campaign=campaign, amount_minor=500)]
    with transaction.atomic():
        transitions._mark_succeeded(transitions._lock(paid.pk), payment_intent_id="pi_c1")
    CampaignFunding.objects.filter(campaign=campaign).update(raised_minor=7, donor_count=9)  # drift
    monkeypatch.setattr(gateway, "charges_list", lambda *, created_gt: iter(()))
    monkeypatch.setattr(reconciliation, "_check_local_successes", lambda run, tally: None)

    real_totals = reconciliation._ledger_totals

    def totals_then_wait(campaign_ids=None):
        result = real_totals(campaign_ids)
        if campaign_ids is not None:  # under the funding row lock: let the payment try to land now
            transitions_lock.set()
            proceed.wait(0.5)
        return result

    monkeypatch.setattr(reconciliation, "_ledger_totals", totals_then_wait)

    def pay_second():
        transitions_lock.wait(10)
        try:
            with transaction.atomic():
                transitions._mark_succeeded(transitions._lock(donations[1].pk), payment_intent_id="pi_c2")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        payer = pool.submit(pay_second)
        run = pool.submit(lambda: (reconciliation.reconciliation_run(), connection.close())[0])
        run.result(timeout=20)
        proceed.set()
        payer.result(timeout=20)
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (1500, 2)
    assert Donation.objects.filter(state="succeeded").count() == 2

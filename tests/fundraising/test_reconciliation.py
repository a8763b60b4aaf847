"""Reconciliation against a real localstripe (charges listed with created[gt] and auto-paging,
refunds listed per charge): lost webhooks are applied, lost refunds recorded, totals end exact,
a second run changes nothing, and what cannot be fixed becomes a Discrepancy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from causeweb.core.exceptions import PermissionDenied
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import gateway
from fundraising.models import CampaignFunding, Discrepancy, Donation, ReconciliationRun, Refund
from fundraising.services import charging, donations, reconciliation
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]

VISA = "4242424242424242"


def paid_in_stripe_only(stripe_browser, campaign, amount_minor=2500):
    """A donation Stripe charged whose webhook never arrived and whose page died before the
    server heard back: pending here, succeeded in Stripe."""
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=amount_minor,
        cover_fee=False,
        donor_name="Grace Hopper",
        email="grace@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    saved = gateway.setup_intent_retrieve(setup_intent_id=setup["setup_intent_id"])
    intent = gateway.payment_intent_create(
        amount_minor=donation.total_minor,
        currency=donation.currency,
        customer_id=saved["customer"] or donation.stripe_customer_id,
        payment_method_id=saved["payment_method"],
        metadata={"donation_id": str(donation.pk)},
        idempotency_key=f"test-{donation.pk}-intent",
    )
    assert gateway.payment_intent_confirm(payment_intent_id=intent.id, idempotency_key="c").status == "succeeded"
    donation.refresh_from_db()
    assert donation.state == Donation.State.PENDING
    return donation, intent


def paid_properly(stripe_browser, campaign, amount_minor=1000):
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=amount_minor,
        cover_fee=False,
        donor_name="Ada",
        email="ada@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    donation, _ = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    return donation


def totals(campaign):
    funding = funding_totals(campaign)
    return funding.raised_minor, funding.donor_count


def test_lost_webhooks_are_applied_totals_end_exact_and_a_second_run_changes_nothing(stripe_browser, campaign):
    ok = paid_properly(stripe_browser, campaign, 1000)
    lost_a, intent_a = paid_in_stripe_only(stripe_browser, campaign, 2500)
    lost_b, _ = paid_in_stripe_only(stripe_browser, campaign, 4000)
    # A refund made in the Stripe dashboard whose charge.refunded webhook was lost too.
    stripe_refund = gateway.refund_create(
        payment_intent_id=ok.stripe_payment_intent_id, amount_minor=300, metadata={}, idempotency_key="dash"
    )
    assert totals(campaign) == (1000, 1)

    run = reconciliation.reconciliation_run()

    assert run.status == ReconciliationRun.Status.SUCCEEDED
    assert run.charges_checked == 3 and run.refunds_checked == 1
    assert (run.fixed_count, run.flagged_count) == (3, 0)
    assert run.duration_ms is not None and run.finished_at is not None
    for donation, intent_id in ((lost_a, intent_a.id), (lost_b, None)):
        donation.refresh_from_db()
        assert donation.state == Donation.State.SUCCEEDED
        assert donation.stripe_charge_id.startswith("ch_")
        if intent_id:
            assert donation.stripe_payment_intent_id == intent_id
    ok.refresh_from_db()
    assert (ok.state, ok.refunded_minor) == (Donation.State.PARTIALLY_REFUNDED, 300)
    assert Refund.objects.get(donation=ok).stripe_refund_id == stripe_refund["id"]
    # Totals: 1000 - 300 + 2500 + 4000, three donors; the donors got their receipts.
    assert totals(campaign) == (7200, 3)
    assert Notification.objects.filter(kind=Kind.DONATION_RECEIPT, email="grace@example.org").count() == 2
    kinds = sorted(run.discrepancies.values_list("kind", "status"))
    assert kinds == [
        ("payment_applied", "repaired"),
        ("payment_applied", "repaired"),
        ("refund_recorded", "repaired"),
    ]

    again = reconciliation.reconciliation_run()

    assert again.status == ReconciliationRun.Status.SUCCEEDED
    assert again.charges_checked == 3
    assert (again.fixed_count, again.flagged_count) == (0, 0)
    assert not again.discrepancies.exists()
    assert totals(campaign) == (7200, 3)
    assert Refund.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.DONATION_RECEIPT, email="grace@example.org").count() == 2
    # The second run read from the first one's end, minus the overlap.
    assert again.window_start == run.window_end - reconciliation.OVERLAP


def test_amount_mismatch_becomes_an_open_discrepancy_and_nothing_is_applied(stripe_browser, campaign):
    donation, intent = paid_in_stripe_only(stripe_browser, campaign, 2500)
    Donation.objects.filter(pk=donation.pk).update(amount_minor=2600)  # the ledger disagrees with Stripe

    run = reconciliation.reconciliation_run()

    donation.refresh_from_db()
    assert donation.state == Donation.State.PENDING
    assert getattr(funding_totals(campaign), "raised_minor", 0) == 0
    discrepancy = run.discrepancies.get()
    assert (discrepancy.kind, discrepancy.status) == ("amount_mismatch", "open")
    assert discrepancy.donation == donation
    assert discrepancy.stripe_object_id.startswith("ch_")
    assert discrepancy.details["stripe"]["amount"] == 2500 and discrepancy.details["ledger"]["amount"] == 2600
    assert run.flagged_count == 1 and run.fixed_count == 0

    # Still open: the next run does not open it again.
    again = reconciliation.reconciliation_run()
    assert again.flagged_count == 0
    assert Discrepancy.objects.filter(kind="amount_mismatch").count() == 1


def test_a_local_success_stripe_does_not_know_is_flagged(stripe_browser, campaign):
    real = paid_properly(stripe_browser, campaign, 1000)
    ghost = DonationFactory(campaign=campaign, amount_minor=5000)
    Donation.objects.filter(pk=ghost.pk).update(
        state=Donation.State.SUCCEEDED, succeeded_at=timezone.now(), stripe_payment_intent_id="pi_doesnotexist"
    )
    no_intent = DonationFactory(campaign=campaign, amount_minor=700)
    Donation.objects.filter(pk=no_intent.pk).update(state=Donation.State.SUCCEEDED, succeeded_at=timezone.now())

    run = reconciliation.reconciliation_run()

    open_ones = {d.donation_id: d for d in run.discrepancies.filter(status="open")}
    assert set(open_ones) == {ghost.pk, no_intent.pk}
    assert open_ones[ghost.pk].kind == "missing_charge"
    assert open_ones[ghost.pk].details["stripe_status"] == "missing"
    assert open_ones[no_intent.pk].details["stripe_status"] == "none"
    assert real.pk not in open_ones
    assert run.donations_checked == 3


def test_campaign_total_drift_is_repaired_with_an_audit_entry(stripe_browser, campaign):
    paid_properly(stripe_browser, campaign, 1000)
    other = FundraisingCampaignFactory()
    # Shown: 99,999 from 7 (the row's figures plus the shard that holds the real 1,000 from 1).
    CampaignFunding.objects.filter(campaign=campaign).update(raised_minor=98999, donor_count=6)
    CampaignFunding.objects.create(campaign=other, currency="EUR", raised_minor=500, donor_count=1)

    run = reconciliation.reconciliation_run()

    assert totals(campaign) == (1000, 1)
    assert totals(other) == (0, 0)
    drift = {d.campaign_id: d for d in run.discrepancies.filter(kind="funding_drift")}
    assert set(drift) == {campaign.pk, other.pk}
    assert drift[campaign.pk].status == "repaired"
    assert drift[campaign.pk].details == {
        "before": {"raised_minor": 99999, "donor_count": 7},
        "after": {"raised_minor": 1000, "donor_count": 1},
    }
    assert reconciliation.reconciliation_run().fixed_count == 0


def test_many_charges_are_read_across_pages(stripe_browser, campaign, monkeypatch):
    monkeypatch.setattr(gateway, "LIST_PAGE_SIZE", 2)
    lost = [paid_in_stripe_only(stripe_browser, campaign, 1000 + i)[0] for i in range(5)]
    run = reconciliation.reconciliation_run()
    assert run.charges_checked == 5 and run.fixed_count == 5
    assert all(Donation.objects.get(pk=d.pk).state == Donation.State.SUCCEEDED for d in lost)
    assert totals(campaign) == (sum(1000 + i for i in range(5)), 5)


def test_charges_before_the_window_are_not_read(stripe_browser, campaign):
    paid_in_stripe_only(stripe_browser, campaign)
    ReconciliationRun.objects.create(
        status=ReconciliationRun.Status.SUCCEEDED,
        window_start=timezone.now() - timedelta(hours=2),
        window_end=timezone.now() + reconciliation.OVERLAP + timedelta(minutes=1),
    )
    run = reconciliation.reconciliation_run()
    assert run.charges_checked == 0 and run.fixed_count == 0


def test_one_run_at_a_time_and_a_lost_worker_does_not_block_forever(stripe_api):
    stuck = ReconciliationRun.objects.create(window_start=timezone.now(), window_end=timezone.now())
    with pytest.raises(reconciliation.ReconciliationBusy):
        reconciliation.reconciliation_run()
    ReconciliationRun.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=3))
    run = reconciliation.reconciliation_run()
    assert run.status == ReconciliationRun.Status.SUCCEEDED
    stuck.refresh_from_db()
    assert stuck.status == ReconciliationRun.Status.ABANDONED


def test_stripe_unreachable_fails_the_run_and_the_window_does_not_advance(stripe_api, settings):
    first = reconciliation.reconciliation_run()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    failed = reconciliation.reconciliation_run()
    assert failed.status == ReconciliationRun.Status.FAILED and "unavailable" in failed.error
    settings.STRIPE_API_BASE = stripe_api
    later = reconciliation.reconciliation_run()
    assert later.window_start == first.window_end - reconciliation.OVERLAP


def test_only_finance_staff_start_a_run_by_hand(stripe_api):
    with pytest.raises(PermissionDenied):
        reconciliation.reconciliation_run(trigger=ReconciliationRun.Trigger.ADMIN, actor=UserFactory(is_staff=True))
    assert not ReconciliationRun.objects.exists()
    boss = UserFactory(is_staff=True, is_superuser=True)
    run = reconciliation.reconciliation_run(trigger=ReconciliationRun.Trigger.ADMIN, actor=boss)
    assert run.requested_by == boss and run.trigger == "admin"

"""The admin refund claims, asks Stripe outside any transaction or row lock, then applies
(fundraising/services/refunds.py): a slow Stripe no longer holds the donation row."""

import threading

import pytest
from django.db import connection, connections, transaction

from causeweb.core.exceptions import Conflict
from fundraising import gateway
from fundraising.models import Donation, Refund
from fundraising.services import refunds
from tests.fundraising.conftest import charge_object, intent_object, stripe_event
from tests.fundraising.factories import DonationFactory, funding_totals


@pytest.fixture
def paid_donation(campaign, post_event):
    donation = DonationFactory(campaign=campaign, amount_minor=3000, stripe_payment_intent_id="pi_refundlock")
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    return donation


def totals(campaign):
    row = funding_totals(campaign)  # the row plus its shards
    return row.raised_minor, row.donor_count


def stripe_refunds_with(monkeypatch, during):
    """gateway.refund_create answering like Stripe, after running `during(kwargs)`."""

    def refund_create(**kwargs):
        during(kwargs)
        return {"id": f"re_{kwargs['metadata']['refund_id']}", "amount": kwargs["amount_minor"], "status": "succeeded"}

    monkeypatch.setattr(gateway, "refund_create", refund_create)


@pytest.mark.django_db(transaction=True)  # no test-case transaction around it, so in_atomic_block is ours
def test_no_transaction_is_open_during_the_stripe_call(paid_donation, staff_user, campaign, monkeypatch):
    seen = {}
    stripe_refunds_with(monkeypatch, lambda kwargs: seen.update(atomic=connection.in_atomic_block, **kwargs))
    refund = refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=1000)
    assert seen["atomic"] is False
    assert seen["idempotency_key"] == f"donation-{paid_donation.pk}-refund-{refund.pk}"
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.APPLIED, f"re_{refund.pk}")
    paid_donation.refresh_from_db()
    assert (paid_donation.state, paid_donation.refunded_minor) == (Donation.State.PARTIALLY_REFUNDED, 1000)
    assert totals(campaign) == (2000, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_donation_row_is_not_locked_during_the_stripe_call(paid_donation, staff_user, monkeypatch):
    """Another connection takes the donation's row lock with NOWAIT while Stripe is being asked
    (what a webhook for the same donation does): it gets it at once."""
    outcome = {}

    def lock_from_another_connection(_kwargs):
        def other():
            try:
                with transaction.atomic():
                    Donation.objects.select_for_update(nowait=True).get(pk=paid_donation.pk)
                outcome["locked"] = True
            except Exception as exc:  # DatabaseError "could not obtain lock on row"
                outcome["error"] = repr(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)

    stripe_refunds_with(monkeypatch, lock_from_another_connection)
    refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=3000)
    assert outcome == {"locked": True}
    paid_donation.refresh_from_db()
    assert paid_donation.state == Donation.State.REFUNDED


@pytest.mark.django_db
def test_a_second_refund_while_the_first_is_with_stripe_finds_nothing_left(paid_donation, staff_user, monkeypatch):
    second = {}

    def refund_again(_kwargs):
        try:
            refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=3000)
        except Conflict as exc:
            second["error"] = exc

    stripe_refunds_with(monkeypatch, refund_again)
    refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=3000)
    assert "nothing left to refund" in str(second["error"])
    assert Refund.objects.filter(donation=paid_donation).count() == 1


@pytest.mark.django_db
def test_stripe_refusing_releases_the_claim(paid_donation, staff_user, campaign, monkeypatch):
    def refused(**kwargs):
        raise gateway.GatewayError("charge already refunded", code="charge_already_refunded")

    monkeypatch.setattr(gateway, "refund_create", refused)
    with pytest.raises(gateway.GatewayError):
        refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=3000)
    assert Refund.objects.get(donation=paid_donation).status == Refund.Status.FAILED
    assert totals(campaign) == (3000, 1)
    stripe_refunds_with(monkeypatch, lambda kwargs: None)
    refund = refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=3000)
    assert refund.status == Refund.Status.APPLIED and totals(campaign) == (0, 0)


@pytest.mark.django_db
def test_the_webhook_arriving_before_the_apply_step_applies_the_pending_row_once(
    paid_donation, staff_user, campaign, post_event, monkeypatch
):
    def webhook_first(kwargs):
        refund_id = kwargs["metadata"]["refund_id"]
        listed = [{"id": f"re_{refund_id}", "amount": 1200, "metadata": {"refund_id": refund_id}}]
        post_event(stripe_event("charge.refunded", charge_object(paid_donation, amount_refunded=1200, refunds=listed)))

    stripe_refunds_with(monkeypatch, webhook_first)
    refund = refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=1200)
    assert Refund.objects.filter(donation=paid_donation).count() == 1
    assert (refund.status, refund.source, refund.stripe_refund_id) == (
        Refund.Status.APPLIED,
        Refund.Source.ADMIN,
        f"re_{refund.pk}",
    )
    paid_donation.refresh_from_db()
    assert paid_donation.refunded_minor == 1200 and totals(campaign) == (1800, 1)


@pytest.mark.django_db
def test_a_process_that_died_after_stripe_refunded_is_completed_by_the_webhook(
    paid_donation, staff_user, campaign, post_event, monkeypatch
):
    def die(**kwargs):
        raise SystemExit  # the web process is killed between the Stripe call and the apply step

    monkeypatch.setattr(gateway, "refund_create", die)
    with pytest.raises(SystemExit):
        refunds.donation_refund(actor=staff_user, donation_id=paid_donation.pk, amount_minor=500)
    pending = Refund.objects.get(donation=paid_donation)
    assert pending.status == Refund.Status.PENDING and totals(campaign) == (3000, 1)
    # Stripe made it; its event lists the refund without metadata (a truncated list, say).
    post_event(stripe_event("charge.refunded", charge_object(paid_donation, amount_refunded=500)))
    pending.refresh_from_db()
    assert pending.status == Refund.Status.APPLIED and Refund.objects.filter(donation=paid_donation).count() == 1
    assert totals(campaign) == (2500, 1)

"""An admin refund retried after Stripe did not answer refunds once (fundraising/services/refunds.py).

Against localstripe, which ignores idempotency keys: the guard is ours. The first attempt's claim
stays pending when Stripe's answer is lost; the retry resumes that claim (same idempotency key)
and finds the refund Stripe already made by the claim named in its metadata."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from causeweb.core.exceptions import Conflict
from fundraising import gateway
from fundraising.models import Donation, Refund
from fundraising.services import charging, donations, refunds
from tests.fundraising.factories import funding_totals

VISA = "4242424242424242"


def _paid(stripe_browser, campaign, amount_minor=5000):
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=amount_minor,
        cover_fee=False,
        donor_name="Ada Lovelace",
        email="ada@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    donation, _ = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    assert donation.state == Donation.State.SUCCEEDED
    return donation


def _stripe_refunds(donation) -> list:
    charge = gateway.client().v1.charges.retrieve(donation.stripe_charge_id)
    listed = gateway.refunds_list(charge_id=donation.stripe_charge_id)
    return charge.amount_refunded, listed


def _answer_lost(monkeypatch, *, reached_stripe: bool):
    """refund_create whose answer never comes back (a read timeout): Stripe may or may not have
    refunded. Records every idempotency key asked."""
    real = gateway.refund_create
    keys = []

    def timed_out(**kwargs):
        keys.append(kwargs["idempotency_key"])
        if reached_stripe:
            real(**kwargs)
        raise gateway.GatewayError(gateway.UNAVAILABLE_MESSAGE, code="unavailable")

    monkeypatch.setattr(gateway, "refund_create", timed_out)
    return real, keys


@pytest.mark.django_db
@pytest.mark.stripe
def test_a_retry_after_stripe_refunded_but_the_answer_was_lost_refunds_once(
    stripe_browser, campaign, staff_user, monkeypatch
):
    donation = _paid(stripe_browser, campaign)
    real, keys = _answer_lost(monkeypatch, reached_stripe=True)
    with pytest.raises(gateway.GatewayError) as lost:
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=2000)
    assert "will not be refunded twice" in lost.value.message
    claim = Refund.objects.get(donation=donation)
    assert (claim.status, claim.claimed_at) == (Refund.Status.PENDING, None)

    asked = []
    monkeypatch.setattr(gateway, "refund_create", lambda **kwargs: asked.append(kwargs) or real(**kwargs))
    refund = refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=2000)

    assert refund.pk == claim.pk and refund.status == Refund.Status.APPLIED
    assert asked == []  # Stripe had made it: found by the claim in its metadata, not asked again
    amount_refunded, listed = _stripe_refunds(donation)
    assert amount_refunded == 2000 and len(listed) == 1
    assert listed[0]["id"] == refund.stripe_refund_id and listed[0]["metadata"]["refund_id"] == str(claim.pk)
    donation.refresh_from_db()
    assert (donation.state, donation.refunded_minor) == (Donation.State.PARTIALLY_REFUNDED, 2000)
    assert Refund.objects.filter(donation=donation).count() == 1
    assert funding_totals(campaign).raised_minor == 3000
    assert keys == [f"donation-{donation.pk}-refund-{claim.pk}"]


@pytest.mark.django_db
@pytest.mark.stripe
def test_a_retry_after_stripe_never_got_the_request_asks_again_under_the_same_key(
    stripe_browser, campaign, staff_user, monkeypatch
):
    donation = _paid(stripe_browser, campaign)
    real, keys = _answer_lost(monkeypatch, reached_stripe=False)
    with pytest.raises(gateway.GatewayError):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=5000)
    assert _stripe_refunds(donation) == (0, [])

    def recorded(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real(**kwargs)

    monkeypatch.setattr(gateway, "refund_create", recorded)
    refund = refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=5000)
    assert keys == [f"donation-{donation.pk}-refund-{refund.pk}"] * 2  # one claim, one key
    amount_refunded, listed = _stripe_refunds(donation)
    assert amount_refunded == 5000 and len(listed) == 1
    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED
    assert Refund.objects.filter(donation=donation).count() == 1

    # A third click: nothing left; Stripe is not asked.
    with pytest.raises(Conflict):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=5000)
    assert len(keys) == 2


@pytest.mark.django_db
@pytest.mark.stripe
def test_an_unconfirmed_refund_must_be_finished_before_another_amount(
    stripe_browser, campaign, staff_user, monkeypatch
):
    donation = _paid(stripe_browser, campaign)
    real, _ = _answer_lost(monkeypatch, reached_stripe=True)
    with pytest.raises(gateway.GatewayError):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1000)
    monkeypatch.setattr(gateway, "refund_create", real)

    with pytest.raises(Conflict) as other_amount:
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1500)
    assert other_amount.value.code == "refund_unconfirmed"
    assert _stripe_refunds(donation)[0] == 1000  # only the first one

    refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1000)  # finishes it
    refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1500)  # then a new one
    amount_refunded, listed = _stripe_refunds(donation)
    assert amount_refunded == 2500 and len(listed) == 2
    assert (
        list(Refund.objects.filter(donation=donation).values_list("status", flat=True)) == [Refund.Status.APPLIED] * 2
    )


@pytest.mark.django_db
@pytest.mark.stripe
def test_a_process_that_died_mid_call_is_resumed_once_its_claim_is_stale(
    stripe_browser, campaign, staff_user, monkeypatch
):
    donation = _paid(stripe_browser, campaign)
    real = gateway.refund_create

    def die(**kwargs):
        real(**kwargs)
        raise SystemExit  # killed after Stripe refunded: the claim stays live, then goes stale

    monkeypatch.setattr(gateway, "refund_create", die)
    with pytest.raises(SystemExit):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=500)
    monkeypatch.setattr(gateway, "refund_create", real)
    with pytest.raises(Conflict):  # a click while the claim may still be with Stripe: not asked again
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=500)

    Refund.objects.update(claimed_at=timezone.now() - refunds.REFUND_CLAIM_TIMEOUT - timedelta(seconds=1))
    refund = refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=500)
    assert refund.status == Refund.Status.APPLIED
    assert _stripe_refunds(donation)[0] == 500 and Refund.objects.filter(donation=donation).count() == 1


@pytest.mark.django_db
def test_one_pending_admin_refund_per_donation_is_a_database_rule(campaign, staff_user):
    from tests.fundraising.factories import DonationFactory

    donation = DonationFactory(campaign=campaign, amount_minor=3000)
    fields = {"donation": donation, "amount_minor": 100, "currency": "EUR", "source": Refund.Source.ADMIN}
    Refund.objects.create(status=Refund.Status.PENDING, **fields)
    Refund.objects.create(status=Refund.Status.FAILED, **fields)  # history is not a claim
    Refund.objects.create(status=Refund.Status.PENDING, **{**fields, "source": Refund.Source.STRIPE})
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(status=Refund.Status.PENDING, **fields)

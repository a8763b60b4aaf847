"""The card path against a real localstripe subprocess: the same calls the page and the server
make in production (SetupIntent confirmed by the "browser", PaymentIntent created and confirmed
by the server, 3D Secure, refunds)."""

import pytest

from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import gateway, rules
from fundraising.models import Donation, Refund
from fundraising.services import charging, donations, refunds, settling, transitions
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]

VISA = "4242424242424242"
DECLINED_AT_CHARGE = "4000000000000341"
DECLINED_AT_SETUP = "4000000000000002"
THREE_D_SECURE = "4000002500003155"


def give(campaign, amount_minor=2500, *, cover_fee=False, user=None, visibility="name"):
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=amount_minor,
        cover_fee=cover_fee,
        donor_name="Ada Lovelace",
        email="ada@example.org",
        visibility=visibility,
        message="Go!",
        user=user,
    )
    setup = donations.donation_start_payment(donation=donation)
    return donation, setup


def funding(campaign):
    return funding_totals(campaign)


def test_successful_donation_charges_counts_and_sends_one_receipt(stripe_browser, campaign):
    donation, setup = give(campaign, 2500, cover_fee=True)
    assert stripe_browser.confirm_card_setup(setup["client_secret"], VISA)["status"] == "succeeded"

    donation, client_secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])

    assert client_secret == ""
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    assert donation.stripe_payment_intent_id.startswith("pi_")
    assert donation.stripe_charge_id.startswith("ch_")
    intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 2500 + donation.fee_minor, "EUR")
    assert intent.metadata["donation_id"] == str(donation.pk)
    assert donation.fee_minor == rules.processing_fee(amount_minor=2500, currency="EUR") == 64
    totals = funding(campaign)
    assert (totals.raised_minor, totals.donor_count) == (2500, 1)
    receipts = Notification.objects.filter(kind=Kind.DONATION_RECEIPT, email="ada@example.org")
    assert receipts.count() == 1

    # A second charge request (double click) and a refresh change nothing.
    charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    charging.donation_refresh(donation=donation)
    totals = funding(campaign)
    assert (totals.raised_minor, totals.donor_count) == (2500, 1)
    assert receipts.count() == 1


def test_signed_in_donor_reuses_their_stripe_customer(stripe_browser, campaign):
    user = UserFactory()
    first, setup = give(campaign, user=user)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    charging.donation_charge(donation=first, setup_intent_id=setup["setup_intent_id"])
    second, setup = give(campaign, user=user)
    first.refresh_from_db()
    assert second.stripe_customer_id == first.stripe_customer_id == user.stripe_customer.customer_id


def test_declined_card_leaves_the_donation_failed_and_uncounted(stripe_browser, campaign):
    donation, setup = give(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], DECLINED_AT_CHARGE)

    donation, client_secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])

    assert donation.state == Donation.State.FAILED
    assert "declined" in donation.failure_message.lower()
    assert donation.stripe_payment_intent_id  # known, so a late success could still be matched
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (0, 0)
    assert not Notification.objects.filter(kind=Kind.DONATION_RECEIPT).exists()


def test_card_declined_when_saving_fails_the_donation(stripe_browser, campaign):
    donation, setup = give(campaign)
    result = stripe_browser.confirm_card_setup(setup["client_secret"], DECLINED_AT_SETUP)
    assert "error" in result

    donation = charging.donation_setup_failed(donation=donation)

    assert donation.state == Donation.State.FAILED
    assert "No money was taken" in donation.failure_message
    assert not donation.stripe_payment_intent_id


def test_setup_failed_is_ignored_when_stripe_says_the_card_was_saved(stripe_browser, campaign):
    donation, setup = give(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    assert charging.donation_setup_failed(donation=donation).state == Donation.State.PENDING


def test_charge_refuses_a_setup_intent_of_another_donation(stripe_browser, campaign):
    donation, setup = give(campaign)
    other, other_setup = give(campaign)
    stripe_browser.confirm_card_setup(other_setup["client_secret"], VISA)
    with pytest.raises(ValidationError):
        charging.donation_charge(donation=donation, setup_intent_id=other_setup["setup_intent_id"])
    donation.refresh_from_db()
    assert donation.state == Donation.State.PENDING and not donation.stripe_payment_intent_id


def test_three_d_secure_completed(stripe_browser, campaign):
    donation, setup = give(campaign, 4000)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)

    donation, client_secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    assert donation.state == Donation.State.PENDING
    assert client_secret.startswith(donation.stripe_payment_intent_id + "_secret_")
    # Until Stripe says so, nothing is counted even if the page claims success.
    assert funding(campaign).raised_minor == 0

    stripe_browser.confirm_card_payment(client_secret, success=True)
    donation, client_secret = charging.donation_refresh(donation=donation)

    assert donation.state == Donation.State.SUCCEEDED
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (4000, 1)


def test_three_d_secure_failed(stripe_browser, campaign):
    donation, setup = give(campaign, 4000)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    donation, client_secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])

    stripe_browser.confirm_card_payment(client_secret, success=False)
    donation, _ = charging.donation_refresh(donation=donation)

    assert donation.state == Donation.State.FAILED
    assert donation.failure_message == transitions.AUTH_FAILED_MESSAGE
    assert funding(campaign).raised_minor == 0


def test_refresh_without_3ds_answer_keeps_pending(stripe_browser, campaign):
    donation, setup = give(campaign, 4000)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    donation, secret = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    donation, again = charging.donation_refresh(donation=donation)
    assert donation.state == Donation.State.PENDING and again == secret


def _paid(stripe_browser, campaign, amount_minor, **kwargs):
    donation, setup = give(campaign, amount_minor, **kwargs)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    donation, _ = charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    assert donation.state == Donation.State.SUCCEEDED
    return donation


def test_partial_then_full_refund(stripe_browser, campaign, staff_user):
    donation = _paid(stripe_browser, campaign, 5000)
    other = _paid(stripe_browser, campaign, 1000)
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (6000, 2)

    refund = refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=2000, reason="asked")

    donation.refresh_from_db()
    assert refund.stripe_refund_id.startswith("re_") and refund.source == Refund.Source.ADMIN
    assert donation.state == Donation.State.PARTIALLY_REFUNDED and donation.refunded_minor == 2000
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (4000, 2)
    charge = gateway.client().v1.charges.retrieve(donation.stripe_charge_id)
    assert charge.amount_refunded == 2000

    with pytest.raises(ValidationError):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=3001)

    refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=3000)
    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED and donation.refundable_minor == 0
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (1000, 1)
    assert Notification.objects.filter(kind=Kind.REFUND_ISSUED, email=donation.email).count() == 2
    assert other.refunds.count() == 0

    from causeweb.core.exceptions import Conflict

    with pytest.raises(Conflict):
        refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1)


def test_refund_of_a_fee_covering_donation_takes_the_fee_last(stripe_browser, campaign, staff_user):
    donation = _paid(stripe_browser, campaign, 2500, cover_fee=True)
    total = donation.total_minor
    refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=total)
    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED and donation.refunded_minor == total
    assert (funding(campaign).raised_minor, funding(campaign).donor_count) == (0, 0)


def test_only_finance_staff_can_refund(stripe_browser, campaign):
    from django.contrib.auth.models import Permission

    donation = _paid(stripe_browser, campaign, 2500)
    organizer = campaign.organizer
    with pytest.raises(PermissionDenied):
        refunds.donation_refund(actor=organizer, donation_id=donation.pk, amount_minor=100)
    finance = UserFactory(is_staff=True)
    finance.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    finance = type(finance).objects.get(pk=finance.pk)  # fresh permission cache
    refunds.donation_refund(actor=finance, donation_id=donation.pk, amount_minor=100)
    assert Refund.objects.filter(donation=donation, created_by=finance).count() == 1


def test_zero_decimal_currency(stripe_browser):
    campaign = FundraisingCampaignFactory(currency="JPY", goal_minor=500_000)
    donation = _paid(stripe_browser, campaign, 3000, cover_fee=True)
    intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
    # 3000 yen is 3000 minor units (no cents); the fee is whole yen too.
    assert donation.fee_minor == rules.processing_fee(amount_minor=3000, currency="JPY") == 113
    assert (intent.amount, intent.currency) == (3113, "JPY")
    assert (funding(campaign).raised_minor, funding(campaign).currency) == (3000, "JPY")


def test_stale_pending_donations_are_settled_with_stripe(stripe_browser, campaign):
    from datetime import timedelta

    from django.utils import timezone

    from fundraising import tasks

    abandoned, _ = give(campaign, 1000)  # page closed before the card was saved
    waiting_3ds, setup = give(campaign, 2000)  # 3D Secure never answered
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    waiting_3ds, secret = charging.donation_charge(donation=waiting_3ds, setup_intent_id=setup["setup_intent_id"])
    assert secret
    lost, setup = give(campaign, 3000)  # charged at Stripe, but our server never heard back
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    saved = gateway.setup_intent_retrieve(setup_intent_id=setup["setup_intent_id"])
    intent = gateway.payment_intent_create(
        amount_minor=3000,
        currency="EUR",
        customer_id=lost.stripe_customer_id,
        payment_method_id=saved["payment_method"],
        metadata={"donation_id": str(lost.pk)},
        idempotency_key="lost",
    )
    gateway.payment_intent_confirm(payment_intent_id=intent.id, idempotency_key="lost-confirm")
    Donation.objects.filter(pk=lost.pk).update(stripe_payment_intent_id=intent.id)
    recent, _ = give(campaign, 4000)
    Donation.objects.exclude(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=2))

    result = tasks.donation_settle_stale()

    assert result == {"succeeded": 1, "failed": 0, "canceled": 2, "pending": 0, "errors": 0}
    states = dict(Donation.objects.values_list("pk", "state"))
    assert states[abandoned.pk] == Donation.State.CANCELED
    assert states[waiting_3ds.pk] == Donation.State.CANCELED
    assert states[lost.pk] == Donation.State.SUCCEEDED
    assert states[recent.pk] == Donation.State.PENDING
    assert gateway.payment_intent_retrieve(payment_intent_id=waiting_3ds.stripe_payment_intent_id).status == "canceled"
    assert funding(campaign).raised_minor == 3000
    assert settling.donation_settle_stale()["succeeded"] == 0  # running it again changes nothing

"""A decline, a failed security check and a bank asking for authentication read differently and
say what to do next; Stripe's codes are mapped in one place (fundraising.rules)."""

import pytest

from fundraising import rules
from fundraising.models import Donation
from fundraising.services import charging, donations
from tests.fundraising.conftest import intent_object, stripe_event

DECLINED_AT_CHARGE = "4000000000000341"
THREE_D_SECURE = "4000002500003155"


def test_the_three_situations_have_distinct_messages_that_say_what_to_do():
    declined = rules.payment_failure_message(code="card_declined", stripe_message="Your card was declined.")
    failed_auth = rules.payment_failure_message(code="payment_intent_authentication_failure")
    needs_auth = rules.payment_failure_message(code="card_declined", decline_code="authentication_required")
    assert len({declined, failed_auth, needs_auth}) == 3
    assert all("no money was taken" in m.lower() for m in (declined, failed_auth, needs_auth))
    assert "another card" in declined
    assert "approve" in failed_auth and "3-D Secure" in failed_auth
    assert "confirm this payment" in needs_auth and "approve it" in needs_auth
    assert rules.payment_failure_message(code="setup_intent_authentication_failure") == failed_auth
    assert rules.payment_failure_message(code="authentication_required") == needs_auth


@pytest.mark.parametrize(
    ("code", "decline_code", "expected"),
    [
        ("card_declined", "insufficient_funds", "insufficient funds"),
        ("card_declined", "lost_card", "can no longer be used"),
        ("expired_card", "", "expired"),
        ("incorrect_cvc", "", "security code (CVC)"),
        ("processing_error", "", "try again in a few minutes"),
        ("card_declined", "generic_decline", "ask your bank"),
    ],
)
def test_decline_codes_get_specific_messages(code, decline_code, expected):
    assert expected in rules.payment_failure_message(code=code, decline_code=decline_code, stripe_message="x")


def test_unknown_codes_fall_back_to_stripes_words_or_the_generic_decline():
    assert rules.payment_failure_message(code="something_new", stripe_message="Odd thing.") == (
        "Odd thing. No money was taken; please try another card."
    )
    assert rules.payment_failure_message() == rules.DECLINED_MESSAGE


@pytest.mark.django_db
def test_failed_payment_webhook_uses_the_decline_code(post_event, pending_donation):
    obj = intent_object(pending_donation, status="requires_payment_method")
    obj["last_payment_error"] = {
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }
    post_event(stripe_event("payment_intent.payment_failed", obj))
    pending_donation.refresh_from_db()
    assert pending_donation.state == Donation.State.FAILED
    assert pending_donation.failure_message == rules.DECLINE_MESSAGES["insufficient_funds"]


def _start(campaign):
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=2500,
        cover_fee=False,
        donor_name="Ada",
        email="a@example.org",
        visibility="name",
    )
    return donation, donations.donation_start_payment(donation=donation)


@pytest.mark.django_db
@pytest.mark.stripe
def test_against_localstripe_a_decline_and_a_failed_security_check_read_differently(stripe_browser, campaign):
    declined, setup = _start(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], DECLINED_AT_CHARGE)
    declined, _ = charging.donation_charge(donation=declined, setup_intent_id=setup["setup_intent_id"])
    declined.refresh_from_db()
    assert declined.state == "failed" and declined.failure_message == rules.DECLINED_MESSAGE

    challenged, setup = _start(campaign)
    stripe_browser.confirm_card_setup(setup["client_secret"], THREE_D_SECURE)
    challenged, client_secret = charging.donation_charge(donation=challenged, setup_intent_id=setup["setup_intent_id"])
    assert client_secret
    stripe_browser.confirm_card_payment(client_secret, success=False)
    charging.donation_refresh(donation=challenged)
    challenged.refresh_from_db()
    assert challenged.state == "failed" and challenged.failure_message == rules.AUTH_FAILED_MESSAGE

import dataclasses
import inspect
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import gateway, rules
from fundraising.models import Donation, StripeCustomer
from fundraising.services import donations, transitions
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db


def create(campaign, **overrides):
    data = {
        "campaign": campaign,
        "amount_minor": 2500,
        "cover_fee": False,
        "donor_name": "Ada Lovelace",
        "email": "Ada@Example.org",
        "visibility": Donation.Visibility.NAME,
        "message": "",
    }
    data.update(overrides)
    return donations.donation_create(**data)


def test_create_pending_donation_and_totals_row(campaign):
    donation = create(campaign, message="  Good luck  ")
    assert donation.state == Donation.State.PENDING
    assert (donation.email, donation.message, donation.currency) == ("ada@example.org", "Good luck", "EUR")
    assert funding_totals(campaign).raised_minor == 0


@pytest.mark.parametrize(
    ("currency", "amount", "ok"),
    [
        ("EUR", 99, False),
        ("EUR", 100, True),
        ("EUR", 1_000_000, True),
        ("EUR", 1_000_001, False),
        ("USD", 100, True),
        ("GBP", 50, False),
        ("JPY", 99, False),
        ("JPY", 100, True),
        ("JPY", 1_000_000, True),
        ("JPY", 1_000_001, False),
    ],
)
def test_amount_limits_per_currency(currency, amount, ok):
    campaign = FundraisingCampaignFactory(currency=currency)
    if ok:
        assert create(campaign, amount_minor=amount).amount_minor == amount
    else:
        with pytest.raises(ValidationError) as excinfo:
            create(campaign, amount_minor=amount)
        assert "amount" in excinfo.value.message_dict
        assert not Donation.objects.exists()


def test_invalid_donor_fields_are_reported_per_field(campaign):
    with pytest.raises(ValidationError) as excinfo:
        create(campaign, email="not-an-email", donor_name="  ", visibility="loud", message="x" * 501)
    assert set(excinfo.value.message_dict) == {"email", "donor_name", "visibility", "message"}


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Campaign.Status.DRAFT},
        {"status": Campaign.Status.CLOSED},
        {"goal_minor": None},
        {"deadline": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_campaigns_that_take_no_donations(changes):
    campaign = FundraisingCampaignFactory(**changes)
    with pytest.raises(ValidationError):
        create(campaign)


def test_signed_in_donor_defaults(campaign):
    user = UserFactory(display_name="Grace Hopper")
    donation = create(campaign, user=user, email="", donor_name="")
    assert (donation.donor, donation.email, donation.donor_name) == (user, user.email, "Grace Hopper")


@pytest.mark.parametrize(
    ("currency", "amount", "fee"),
    [("EUR", 2500, 64), ("EUR", 100, 27), ("USD", 2500, 106), ("GBP", 1000, 36), ("JPY", 3000, 113), ("JPY", 100, 4)],
)
def test_processing_fee_grosses_up_so_the_campaign_keeps_the_amount(currency, amount, fee):
    assert rules.processing_fee(amount_minor=amount, currency=currency) == fee
    basis_points, fixed = rules.PROCESSING_FEES[currency]
    charged = amount + fee
    stripe_takes = charged * basis_points / 10_000 + fixed
    assert charged - stripe_takes >= amount  # covered
    assert (charged - 1) - ((charged - 1) * basis_points / 10_000 + fixed) < amount  # and not a cent more


def test_cover_fee_adds_the_fee_to_the_charge_not_to_the_raised_amount(campaign):
    donation = create(campaign, cover_fee=True)
    assert (donation.amount_minor, donation.fee_minor, donation.total_minor) == (2500, 64, 2564)
    assert transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id="pi_x")
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (2500, 1)


def test_mark_succeeded_is_applied_once(pending_donation, campaign):
    assert transitions.donation_mark_succeeded(donation_id=pending_donation.pk, payment_intent_id="pi_1") is True
    assert transitions.donation_mark_succeeded(donation_id=pending_donation.pk, payment_intent_id="pi_1") is False
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (2500, 1)
    receipt = Notification.objects.get(kind=Kind.DONATION_RECEIPT)
    assert receipt.email == pending_donation.email and "€25" in receipt.title
    assert str(pending_donation.public_id) in receipt.body
    assert receipt.context["reference"] == str(pending_donation.public_id)
    assert receipt.context["campaign"] == campaign.title and receipt.context["amount"] == "€25"


def test_failed_and_canceled_are_only_reached_from_pending(campaign):
    paid = DonationFactory(campaign=campaign)
    transitions.donation_mark_succeeded(donation_id=paid.pk, payment_intent_id="pi_paid")
    assert transitions.donation_mark_failed(donation_id=paid.pk) is False
    assert transitions.donation_cancel(donation_id=paid.pk) is False
    paid.refresh_from_db()
    assert paid.state == Donation.State.SUCCEEDED

    pending = DonationFactory(campaign=campaign)
    assert transitions.donation_cancel(donation_id=pending.pk) is True
    assert transitions.donation_mark_failed(donation_id=pending.pk) is False
    pending.refresh_from_db()
    assert pending.state == Donation.State.CANCELED


def test_counted_amount_and_refundable(campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=1000, fee_minor=50)
    assert (donation.counted_minor, donation.refundable_minor) == (0, 0)
    donation.state = Donation.State.SUCCEEDED
    assert (donation.counted_minor, donation.refundable_minor) == (1000, 1050)
    donation.refunded_minor, donation.state = 1020, Donation.State.PARTIALLY_REFUNDED
    assert (donation.counted_minor, donation.refundable_minor) == (0, 30)


@pytest.mark.parametrize(
    ("visibility", "shown"),
    [("name", "Ada King Lovelace"), ("first_name", "Ada"), ("anonymous", "Anonymous")],
)
def test_public_name(visibility, shown):
    assert Donation(donor_name="Ada King Lovelace", visibility=visibility).public_name == shown


def test_start_payment_replaces_a_saved_customer_stripe_no_longer_has(campaign, monkeypatch):
    user = UserFactory()
    StripeCustomer.objects.create(user=user, customer_id="cus_gone")
    donation = create(campaign, user=user)
    calls = []

    def setup_intent_create(*, customer_id, metadata, idempotency_key):
        calls.append((customer_id, idempotency_key))
        if customer_id == "cus_gone":
            raise gateway.GatewayError("No such customer", code="resource_missing", missing=True)
        return {"id": "seti_new", "client_secret": "seti_new_secret_x", "status": "requires_payment_method"}

    monkeypatch.setattr(gateway, "setup_intent_create", setup_intent_create)
    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_new")

    result = donations.donation_start_payment(donation=donation)

    assert result == {"setup_intent_id": "seti_new", "client_secret": "seti_new_secret_x"}
    assert calls == [("cus_gone", f"donation-{donation.pk}-setup"), ("cus_new", f"donation-{donation.pk}-setup-2")]
    assert StripeCustomer.objects.get(user=user).customer_id == "cus_new"
    donation.refresh_from_db()
    assert (donation.stripe_customer_id, donation.stripe_setup_intent_id) == ("cus_new", "seti_new")


def test_start_payment_twice_after_charging_is_a_conflict(pending_donation):
    Donation.objects.filter(pk=pending_donation.pk).update(stripe_payment_intent_id="pi_started")
    pending_donation.refresh_from_db()
    with pytest.raises(Conflict):
        donations.donation_start_payment(donation=pending_donation)


def test_stripe_outage_is_a_gateway_error_not_a_crash(campaign, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.STRIPE_CONNECT_TIMEOUT_SECONDS = 1
    donation = create(campaign)
    with pytest.raises(gateway.GatewayError) as excinfo:
        donations.donation_start_payment(donation=donation)
    assert excinfo.value.code == "unavailable"


def test_dashboard_links(settings):
    settings.STRIPE_TEST_MODE = True
    assert gateway.dashboard_url("pi_123") == "https://dashboard.stripe.com/test/payments/pi_123"
    settings.STRIPE_TEST_MODE = False
    assert gateway.dashboard_url("re_9") == "https://dashboard.stripe.com/refunds/re_9"
    assert gateway.dashboard_url("") == ""


def test_a_campaign_cannot_mix_currencies_once_it_has_donations(campaign):
    from fundraising import selectors

    assert selectors.campaign_currency_locked(campaign_id=campaign.pk) is False
    create(campaign)
    assert selectors.campaign_currency_locked(campaign_id=campaign.pk) is True
    campaign.currency = "JPY"
    campaign.save()
    with pytest.raises(ValidationError) as excinfo:
        create(campaign, amount_minor=3000)
    assert "raised money in EUR" in str(excinfo.value)
    panel = selectors.campaign_funding_panel(campaign=campaign)
    assert (panel["currency"], panel["goal_currency"], panel["percent"]) == ("EUR", "JPY", 0)


def test_currency_change_before_any_donation_is_followed():
    campaign = FundraisingCampaignFactory(currency="EUR")
    transitions._funding_ensure(campaign_id=campaign.pk, currency="EUR")
    campaign.currency = "GBP"
    campaign.save()
    assert create(campaign).currency == "GBP"
    assert funding_totals(campaign).currency == "GBP"


def _begin(campaign, **overrides):
    data = {
        "campaign": campaign,
        "amount_minor": 2500,
        "cover_fee": True,
        "donor_name": "Ada Lovelace",
        "email": "ada@example.org",
        "visibility": Donation.Visibility.NAME,
    }
    data.update(overrides)
    return donations.donation_begin(gift=donations.Gift(**data))


def test_a_gift_carries_every_field_donation_create_takes_from_the_donor():
    """`Gift` mirrors donation_create's parameters (all but the API's request key, which
    donation_begin decides): a field added to one and not the other fails here, not on a page."""
    taken = set(inspect.signature(donations.donation_create).parameters) - {"client_request_key"}
    assert {field.name for field in dataclasses.fields(donations.Gift)} == taken


def test_begin_passes_the_whole_gift_to_the_donation(campaign, monkeypatch):
    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_gift")
    donor = UserFactory()
    donation, _setup = donations.donation_begin(
        gift=donations.Gift(
            campaign=campaign,
            amount_minor=1800,
            cover_fee=False,
            donor_name="Ada",
            email="ada@example.org",
            visibility=Donation.Visibility.ANONYMOUS,
            message="For the well",
            user=donor,
            keep_updated=True,
        ),
        card_setup=False,
    )
    donation.refresh_from_db()
    assert (donation.amount_minor, donation.fee_minor) == (1800, 0)
    assert (donation.donor_name, donation.email) == ("Ada", "ada@example.org")
    assert (donation.visibility, donation.message, donation.donor, donation.keep_updated) == (
        Donation.Visibility.ANONYMOUS,
        "For the well",
        donor,
        True,
    )


def test_begin_creates_the_donation_and_its_setup_intent(campaign, monkeypatch):
    seen = {}

    def setup_intent_create(*, customer_id, metadata, idempotency_key):
        seen.update(customer_id=customer_id, metadata=metadata)
        return {"id": "seti_begin", "client_secret": "seti_begin_secret_x", "status": "requires_payment_method"}

    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_begin")
    monkeypatch.setattr(gateway, "setup_intent_create", setup_intent_create)
    donation, setup = _begin(campaign)
    assert setup == {"setup_intent_id": "seti_begin", "client_secret": "seti_begin_secret_x"}
    assert seen == {
        "customer_id": "cus_begin",
        "metadata": {"donation_id": str(donation.pk), "campaign_id": str(campaign.pk)},
    }
    donation.refresh_from_db()
    assert (donation.state, donation.stripe_setup_intent_id) == (Donation.State.PENDING, "seti_begin")
    assert donation.fee_minor == rules.processing_fee(amount_minor=2500, currency="EUR")


def test_begin_fails_the_donation_again_when_stripe_refuses_the_setup(campaign, monkeypatch):
    def refuse(**kwargs):
        raise gateway.GatewayError("Stripe is unavailable.", code="unavailable")

    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_begin")
    monkeypatch.setattr(gateway, "setup_intent_create", refuse)
    with pytest.raises(donations.DonationNotStarted) as refused:
        _begin(campaign)
    assert isinstance(refused.value, gateway.GatewayError)
    assert (refused.value.message, refused.value.code) == ("Stripe is unavailable.", "unavailable")
    donation = Donation.objects.get()
    assert refused.value.donation.pk == donation.pk
    assert (donation.state, donation.failure_message) == (Donation.State.FAILED, "Stripe is unavailable.")
    assert funding_totals(campaign).raised_minor == 0


def test_begin_with_invalid_fields_creates_nothing_and_calls_no_stripe(campaign, monkeypatch):
    def no_stripe(**kwargs):
        raise AssertionError("Stripe must not be called for an invalid donation")

    monkeypatch.setattr(gateway, "customer_create", no_stripe)
    monkeypatch.setattr(gateway, "setup_intent_create", no_stripe)
    with pytest.raises(ValidationError) as refused:
        _begin(campaign, amount_minor=50, email="not-an-email")
    assert set(refused.value.message_dict) == {"amount", "email"}
    assert not Donation.objects.exists()

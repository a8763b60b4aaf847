"""The saved-card charge (fundraising/services/saved_card.py) shared by pledges at the deadline,
pledges paid on-session and monthly gifts: against localstripe, no Stripe call of any of them
runs inside a transaction (so a slow Stripe holds no row lock and no connection in a
transaction), and each uses its own idempotency keys."""

import pytest
import time_machine
from django.db import connection

from fundraising import gateway, rules
from fundraising.models import Donation, MonthlyCharge, Pledge
from fundraising.services import funding_model, pledge_payments
from fundraising.tasks import monthly_charges_due, pledge_deadline_sweep
from tests.fundraising.factories import FundraisingCampaignFactory
from tests.fundraising.test_monthly import at, start
from tests.fundraising.test_pledges import DECLINED_AT_CHARGE, VISA, back, pass_deadline

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_calls(monkeypatch):
    """Every Stripe call from now on: (whether a transaction was open, the idempotency key)."""
    seen = []
    real_client = gateway.client

    def watched():
        seen.append((connection.in_atomic_block, None))
        return real_client()

    def recording(name):
        real = getattr(gateway, name)

        def call(**kwargs):
            seen.append((connection.in_atomic_block, kwargs.get("idempotency_key")))
            return real(**kwargs)

        monkeypatch.setattr(gateway, name, call)

    def start_watching():
        monkeypatch.setattr(gateway, "client", watched)
        for name in ("payment_intent_create", "payment_intent_confirm"):
            recording(name)
        return seen

    return start_watching


def _aon_campaign():
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign


def test_pledges_charged_at_the_deadline_call_stripe_outside_transactions(stripe_browser, stripe_calls):
    campaign = _aon_campaign()
    backed = [back(campaign, stripe_browser, amount) for amount in (6000, 5000)]
    pass_deadline(campaign)
    seen = stripe_calls()

    pledge_deadline_sweep()

    assert set(Pledge.objects.values_list("state", flat=True)) == {Pledge.State.COLLECTED}
    assert seen and not any(atomic for atomic, _ in seen)
    keys = [key for _, key in seen if key]
    assert keys == [key for pledge in backed for key in (f"pledge-{pledge.pk}-intent", f"pledge-{pledge.pk}-confirm")]


def test_a_pledge_paid_on_session_calls_stripe_outside_transactions(stripe_browser, stripe_calls):
    campaign = _aon_campaign()
    back(campaign, stripe_browser, 10_000)
    pledge = back(campaign, stripe_browser, 4000, card=DECLINED_AT_CHARGE)
    pass_deadline(campaign)
    pledge_deadline_sweep()
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PAYMENT_REQUIRED
    setup = pledge_payments.pledge_pay_card_setup(pledge=pledge, actor=pledge.backer)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)
    seen = stripe_calls()

    paid = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer, setup_intent_id=setup["setup_intent_id"])

    assert paid.status == "collected"
    assert seen and not any(atomic for atomic, _ in seen)
    pledge.refresh_from_db()
    attempt = pledge.donation
    assert attempt.state == Donation.State.SUCCEEDED and attempt.card_last4 == "4242"
    assert [key for _, key in seen if key] == [
        f"pledge-{pledge.pk}-pay-{attempt.pk}-intent",
        f"pledge-{pledge.pk}-pay-{attempt.pk}-confirm",
    ]


def test_a_monthly_charge_calls_stripe_outside_transactions(stripe_browser, stripe_calls):
    campaign = FundraisingCampaignFactory(goal_minor=500_000, deadline=None)
    with time_machine.travel(at(2027, 1, 5, 10, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        seen = stripe_calls()
        clock.move_to(at(2027, 2, 5, 6, 10))
        monthly_charges_due()

    assert MonthlyCharge.objects.get(plan=plan, period="2027-02").state == MonthlyCharge.State.SUCCEEDED
    assert seen and not any(atomic for atomic, _ in seen)
    assert [key for _, key in seen if key] == [f"plan-{plan.pk}-2027-02", f"plan-{plan.pk}-2027-02-confirm"]

"""Monthly giving against a real localstripe subprocess, months simulated with time-machine: the
first month paid on the donate page, then off-session charges by beat, exactly one per period
(double beat fire, a worker crash between Stripe's answer and ours), retries and pausing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from causeweb.core.exceptions import ValidationError
from causeweb.notifications.models import Notification
from fundraising import gateway, rules
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan
from fundraising.services import charging, donations, funding_model, monthly, monthly_manage, receipts
from fundraising.tasks import monthly_charges_due
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]

VISA = "4242424242424242"
DECLINED_AT_CHARGE = "4000000000000341"
THREE_D_SECURE = "4000002500003155"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def campaign(db):
    return FundraisingCampaignFactory(goal_minor=500_000, deadline=None)


def start(campaign, browser, *, amount_minor=1000, card=VISA, user=None) -> MonthlyPlan:
    """What the donate page does for a monthly gift: begin, save the card, charge the first month."""
    donation, plan, setup = monthly.monthly_plan_begin(
        gift=donations.Gift(
            campaign=campaign,
            amount_minor=amount_minor,
            cover_fee=False,
            donor_name="Lena Fischer",
            email="lena@example.org",
            visibility=Donation.Visibility.NAME,
            user=user,
        ),
        card_setup=False,
    )
    assert setup == {"setup_intent_id": "", "client_secret": ""}  # no SetupIntent: one PaymentIntent
    donation, _ = charging.donation_charge(donation=donation, payment_method_id=browser.card(card))
    assert donation.state == Donation.State.SUCCEEDED
    plan = MonthlyPlan.objects.get(pk=plan.pk)
    assert plan.stripe_payment_method_id == donation.stripe_payment_method_id != ""
    return plan


def save_card(browser, plan: MonthlyPlan, number: str) -> str:
    """Another card saved to the plan's customer (the test swaps the plan onto it)."""
    setup = gateway.setup_intent_create(
        customer_id=plan.stripe_customer_id, metadata={}, idempotency_key=f"test-card-{number}-{plan.pk}"
    )
    assert browser.confirm_card_setup(setup["client_secret"], number)["status"] == "succeeded"
    return gateway.setup_intent_retrieve(setup_intent_id=setup["id"])["payment_method"]


def use_card(plan: MonthlyPlan, payment_method_id: str) -> None:
    MonthlyPlan.objects.filter(pk=plan.pk).update(stripe_payment_method_id=payment_method_id)


def paid(plan: MonthlyPlan) -> list[tuple[str, int]]:
    return list(
        MonthlyCharge.objects.filter(plan=plan, state=MonthlyCharge.State.SUCCEEDED)
        .order_by("period")
        .values_list("period", "donation__amount_minor")
    )


def stripe_charges_succeeded() -> int:
    """Charges localstripe made in this test (its data is wiped per test)."""
    return sum(1 for charge in gateway.charges_list(created_gt=1_600_000_000) if charge["status"] == "succeeded")


def test_three_months_with_one_failed_month(stripe_browser, campaign):
    with time_machine.travel(at(2027, 1, 5, 10, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        assert plan.state == MonthlyPlan.State.ACTIVE
        assert (plan.anchor_day, plan.next_period, plan.next_charge_at) == (5, "2027-02", at(2027, 2, 5, 6))
        assert monthly_charges_due() == 0  # nothing due before the anchor day

        good = plan.stripe_payment_method_id
        use_card(plan, save_card(stripe_browser, plan, DECLINED_AT_CHARGE))
        clock.move_to(at(2027, 2, 5, 6, 10))
        monthly_charges_due()  # February: declined
        plan.refresh_from_db()
        assert (plan.state, plan.failure_count, plan.next_period) == (MonthlyPlan.State.ACTIVE, 1, "2027-02")
        assert plan.next_charge_at == at(2027, 2, 6, 6, 10)  # retry +1 day
        assert "declined" in plan.failure_message.lower()

        clock.move_to(at(2027, 2, 6, 6, 20))
        monthly_charges_due()  # declined again
        plan.refresh_from_db()
        assert (plan.failure_count, plan.next_charge_at) == (2, at(2027, 2, 9, 6, 20))  # then +3 days

        use_card(plan, good)  # the bank lets it through again
        clock.move_to(at(2027, 2, 9, 6, 30))
        monthly_charges_due()
        plan.refresh_from_db()
        assert (plan.failure_count, plan.next_period) == (0, "2027-03")
        assert plan.next_charge_at == at(2027, 3, 5, 6)  # back on the anchor day

        clock.move_to(at(2027, 3, 5, 7, 0))
        monthly_charges_due()
        monthly_charges_due()  # beat fires twice
        plan.refresh_from_db()

    assert paid(plan) == [("2027-01", 1000), ("2027-02", 1000), ("2027-03", 1000)]
    succeeded = Donation.objects.filter(campaign=campaign, state=Donation.State.SUCCEEDED)
    assert succeeded.count() == 3
    assert stripe_charges_succeeded() == 3
    # One retry sequence: February's two failed attempts, then the third paid it.
    february = MonthlyCharge.objects.get(plan=plan, period="2027-02")
    assert february.attempts == 3
    assert Donation.objects.filter(campaign=campaign, state=Donation.State.FAILED).count() == 2
    assert MonthlyCharge.objects.filter(plan=plan).exclude(period="2027-02").filter(attempts__gt=1).count() == 0
    assert funding_totals(campaign).raised_minor == 3000
    # Every paid month has its receipt, with the signed link to manage the gift.
    receipts = Notification.objects.filter(email="lena@example.org", dedupe_key__startswith="donation-receipt:")
    assert receipts.count() == 3
    assert all(f"/donate/m/{plan.public_id}/?t=" in (n.context or {}).get("manage_url", "") for n in receipts)


def test_every_retry_fails_pauses_and_the_new_card_resumes(stripe_browser, campaign):
    with time_machine.travel(at(2027, 1, 31, 12, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        assert plan.next_charge_at == at(2027, 2, 28, 6)  # the 31st is the end of shorter months
        use_card(plan, save_card(stripe_browser, plan, DECLINED_AT_CHARGE))
        moment = plan.next_charge_at
        for delay in (timedelta(0), *rules.MONTHLY_RETRY_DELAYS):
            moment += delay
            clock.move_to(moment)
            monthly_charges_due()
        plan.refresh_from_db()
        assert plan.state == MonthlyPlan.State.PAUSED
        assert MonthlyCharge.objects.get(plan=plan, period="2027-02").attempts == 4
        notice = Notification.objects.get(dedupe_key=f"monthly-paused:{plan.pk}:2027-02")
        assert "update your card" in notice.context["title"]
        clock.move_to(moment + timedelta(days=30))
        assert monthly_charges_due() == 0  # paused: nothing is charged

        started = monthly_manage.monthly_plan_card_update_start(
            plan=plan, actor=None, token=receipts.plan_manage_token(plan)
        )
        assert stripe_browser.confirm_card_setup(started["client_secret"], VISA)["status"] == "succeeded"
        plan = monthly_manage.monthly_plan_card_update_finish(
            plan=plan, actor=None, token=receipts.plan_manage_token(plan), setup_intent_id=started["setup_intent_id"]
        )
        assert (plan.state, plan.failure_count) == (MonthlyPlan.State.ACTIVE, 0)
        monthly_charges_due()  # February, the missed month, is charged now
    assert paid(plan) == [("2027-01", 1000), ("2027-02", 1000)]
    plan.refresh_from_db()
    assert plan.next_period == "2027-03"


def test_double_beat_fire_charges_once(stripe_browser, campaign):
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        clock.move_to(at(2027, 2, 10, 6, 5))
        claimed = monthly._claim(plan.pk)  # a first worker took the period...
        assert claimed is not None
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == ""  # ...a second beat fire finds its claim
        assert monthly_charges_due() == 1  # queued, but the task finds the claim too
        # The first worker finishes.
        _, charge = claimed
        intent = monthly._stripe_answer(plan, charge, Donation.objects.get(pk=charge.donation_id))
        assert monthly._apply(plan_id=plan.pk, charge_id=charge.pk, intent=intent) == MonthlyCharge.State.SUCCEEDED
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == ""  # and later fires: not due
    assert paid(plan) == [("2027-01", 1000), ("2027-02", 1000)]
    assert MonthlyCharge.objects.get(plan=plan, period="2027-02").attempts == 1
    assert stripe_charges_succeeded() == 2


def test_crash_after_stripe_charged_resumes_without_a_second_charge(stripe_browser, campaign, monkeypatch):
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        clock.move_to(at(2027, 2, 10, 6, 5))

        def crash(**kwargs):
            raise SystemExit("worker killed")

        monkeypatch.setattr(monthly, "_apply", crash)
        with pytest.raises(SystemExit):
            monthly.monthly_plan_charge(plan_id=plan.pk)
        monkeypatch.undo()
        charge = MonthlyCharge.objects.get(plan=plan, period="2027-02")
        donation = charge.donation
        assert donation.state == Donation.State.PENDING and donation.stripe_payment_intent_id
        assert stripe_charges_succeeded() == 2  # Stripe charged February; we did not record it

        clock.move_to(at(2027, 2, 10, 6, 10))
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == ""  # the claim is still live
        clock.move_to(at(2027, 2, 10, 6, 5) + monthly.CHARGE_CLAIM_TIMEOUT + timedelta(minutes=1))
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == MonthlyCharge.State.SUCCEEDED
    charge.refresh_from_db()
    assert charge.attempts == 1 and charge.donation_id == donation.pk
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    assert stripe_charges_succeeded() == 2
    assert paid(plan) == [("2027-01", 1000), ("2027-02", 1000)]


def test_a_card_asking_for_3d_secure_off_session_is_a_failed_attempt(stripe_browser, campaign):
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        use_card(plan, save_card(stripe_browser, plan, THREE_D_SECURE))
        clock.move_to(at(2027, 2, 10, 6, 5))
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == MonthlyCharge.State.FAILED
    donation = MonthlyCharge.objects.get(plan=plan, period="2027-02").donation
    assert donation.state == Donation.State.CANCELED
    assert "confirm" in donation.failure_message.lower()
    # The intent waiting for the donor was cancelled at Stripe: it can never be charged later.
    intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
    assert intent.status == "canceled"
    plan.refresh_from_db()
    assert plan.failure_count == 1


def test_changed_amount_applies_from_the_next_charge_and_cancel_stops_it(stripe_browser, campaign):
    donor = UserFactory()
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser, user=donor)
        monthly_manage.monthly_plan_change_amount(plan=plan, actor=donor, amount_minor=2500)
        with pytest.raises(ValidationError):
            monthly_manage.monthly_plan_change_amount(plan=plan, actor=donor, amount_minor=0)
        clock.move_to(at(2027, 2, 10, 6, 5))
        monthly_charges_due()
        monthly_manage.monthly_plan_cancel(plan=plan, actor=donor)
        clock.move_to(at(2027, 3, 10, 6, 5))
        assert monthly_charges_due() == 0
    assert paid(plan) == [("2027-01", 1000), ("2027-02", 2500)]


def test_someone_else_cannot_change_or_cancel(stripe_browser, campaign):
    plan = start(campaign, stripe_browser, user=UserFactory())
    from causeweb.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        monthly_manage.monthly_plan_cancel(plan=plan, actor=UserFactory())
    with pytest.raises(PermissionDenied):
        monthly_manage.monthly_plan_cancel(plan=plan, actor=None, token=receipts.plan_manage_token(plan) + "x")
    plan.refresh_from_db()
    assert plan.state == MonthlyPlan.State.ACTIVE


def test_all_or_nothing_campaign_refuses_monthly(campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(deadline=timezone.now() + timedelta(days=20))
    campaign.refresh_from_db()
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    with pytest.raises(ValidationError):
        monthly.monthly_plan_begin(
            gift=donations.Gift(
                campaign=campaign,
                amount_minor=1000,
                cover_fee=False,
                donor_name="Lena",
                email="lena@example.org",
                visibility=Donation.Visibility.NAME,
            )
        )
    assert not MonthlyPlan.objects.exists() and not Donation.objects.exists()


def test_a_plan_ends_with_its_campaign(stripe_browser, campaign):
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False) as clock:
        plan = start(campaign, stripe_browser)
        type(campaign).objects.filter(pk=campaign.pk).update(deadline=at(2027, 2, 1))
        clock.move_to(at(2027, 2, 10, 6, 5))
        assert monthly.monthly_plan_charge(plan_id=plan.pk) == ""
    plan.refresh_from_db()
    assert plan.state == MonthlyPlan.State.CANCELLED
    assert paid(plan) == [("2027-01", 1000)]

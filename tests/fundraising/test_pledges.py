"""All-or-nothing pledges against a real localstripe subprocess: the card saved with a
SetupIntent (nothing charged), the one decision at the deadline, off-session charges, a declined
card, and a collection resumed after a crash in the middle of a batch."""

from datetime import timedelta

import pytest
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import gateway, rules, selectors
from fundraising.models import CampaignFunding, Donation, Pledge
from fundraising.services import funding_model, pledges
from fundraising.tasks import pledge_campaign_settle, pledge_deadline_sweep
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]

VISA = "4242424242424242"
DECLINED_AT_CHARGE = "4000000000000341"


@pytest.fixture
def aon_campaign(db):
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign


def back(campaign, browser, amount_minor=5000, card=VISA, user=None):
    user = user or UserFactory()
    pledge, setup = pledges.pledge_begin(campaign=campaign, actor=user, amount_minor=amount_minor)
    assert browser.confirm_card_setup(setup["client_secret"], card)["status"] == "succeeded"
    return pledges.pledge_confirm(pledge=pledge, setup_intent_id=setup["setup_intent_id"])


def pass_deadline(campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))


def charged_intents(pledge_ids) -> dict:
    """PaymentIntent ids per pledge, as Stripe holds them (succeeded only)."""
    found = {}
    for donation in Donation.objects.filter(pledge__pk__in=pledge_ids):
        intent = gateway.payment_intent_retrieve(payment_intent_id=donation.stripe_payment_intent_id)
        if intent.status == "succeeded":
            found.setdefault(donation.pledge.pk, []).append(intent.id)
    return found


def test_backing_saves_the_card_and_charges_nothing(stripe_browser, aon_campaign):
    pledge = back(aon_campaign, stripe_browser, 5000)

    assert pledge.state == Pledge.State.ACTIVE
    assert pledge.stripe_payment_method_id.startswith("pm_")
    assert pledge.donation_id is None
    assert not Donation.objects.exists()
    panel = selectors.campaign_pledge_panel(campaign=aon_campaign)
    assert (panel["pledged_minor"], panel["backer_count"], panel["days_left"]) == (5000, 1, 30)
    assert Notification.objects.filter(kind=Kind.PLEDGE_NOTICE, email=pledge.email).count() == 1
    # The campaign takes pledges, not donations.
    assert rules.campaign_accepts_donations(aon_campaign) is False


def test_goal_met_charges_every_pledge_exactly_once(stripe_browser, aon_campaign, django_capture_on_commit_callbacks):
    backed = [back(aon_campaign, stripe_browser, amount) for amount in (6000, 4000, 2500)]
    pass_deadline(aon_campaign)

    pledge_deadline_sweep()  # eager in tests: decides and charges
    pledge_deadline_sweep()  # beat fires again
    pledge_campaign_settle(aon_campaign.pk)  # and a duplicate task

    funding = funding_totals(aon_campaign)
    assert funding.pledge_outcome == CampaignFunding.PledgeOutcome.COLLECTED
    assert set(Pledge.objects.values_list("state", flat=True)) == {Pledge.State.COLLECTED}
    assert Donation.objects.filter(state=Donation.State.SUCCEEDED).count() == 3
    assert (funding.raised_minor, funding.donor_count) == (12_500, 3)
    intents = charged_intents([p.pk for p in backed])
    assert {pk: len(ids) for pk, ids in intents.items()} == {p.pk: 1 for p in backed}
    for pledge in backed:
        pledge.refresh_from_db()
        assert pledge.donation.amount_minor == pledge.amount_minor
        assert Notification.objects.filter(dedupe_key=f"donation-receipt:{pledge.donation_id}").count() == 1
    assert Notification.objects.filter(dedupe_key=f"pledges-collected:{aon_campaign.pk}").count() == 1


def test_goal_missed_charges_nobody_and_tells_everyone(stripe_browser, aon_campaign):
    backed = [back(aon_campaign, stripe_browser, 3000) for _ in range(2)]
    pass_deadline(aon_campaign)

    pledge_deadline_sweep()
    pledge_deadline_sweep()

    funding = funding_totals(aon_campaign)
    assert funding.pledge_outcome == CampaignFunding.PledgeOutcome.RELEASED
    assert set(Pledge.objects.values_list("state", flat=True)) == {Pledge.State.RELEASED}
    assert not Donation.objects.exists()
    assert funding.raised_minor == 0
    for pledge in backed:
        assert Notification.objects.filter(dedupe_key=f"pledge-released:{pledge.pk}").count() == 1


def test_declined_card_leaves_the_pledge_payment_required_with_an_email(stripe_browser, aon_campaign):
    good = back(aon_campaign, stripe_browser, 8000)
    bad = back(aon_campaign, stripe_browser, 4000, card=DECLINED_AT_CHARGE)
    pass_deadline(aon_campaign)

    pledge_deadline_sweep()

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.state == Pledge.State.COLLECTED
    assert bad.state == Pledge.State.PAYMENT_REQUIRED
    assert bad.donation.state == Donation.State.FAILED
    assert bad.payment_due_at > timezone.now() + timedelta(days=6)
    mail = Notification.objects.get(dedupe_key=f"pledge-payment-required:{bad.pk}")
    assert mail.email == bad.email
    assert f"/p/{bad.public_id}/" in mail.context["url"]
    summary = pledges.pledge_collection_summary(campaign_id=aon_campaign.pk)
    assert (summary["pledged"], summary["collected"], summary["payment_required"]) == (12_000, 8000, 1)
    assert funding_totals(aon_campaign).raised_minor == 8000


def test_payment_required_pledge_gets_reminders_then_lapses(stripe_browser, aon_campaign):
    back(aon_campaign, stripe_browser, 10_000)
    bad = back(aon_campaign, stripe_browser, 4000, card=DECLINED_AT_CHARGE)
    pass_deadline(aon_campaign)
    pledge_deadline_sweep()
    bad.refresh_from_db()
    due = bad.payment_due_at

    assert pledges.pledge_payment_reminders() == {"reminded": 0, "lapsed": 0}
    Pledge.objects.filter(pk=bad.pk).update(payment_due_at=timezone.now() + timedelta(days=3))
    assert pledges.pledge_payment_reminders() == {"reminded": 1, "lapsed": 0}
    assert pledges.pledge_payment_reminders() == {"reminded": 0, "lapsed": 0}
    Pledge.objects.filter(pk=bad.pk).update(payment_due_at=timezone.now() - timedelta(seconds=1))
    assert pledges.pledge_payment_reminders() == {"reminded": 0, "lapsed": 1}
    bad.refresh_from_db()
    assert bad.state == Pledge.State.LAPSED
    assert due is not None
    assert Notification.objects.filter(dedupe_key__startswith=f"pledge-payment-reminder:{bad.pk}:").count() == 1
    assert Notification.objects.filter(dedupe_key=f"pledge-lapsed:{bad.pk}").count() == 1


def test_crash_in_the_middle_of_a_batch_resumes_without_charging_twice(stripe_browser, aon_campaign, monkeypatch):
    backed = [back(aon_campaign, stripe_browser, 2500) for _ in range(5)]
    pass_deadline(aon_campaign)
    real_confirm = gateway.payment_intent_confirm
    confirms = []

    def confirm_then_crash(**kwargs):
        result = real_confirm(**kwargs)
        confirms.append(kwargs["payment_intent_id"])
        if len(confirms) == 3:
            # Stripe charged the card, the worker dies before recording it.
            raise SystemExit("worker killed")
        return result

    monkeypatch.setattr(gateway, "payment_intent_confirm", confirm_then_crash)
    with pytest.raises(SystemExit):
        pledge_campaign_settle(aon_campaign.pk)
    assert Pledge.objects.filter(state=Pledge.State.COLLECTED).count() == 2
    assert Pledge.objects.filter(state=Pledge.State.CHARGING).count() == 1

    # The crashed pledge's claim is stale by the time the task is redelivered.
    Pledge.objects.filter(state=Pledge.State.CHARGING).update(
        charge_claimed_at=timezone.now() - pledges.CHARGE_CLAIM_TIMEOUT - timedelta(seconds=1)
    )
    pledge_campaign_settle(aon_campaign.pk)

    assert len(confirms) == 5 and len(set(confirms)) == 5  # the crashed intent was not confirmed again
    assert set(Pledge.objects.values_list("state", flat=True)) == {Pledge.State.COLLECTED}
    intents = charged_intents([p.pk for p in backed])
    assert {pk: len(ids) for pk, ids in intents.items()} == {p.pk: 1 for p in backed}
    funding = funding_totals(aon_campaign)
    assert (funding.raised_minor, funding.donor_count) == (12_500, 5)
    assert funding.pledge_outcome == CampaignFunding.PledgeOutcome.COLLECTED


def test_a_fresh_claim_by_another_worker_is_left_alone(stripe_browser, aon_campaign):
    pledge = back(aon_campaign, stripe_browser, 10_000)
    pass_deadline(aon_campaign)
    assert pledges.pledge_campaign_decide(campaign_id=aon_campaign.pk) == "collecting"
    Pledge.objects.filter(pk=pledge.pk).update(state=Pledge.State.CHARGING, charge_claimed_at=timezone.now())

    assert pledges.pledge_charge(pledge_id=pledge.pk) == ""
    assert not Donation.objects.exists()


def test_collection_is_batched(stripe_browser, aon_campaign):
    for _ in range(3):
        back(aon_campaign, stripe_browser, 5000)
    pass_deadline(aon_campaign)
    pledges.pledge_campaign_decide(campaign_id=aon_campaign.pk)

    assert pledges.pledge_collect_batch(campaign_id=aon_campaign.pk, limit=2) == (1, 2)
    assert funding_totals(aon_campaign).pledge_outcome == "collecting"
    assert pledges.pledge_collect_batch(campaign_id=aon_campaign.pk, limit=2) == (0, 1)
    assert funding_totals(aon_campaign).pledge_outcome == "collected"


def test_backer_changes_amount_and_cancels_before_the_deadline(stripe_browser, aon_campaign):
    pledge = back(aon_campaign, stripe_browser, 5000)
    other = UserFactory()

    with pytest.raises(PermissionDenied):
        pledges.pledge_cancel(pledge=pledge, actor=other)
    with pytest.raises(ValidationError):
        pledges.pledge_change_amount(pledge=pledge, actor=pledge.backer, amount_minor=10)
    pledge = pledges.pledge_change_amount(pledge=pledge, actor=pledge.backer, amount_minor=7000)
    assert selectors.campaign_pledge_panel(campaign=aon_campaign)["pledged_minor"] == 7000
    with pytest.raises(Conflict):
        pledges.pledge_begin(campaign=aon_campaign, actor=pledge.backer, amount_minor=1000)
    pledge = pledges.pledge_cancel(pledge=pledge, actor=pledge.backer)
    assert pledge.state == Pledge.State.CANCELED
    assert selectors.campaign_pledge_panel(campaign=aon_campaign)["backer_count"] == 0

    pass_deadline(aon_campaign)
    pledge_deadline_sweep()
    assert not Donation.objects.exists()


def test_pledge_cannot_change_after_the_deadline(stripe_browser, aon_campaign):
    pledge = back(aon_campaign, stripe_browser, 5000)
    pass_deadline(aon_campaign)
    aon_campaign.refresh_from_db()
    with pytest.raises(Conflict):
        pledges.pledge_cancel(pledge=pledge, actor=pledge.backer)
    with pytest.raises(ValidationError):
        pledges.pledge_begin(campaign=aon_campaign, actor=UserFactory(), amount_minor=5000)


def test_funding_model_choice_rules(stripe_browser):
    campaign = FundraisingCampaignFactory()
    with pytest.raises(PermissionDenied):
        funding_model.campaign_funding_model_set(
            campaign=campaign, actor=UserFactory(), funding_model=rules.ALL_OR_NOTHING
        )
    no_deadline = FundraisingCampaignFactory(deadline=None)
    with pytest.raises(ValidationError):
        funding_model.campaign_funding_model_set(
            campaign=no_deadline, actor=no_deadline.organizer, funding_model=rules.ALL_OR_NOTHING
        )
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    back(campaign, stripe_browser, 5000)
    with pytest.raises(Conflict):
        funding_model.campaign_funding_model_set(
            campaign=campaign, actor=campaign.organizer, funding_model=rules.KEEP_WHAT_YOU_RAISE
        )


def test_anonymous_visitor_cannot_pledge(aon_campaign):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        pledges.pledge_create(campaign=aon_campaign, actor=AnonymousUser(), amount_minor=5000)

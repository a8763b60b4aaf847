"""`make run` seeds real donations through localstripe (and one lost webhook the reconciliation
finds), once: a second start adds nothing."""

import pytest

from causeweb.core.management.commands.run_demo import Command
from fundraising import demo
from fundraising.models import Discrepancy, Donation, MonthlyPlan, ReconciliationRun
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]


class Out:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


def test_demo_gives_real_donations_and_reconciles_the_lost_one_once(stripe_api):
    campaigns = [FundraisingCampaignFactory(), FundraisingCampaignFactory()]
    UserFactory()
    out = Out()

    demo.seed_donations(out, api_base=stripe_api)

    paid = Donation.objects.filter(state__in=Donation.PAID_STATES)
    assert paid.count() == len(demo.DEMO_GIFTS) + 1  # and the first month of the monthly gift
    plan = MonthlyPlan.objects.get()
    assert plan.state == MonthlyPlan.State.ACTIVE and plan.stripe_payment_method_id.startswith("pm_")
    assert plan.donor is not None and plan.first_donation.is_paid
    assert all(d.stripe_payment_intent_id.startswith("pi_") and d.card_last4 == "4242" for d in paid)
    signed_in = paid.filter(donor__isnull=False)
    assert signed_in.count() == 3 and len({d.donor_id for d in signed_in}) == 1
    run = ReconciliationRun.objects.get()
    assert (run.trigger, run.fixed_count, run.flagged_count) == ("demo", 1, 0)
    assert Discrepancy.objects.get().kind == "payment_applied"
    for campaign in campaigns:
        expected = sum(d.amount_minor for d in paid.filter(campaign=campaign))
        assert funding_totals(campaign).raised_minor == expected > 0
    assert any("Reconciliation" in line for line in out.lines)

    demo.seed_donations(Out(), api_base=stripe_api)

    assert Donation.objects.count() == len(demo.DEMO_GIFTS) + 1
    assert ReconciliationRun.objects.count() == 1
    assert MonthlyPlan.objects.count() == 1


def test_no_open_fundraising_campaign_gives_nothing(stripe_api):
    out = Out()
    demo.seed_donations(out, api_base=stripe_api)
    assert not Donation.objects.exists() and out.lines == ["No open fundraising campaign to give to."]


def test_run_demo_seeds_donations_after_the_payment_server_is_up(stripe_api, settings, monkeypatch):
    FundraisingCampaignFactory()
    settings.STRIPE_API_BASE = stripe_api
    monkeypatch.setattr(demo, "on_payment_server_ready", lambda stdout: None)  # no live server here
    Command()._after_payment_server_up()
    assert Donation.objects.filter(state__in=Donation.PAID_STATES).count() == len(demo.DEMO_GIFTS) + 1

"""Monthly giving in the browser's terms: the explicit choice on the donate form, what the confirm
step says, the plan's page reached by the signed link (no sign-in) or from "My giving", cancel and
change there, and a tampered link that shows and changes nothing."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from fundraising import gateway, monthly_selectors, rules
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan
from fundraising.services import funding_model, monthly, receipts
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_plan(*, donor=None, campaign=None, amount_minor=1000, state=MonthlyPlan.State.ACTIVE) -> MonthlyPlan:
    """An active plan as monthly_plan_begin + a paid first month leave it (no Stripe needed here)."""
    campaign = campaign or FundraisingCampaignFactory()
    first = DonationFactory(campaign=campaign, donor=donor, amount_minor=amount_minor)
    Donation.objects.filter(pk=first.pk).update(state="succeeded", succeeded_at=timezone.now())
    plan = MonthlyPlan.objects.create(
        campaign=campaign,
        donor=donor,
        donor_name=first.donor_name,
        email=first.email,
        amount_minor=amount_minor,
        currency=campaign.currency,
        anchor_day=5,
        next_period="2027-02",
        next_charge_at=monthly.charge_date("2027-02", 5),
        first_donation=first,
        state=state,
        stripe_customer_id="cus_test",
        stripe_payment_method_id="pm_test",
    )
    MonthlyCharge.objects.create(plan=plan, period="2027-01", donation=first, state="succeeded", attempts=1)
    return plan


def plan_url(plan, name="fundraising:monthly_plan"):
    return reverse(name, kwargs={"public_id": plan.public_id})


def test_the_donate_form_offers_monthly_but_never_preselects_it(client):
    campaign = FundraisingCampaignFactory()
    page = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert 'name="frequency" value="once" checked' in page
    assert 'name="frequency" value="monthly">' in page  # not checked


def test_no_monthly_choice_on_an_all_or_nothing_campaign(client):
    campaign = FundraisingCampaignFactory()
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    page = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert 'name="frequency"' not in page


@pytest.mark.stripe
def test_starting_a_monthly_gift_says_every_month_and_the_next_date(client, stripe_api):
    campaign = FundraisingCampaignFactory(deadline=None)
    response = client.post(
        reverse("fundraising:start", kwargs={"slug": campaign.slug}),
        {
            "frequency": "monthly",
            "amount": "10",
            "donor_name": "Lena Fischer",
            "email": "lena@example.org",
            "visibility": "name",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    plan = MonthlyPlan.objects.get()
    assert plan.state == MonthlyPlan.State.SETTING_UP  # nothing charged monthly before the first month is paid
    when = formats.date_format(plan.next_charge_at.astimezone(UTC), "DATE_FORMAT")  # "Feb. 5, 2027"
    assert response.json()["charge_summary"]["text"] == (
        f"You will be charged €10.00 today, then €10.00 every month, next on {when}. Cancel any time."
    )


def test_a_one_time_donation_creates_no_plan(client, monkeypatch):
    campaign = FundraisingCampaignFactory()
    # The page makes no SetupIntent (one PaymentIntent later), only the Stripe customer: no network here.
    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_once")
    response = client.post(
        reverse("fundraising:start", kwargs={"slug": campaign.slug}),
        {"amount": "10", "donor_name": "Lena", "email": "lena@example.org", "visibility": "name"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["charge_summary"]["text"] == "You will be charged €10.00."
    assert not MonthlyPlan.objects.exists()
    assert Donation.objects.get().stripe_customer_id == "cus_once"


def test_the_signed_link_shows_the_plan_without_signing_in(client):
    plan = make_plan()
    response = client.get(receipts.plan_manage_path(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "€10" in page and "Cancel my monthly gift" in page
    # The label says "Next charge"; the value is the date alone, in the page's one date format.
    assert '<dd class="plan-next">Feb. 5, 2027</dd>' in page
    assert "next on" not in page
    since = formats.date_format(timezone.localtime(plan.created_at), "DATE_FORMAT")
    assert f"<dd>{since}</dd>" in page


def test_the_plan_page_next_charge_of_a_retry_and_in_spanish(client):
    plan = make_plan()
    MonthlyPlan.objects.filter(pk=plan.pk).update(failure_count=1)
    page = client.get(receipts.plan_manage_path(plan)).content.decode()
    assert '<dd class="plan-next">Feb. 5, 2027 (a retry)</dd>' in page
    with translation.override("es"):
        assert monthly_selectors.monthly_plan_next_charge_date(plan) == "5 de febrero de 2027"


@pytest.mark.parametrize("token", ["", "nonsense", "TAMPER"])
def test_a_tampered_or_missing_link_shows_and_changes_nothing(client, token):
    plan = make_plan()
    other = make_plan()
    if token == "TAMPER":  # a real token, for another plan
        token = receipts.plan_manage_token(other)
    assert client.get(plan_url(plan), {"t": token}).status_code == 404
    assert client.post(plan_url(plan, "fundraising:monthly_plan_cancel"), {"t": token}).status_code == 404
    change = plan_url(plan, "fundraising:monthly_plan_change")
    assert client.post(change, {"t": token, "amount": "50"}).status_code == 404
    plan.refresh_from_db()
    assert (plan.state, plan.amount_minor) == (MonthlyPlan.State.ACTIVE, 1000)


def test_cancel_from_the_receipt_link(client):
    plan = make_plan()
    token = receipts.plan_manage_token(plan)
    response = client.post(plan_url(plan, "fundraising:monthly_plan_cancel"), {"t": token}, follow=True)
    assert response.status_code == 200
    assert "Nothing more will be charged" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == MonthlyPlan.State.CANCELLED
    # Due or not, a cancelled plan is never charged.
    MonthlyPlan.objects.filter(pk=plan.pk).update(next_charge_at=timezone.now() - timedelta(days=1))
    assert monthly.monthly_plan_ids_due() == []
    assert monthly.monthly_plan_charge(plan_id=plan.pk) == ""


def test_change_the_amount_from_the_link_and_refuse_a_bad_one(client):
    plan = make_plan()
    token = receipts.plan_manage_token(plan)
    change = plan_url(plan, "fundraising:monthly_plan_change")
    client.post(change, {"t": token, "amount": "25,00"})
    plan.refresh_from_db()
    assert plan.amount_minor == 2500
    response = client.post(change, {"t": token, "amount": "lots"}, follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.amount_minor == 2500
    assert "amount" in response.content.decode().lower()


def test_the_donor_manages_it_signed_in_and_nobody_else_does(client):
    donor = UserFactory()
    plan = make_plan(donor=donor)
    client.force_login(UserFactory())
    assert client.get(plan_url(plan)).status_code == 404
    client.force_login(donor)
    assert client.get(plan_url(plan)).status_code == 200


def test_my_giving_lists_monthly_gifts_with_their_next_charge(client, django_assert_max_num_queries):
    donor = UserFactory()
    plans = [make_plan(donor=donor, campaign=FundraisingCampaignFactory(title=f"Cause {i}")) for i in range(4)]
    MonthlyPlan.objects.filter(pk=plans[0].pk).update(state=MonthlyPlan.State.CANCELLED)
    make_plan(donor=UserFactory(), campaign=FundraisingCampaignFactory(title="Not mine"))
    client.force_login(donor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("fundraising:my_giving"))
    page = response.content.decode()
    assert "Monthly gifts" in page and "Not mine" not in page
    assert page.count("next on Feb. 5, 2027") == 3
    assert "Cancelled: nothing more will be charged" in page
    for plan in plans:
        assert f"/donate/m/{plan.public_id}/?t=" in page

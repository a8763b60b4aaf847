import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from causeweb.core.exceptions import PermissionDenied
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan, Refund, StripeEvent
from fundraising.services import charging, donations, webhooks
from tests.fundraising.conftest import intent_object, stripe_event
from tests.fundraising.factories import DonationFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:fundraising_donation_changelist"


def finance_user():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    return user


def test_only_finance_staff_see_donations_in_admin(client, campaign):
    DonationFactory(campaign=campaign, donor_name="Hidden Person", visibility="anonymous")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    client.force_login(finance_user())
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200 and b"Hidden Person" in response.content


def test_changelist_filters_and_query_count(client, campaign, staff_user, django_assert_max_num_queries):
    for i in range(30):
        DonationFactory(campaign=campaign, amount_minor=100 + i)
    disputed = DonationFactory(campaign=campaign, donor_name="Disputed Donor")
    Donation.objects.filter(pk=disputed.pk).update(disputed_at="2026-01-01T00:00:00Z", state="succeeded")
    client.force_login(staff_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("field-donor_name") == 31 and "Disputed Donor" in page
    assert f"/admin/fundraising/donation/{disputed.pk}/change/" in page
    filtered = client.get(reverse(CHANGELIST) + "?disputed=yes").content.decode()
    assert "Disputed Donor" in filtered and filtered.count("field-donor_name") == 1
    assert client.get(reverse(CHANGELIST) + "?state__exact=succeeded").status_code == 200


def test_change_page_links_stripe_ids_to_the_dashboard(client, campaign, staff_user):
    donation = DonationFactory(campaign=campaign, stripe_payment_intent_id="pi_abc", stripe_charge_id="ch_abc")
    client.force_login(staff_user)
    html = client.get(reverse("admin:fundraising_donation_change", args=[donation.pk])).content.decode()
    assert 'href="https://dashboard.stripe.com/test/payments/pi_abc"' in html
    assert "ch_abc" in html
    assert 'name="amount_minor"' not in html  # read-only: money changes only through services


@pytest.mark.stripe
def test_partial_and_full_refund_admin_actions(client, stripe_browser, campaign):
    start = donations.donation_create(
        campaign=campaign,
        amount_minor=5000,
        cover_fee=False,
        donor_name="Ada",
        email="ada@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=start)
    stripe_browser.confirm_card_setup(setup["client_secret"], "4242424242424242")
    donation, _ = charging.donation_charge(donation=start, setup_intent_id=setup["setup_intent_id"])
    finance = finance_user()
    client.force_login(finance)
    url = reverse(CHANGELIST)

    confirm = client.post(url, {"action": "refund_partially", "_selected_action": [donation.pk]})
    assert confirm.status_code == 200 and b"can still be refunded" in confirm.content
    bad = client.post(
        url, {"action": "refund_partially", "_selected_action": [donation.pk], "apply": "1", "amount": "60.00"}
    )
    assert bad.status_code == 302 and not Refund.objects.exists()
    done = client.post(
        url,
        {
            "action": "refund_partially",
            "_selected_action": [donation.pk],
            "apply": "1",
            "amount": "12.50",
            "reason": "x",
        },
    )
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.created_by, refund.reason) == (1250, finance, "x")
    assert funding_totals(campaign).raised_minor == 3750

    client.post(url, {"action": "refund_in_full", "_selected_action": [donation.pk]})
    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED and donation.refunded_minor == 5000
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (0, 0)


def _stripe_event(status, donation, **fields):
    payload = stripe_event("payment_intent.succeeded", intent_object(donation))
    return StripeEvent.objects.create(
        event_id=payload["id"], type=payload["type"], payload=payload, status=status, **fields
    )


def test_retry_action_applies_a_failed_event_again_and_leaves_a_processed_one_alone(client, campaign):
    failed_for = DonationFactory(campaign=campaign, amount_minor=1500)
    failed = _stripe_event(StripeEvent.Status.FAILED, failed_for, error="EventMismatch: fixed since", attempts=1)
    untouched_for = DonationFactory(campaign=campaign, amount_minor=4000)
    processed = _stripe_event(StripeEvent.Status.PROCESSED, untouched_for, attempts=1)
    client.force_login(finance_user())

    response = client.post(
        reverse("admin:fundraising_stripeevent_changelist"),
        {"action": "retry", "_selected_action": [failed.pk, processed.pk]},
        follow=True,
    )

    assert "Applied 1 event again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (StripeEvent.Status.PROCESSED, "", 2)
    assert Donation.objects.get(pk=failed_for.pk).state == Donation.State.SUCCEEDED
    processed.refresh_from_db()
    assert (processed.status, processed.attempts) == (StripeEvent.Status.PROCESSED, 1)
    assert Donation.objects.get(pk=untouched_for.pk).state == Donation.State.PENDING
    assert funding_totals(campaign).raised_minor == 1500


def test_retry_refuses_anyone_but_finance_staff(campaign):
    event = _stripe_event(StripeEvent.Status.FAILED, DonationFactory(campaign=campaign), error="KeyError: x")
    with pytest.raises(PermissionDenied):
        webhooks.stripe_event_retry(actor=UserFactory(is_staff=True), stripe_event_pk=event.pk)
    event.refresh_from_db()
    assert (event.status, event.error) == (StripeEvent.Status.FAILED, "KeyError: x")


def test_retry_of_an_event_that_is_not_failed_changes_nothing(campaign):
    donation = DonationFactory(campaign=campaign)
    event = _stripe_event(StripeEvent.Status.IGNORED, donation, error="no donation")
    assert webhooks.stripe_event_retry(actor=finance_user(), stripe_event_pk=event.pk) is None
    event.refresh_from_db()
    assert (event.status, event.error, event.attempts) == (StripeEvent.Status.IGNORED, "no donation", 0)
    assert Donation.objects.get(pk=donation.pk).state == Donation.State.PENDING


def test_finance_staff_read_monthly_plans_and_their_charges(client, campaign):
    plan = MonthlyPlan.objects.create(
        campaign=campaign, donor_name="Monthly Maria", email="maria@example.org", amount_minor=1000,
        currency=campaign.currency, anchor_day=1, next_period="2027-01", next_charge_at=timezone.now(),
        state=MonthlyPlan.State.ACTIVE, first_donation=DonationFactory(campaign=campaign),
    )  # fmt: skip
    MonthlyCharge.objects.create(plan=plan, period="2026-12", state=MonthlyCharge.State.PENDING)
    changelist = reverse("admin:fundraising_monthlyplan_changelist")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(changelist).status_code == 403
    client.force_login(finance_user())
    page = client.get(changelist).content.decode()
    assert "Monthly Maria" in page and "10" in page
    detail = client.get(reverse("admin:fundraising_monthlyplan_change", args=[plan.pk]))
    assert detail.status_code == 200 and "2026-12" in detail.content.decode()
    delete = reverse("admin:fundraising_monthlyplan_delete", args=[plan.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert MonthlyPlan.objects.filter(pk=plan.pk).exists()

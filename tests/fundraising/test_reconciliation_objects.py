"""Reconciliation branches localstripe cannot show, with the stripe library's own objects built
from Stripe's JSON: charges carrying our metadata (localstripe's charges have none) and card
details (localstripe has no payment_method_details), refunds not embedded in the charge (newer
API versions leave them out: listed per charge), charges naming no donation of ours, a second
charge for one donation. Also the admin pages of runs and discrepancies."""

from types import SimpleNamespace

import pytest
import stripe
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from causeweb.core.exceptions import PermissionDenied
from fundraising import gateway
from fundraising.models import CampaignFunding, Discrepancy, Donation, ReconciliationRun, Refund
from fundraising.services import reconciliation
from tests.fundraising.factories import DonationFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db

NOW = int(timezone.now().timestamp())


def charge_json(*, charge_id, amount, intent="", metadata=None, amount_refunded=0, refunds=None, card=True):
    obj = {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": "eur",
        "status": "succeeded",
        "paid": True,
        "created": NOW,
        "payment_intent": intent,
        "metadata": metadata or {},
        "payment_method_details": {"type": "card", "card": {"brand": "mastercard", "last4": "4444"}} if card else None,
    }
    if refunds is not None:
        obj["refunds"] = {
            "object": "list",
            "data": refunds,
            "has_more": False,
            "url": f"/v1/charges/{charge_id}/refunds",
        }
    return obj


class FakeStripe:
    """Stands in for the StripeClient: answers list calls with stripe objects built from JSON."""

    def __init__(self, charges, refunds_by_charge=None):
        self.calls = []
        listing = {"object": "list", "data": charges, "has_more": False, "url": "/v1/charges"}
        refunds_by_charge = refunds_by_charge or {}

        def charges_list(params):
            self.calls.append(("charges", params))
            return stripe.ListObject.construct_from(listing, "sk_test")

        def refunds_list(params):
            self.calls.append(("refunds", params))
            data = refunds_by_charge.get(params["charge"], [])
            return stripe.ListObject.construct_from(
                {"object": "list", "data": data, "has_more": False, "url": "/v1/refunds"}, "sk_test"
            )

        def intent_retrieve(intent_id):
            raise stripe.InvalidRequestError("No such payment_intent", "id", code="resource_missing", http_status=404)

        self.v1 = SimpleNamespace(
            charges=SimpleNamespace(list=charges_list),
            refunds=SimpleNamespace(list=refunds_list),
            payment_intents=SimpleNamespace(retrieve=intent_retrieve),
        )


@pytest.fixture
def fake_stripe(monkeypatch):
    def install(charges, refunds_by_charge=None):
        fake = FakeStripe(charges, refunds_by_charge)
        monkeypatch.setattr(gateway, "client", lambda: fake)
        return fake

    return install


def test_charges_list_turns_stripe_objects_into_plain_dicts(fake_stripe):
    fake = fake_stripe([charge_json(charge_id="ch_1", amount=2500, intent="pi_1", metadata={"donation_id": "7"})])
    charges = list(gateway.charges_list(created_gt=NOW - 60))
    assert fake.calls == [("charges", {"created": {"gt": NOW - 60}, "limit": gateway.LIST_PAGE_SIZE})]
    assert charges[0]["metadata"] == {"donation_id": "7"}
    assert charges[0]["card"] == {"brand": "mastercard", "last4": "4444"}
    assert charges[0]["currency"] == "EUR" and charges[0]["refunds"] is None


def test_charge_found_by_metadata_alone_and_refunds_listed_per_charge(fake_stripe, campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=3000)  # no PaymentIntent id stored
    refund = {
        "id": "re_1",
        "object": "refund",
        "amount": 1000,
        "currency": "eur",
        "status": "succeeded",
        "created": NOW,
    }
    failed = {**refund, "id": "re_2", "status": "failed", "amount": 500}
    fake = fake_stripe(
        [
            charge_json(
                charge_id="ch_9",
                amount=3000,
                intent="pi_9",
                metadata={"donation_id": str(donation.pk)},
                amount_refunded=1000,
            )
        ],
        {"ch_9": [refund, failed]},
    )

    run = reconciliation.reconciliation_run()

    donation.refresh_from_db()
    assert (donation.state, donation.stripe_payment_intent_id, donation.refunded_minor) == (
        "partially_refunded",
        "pi_9",
        1000,
    )
    assert list(Refund.objects.filter(donation=donation).values_list("stripe_refund_id", "amount_minor")) == [
        ("re_1", 1000)
    ]
    assert ("refunds", {"charge": "ch_9", "limit": gateway.LIST_PAGE_SIZE}) in fake.calls
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (2000, 1)
    assert run.fixed_count == 2 and run.flagged_count == 0
    assert reconciliation.reconciliation_run().fixed_count == 0


def test_refund_the_webhook_recorded_unnamed_gets_its_stripe_id_not_a_second_row(fake_stripe, campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=3000, stripe_payment_intent_id="pi_5")
    Donation.objects.filter(pk=donation.pk).update(
        state="partially_refunded", refunded_minor=1000, succeeded_at=timezone.now()
    )
    Refund.objects.create(donation=donation, amount_minor=1000, currency="EUR", source="stripe")
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=2000, donor_count=1)
    embedded = [
        {"id": "re_5", "object": "refund", "amount": 1000, "currency": "eur", "status": "succeeded", "created": NOW}
    ]
    fake_stripe([charge_json(charge_id="ch_5", amount=3000, intent="pi_5", amount_refunded=1000, refunds=embedded)])

    run = reconciliation.reconciliation_run()

    assert list(Refund.objects.values_list("stripe_refund_id", "amount_minor")) == [("re_5", 1000)]
    donation.refresh_from_db()
    assert donation.refunded_minor == 1000
    assert run.flagged_count == 0


def test_refunds_that_do_not_add_up_are_flagged(fake_stripe, campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=3000, stripe_payment_intent_id="pi_6")
    Donation.objects.filter(pk=donation.pk).update(
        state="partially_refunded", refunded_minor=2000, succeeded_at=timezone.now()
    )
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=1000, donor_count=1)
    fake_stripe([charge_json(charge_id="ch_6", amount=3000, intent="pi_6", refunds=[])])

    run = reconciliation.reconciliation_run()

    discrepancy = run.discrepancies.get(status="open")
    assert discrepancy.kind == "refund_mismatch"
    assert discrepancy.details["stripe_refunded"] == 0 and discrepancy.details["ledger_refunded"] == 2000


def test_unknown_charge_and_second_charge_for_one_donation_are_flagged(fake_stripe, campaign):
    paid = DonationFactory(campaign=campaign, amount_minor=3000, stripe_payment_intent_id="pi_first")
    Donation.objects.filter(pk=paid.pk).update(
        state="succeeded", succeeded_at=timezone.now(), stripe_charge_id="ch_first"
    )
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=3000, donor_count=1)
    fake_stripe(
        [
            charge_json(charge_id="ch_first", amount=3000, intent="pi_first", refunds=[]),
            charge_json(charge_id="ch_second", amount=3000, intent="pi_second", metadata={"donation_id": str(paid.pk)}),
            charge_json(charge_id="ch_stranger", amount=999, intent="pi_stranger"),
        ]
    )

    run = reconciliation.reconciliation_run()

    flagged = {d.stripe_object_id: d for d in run.discrepancies.filter(status="open")}
    assert set(flagged) == {"ch_second", "ch_stranger"}
    assert flagged["ch_second"].kind == flagged["ch_stranger"].kind == "unknown_charge"
    assert flagged["ch_second"].donation == paid
    assert "second charge" in flagged["ch_second"].message
    paid.refresh_from_db()
    assert paid.stripe_payment_intent_id == "pi_first"
    assert funding_totals(campaign).raised_minor == 3000


def finance_user():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    return user


def test_admin_lists_runs_opens_their_discrepancies_and_runs_now(
    client, fake_stripe, campaign, django_capture_on_commit_callbacks
):
    donation = DonationFactory(campaign=campaign, amount_minor=2500, stripe_payment_intent_id="pi_a")
    fake_stripe([charge_json(charge_id="ch_a", amount=9999, intent="pi_a")])
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    run_now = reverse("admin:fundraising_reconciliation_run_now")
    assert client.post(run_now).status_code == 403
    assert not ReconciliationRun.objects.exists()

    client.force_login(finance_user())
    assert client.get(run_now).status_code == 405
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(run_now, follow=True)
    assert response.status_code == 200 and len(queued) == 1
    run = ReconciliationRun.objects.get()
    assert (run.trigger, run.flagged_count) == ("admin", 1)
    listing = client.get(reverse("admin:fundraising_reconciliationrun_changelist")).content.decode()
    assert "Run reconciliation now" in listing and f">{run.pk}<" in listing
    page = client.get(reverse("admin:fundraising_reconciliationrun_change", args=[run.pk])).content.decode()
    assert "Stripe charged 9999 EUR (ch_a)" in page

    discrepancy = Discrepancy.objects.get()
    assert discrepancy.donation == donation
    response = client.post(
        reverse("admin:fundraising_discrepancy_changelist"),
        {"action": "resolve", "_selected_action": [discrepancy.pk]},
        follow=True,
    )
    assert response.status_code == 200
    discrepancy.refresh_from_db()
    assert discrepancy.status == "resolved" and discrepancy.resolved_by is not None


def test_only_finance_staff_resolve(campaign):
    run = ReconciliationRun.objects.create(window_start=timezone.now(), window_end=timezone.now(), status="succeeded")
    discrepancy = Discrepancy.objects.create(run=run, kind="amount_mismatch", status="open", subject="x", message="m")
    with pytest.raises(PermissionDenied):
        reconciliation.discrepancy_resolve(actor=UserFactory(is_staff=True), discrepancy=discrepancy, note="n")
    discrepancy.refresh_from_db()
    assert discrepancy.status == "open"


def test_hourly_task_on_the_payments_queue_skips_while_a_run_is_going(fake_stripe, settings):
    from causeweb.celery import app
    from fundraising import tasks

    fake_stripe([])
    schedule = tasks.BEAT_SCHEDULE["fundraising-reconciliation"]
    assert (schedule["task"], schedule["schedule"]) == ("fundraising.tasks.reconciliation_run", 3600.0)
    assert app.amqp.router.route({}, "fundraising.tasks.reconciliation_run")["queue"].name == "payments"
    assert tasks.reconciliation_run.acks_late is True
    ReconciliationRun.objects.create(window_start=timezone.now(), window_end=timezone.now())
    assert tasks.reconciliation_run.delay().get() is None
    ReconciliationRun.objects.filter(status="running").update(status="failed")
    pk = tasks.reconciliation_run.delay().get()
    assert ReconciliationRun.objects.get(pk=pk).status == "succeeded"


def test_card_details_from_the_charge_fill_an_old_donation(fake_stripe, campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=3000, stripe_payment_intent_id="pi_c")
    fake_stripe([charge_json(charge_id="ch_c", amount=3000, intent="pi_c", refunds=[])])
    reconciliation.reconciliation_run()
    donation.refresh_from_db()
    assert (donation.state, donation.card_label) == ("succeeded", "Mastercard ending 4444")

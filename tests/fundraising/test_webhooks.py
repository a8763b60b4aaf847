"""/stripe/webhook/ with payloads signed in the test the way Stripe signs them."""

import json
import time

import pytest

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import gateway
from fundraising.models import Donation, Refund, StripeEvent
from fundraising.services import refunds, webhooks
from tests.fundraising.conftest import charge_object, intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory, funding_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation(campaign):
    return DonationFactory(campaign=campaign, amount_minor=2500, stripe_payment_intent_id="pi_webhooktest")


def totals(campaign):
    row = funding_totals(campaign)
    return (row.raised_minor, row.donor_count) if row else (0, 0)


def test_payment_intent_succeeded_marks_paid_counts_and_sends_receipt(post_event, donation, campaign):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))

    response = post_event(event)

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    assert donation.stripe_charge_id == f"ch_{donation.pk}test"
    assert totals(campaign) == (2500, 1)
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.status == StripeEvent.Status.PROCESSED and stored.type == "payment_intent.succeeded"
    assert Notification.objects.filter(kind=Kind.DONATION_RECEIPT, email=donation.email).count() == 1


def test_duplicate_delivery_is_stored_and_counted_once(post_event, donation, campaign):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    assert post_event(event).status_code == 200
    assert post_event(event).status_code == 200
    # Stripe can also send the same news under a new event id.
    assert post_event(stripe_event("payment_intent.succeeded", intent_object(donation))).status_code == 200

    assert StripeEvent.objects.count() == 2
    assert totals(campaign) == (2500, 1)
    assert Notification.objects.filter(kind=Kind.DONATION_RECEIPT).count() == 1


def test_success_without_stored_intent_id_is_matched_by_metadata(post_event, campaign):
    donation = DonationFactory(campaign=campaign, amount_minor=1500)
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation, intent_id="pi_fromstripe")))
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED and donation.stripe_payment_intent_id == "pi_fromstripe"


def test_payment_failed_then_late_success_counts_the_money(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.payment_failed", intent_object(donation, status="requires_payment_method")))
    donation.refresh_from_db()
    assert donation.state == Donation.State.FAILED
    assert donation.failure_message.startswith("Your card was declined. No money was taken")
    assert totals(campaign) == (0, 0)

    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    assert totals(campaign) == (2500, 1)


def test_failure_after_success_changes_nothing(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    post_event(stripe_event("payment_intent.payment_failed", intent_object(donation, status="requires_payment_method")))
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED and totals(campaign) == (2500, 1)


def test_refund_arriving_before_success_settles_both_in_any_order(post_event, donation, campaign):
    refunded = stripe_event("charge.refunded", charge_object(donation, amount_refunded=1000))
    succeeded = stripe_event("payment_intent.succeeded", intent_object(donation))

    post_event(refunded)
    donation.refresh_from_db()
    assert donation.state == Donation.State.PARTIALLY_REFUNDED
    assert donation.refunded_minor == 1000
    assert totals(campaign) == (1500, 1)

    post_event(succeeded)
    donation.refresh_from_db()
    assert donation.state == Donation.State.PARTIALLY_REFUNDED and totals(campaign) == (1500, 1)
    assert StripeEvent.objects.filter(status=StripeEvent.Status.PROCESSED).count() == 2


def test_full_refund_from_dashboard_and_an_older_event_arriving_late(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    partial = stripe_event(
        "charge.refunded",
        charge_object(donation, amount_refunded=500, refunds=[{"id": "re_first", "amount": 500}]),
    )
    full = stripe_event(
        "charge.refunded",
        charge_object(
            donation,
            amount_refunded=2500,
            refunds=[{"id": "re_second", "amount": 2000}, {"id": "re_first", "amount": 500}],
        ),
    )
    post_event(full)  # the newer event first
    post_event(partial)

    donation.refresh_from_db()
    assert donation.state == Donation.State.REFUNDED and donation.refunded_minor == 2500
    assert totals(campaign) == (0, 0)
    refunds = Refund.objects.filter(donation=donation)
    assert sum(r.amount_minor for r in refunds) == 2500
    # One row per Stripe refund, each with its id, and one email each (was one merged row, no id).
    assert dict(refunds.values_list("stripe_refund_id", "amount_minor")) == {"re_first": 500, "re_second": 2000}
    assert {r.source for r in refunds} == {Refund.Source.STRIPE}
    assert Notification.objects.filter(kind=Kind.REFUND_ISSUED).count() == 2


def _two_partial_refunds(donation):
    first = stripe_event(
        "charge.refunded",
        charge_object(donation, amount_refunded=300, refunds=[{"id": "re_a", "amount": 300, "created": 100}]),
    )
    second = stripe_event(
        "charge.refunded",
        charge_object(
            donation,
            amount_refunded=1000,
            refunds=[{"id": "re_b", "amount": 700, "created": 200}, {"id": "re_a", "amount": 300, "created": 100}],
        ),
    )
    return first, second


def _refund_notices(donation):
    return sorted(Notification.objects.filter(kind=Kind.REFUND_ISSUED).values_list("dedupe_key", flat=True))


@pytest.mark.parametrize("order", ["oldest_first", "newest_first"])
def test_two_partial_refunds_are_two_rows_with_their_ids_in_either_order(post_event, donation, campaign, order):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    first, second = _two_partial_refunds(donation)
    events = [first, second] if order == "oldest_first" else [second, first]
    for event in events:
        assert post_event(event).status_code == 200
    for event in events:  # Stripe redelivers: the same event id again changes nothing
        assert post_event(event).status_code == 200

    donation.refresh_from_db()
    assert donation.state == Donation.State.PARTIALLY_REFUNDED and donation.refunded_minor == 1000
    assert totals(campaign) == (1500, 1)
    rows = Refund.objects.filter(donation=donation).order_by("id")
    assert [(r.stripe_refund_id, r.amount_minor) for r in rows] == [("re_a", 300), ("re_b", 700)]
    keys = _refund_notices(donation)
    assert keys == sorted(f"refund-issued:{r.pk}" for r in rows)


def test_reapplying_the_refund_events_changes_nothing(post_event, donation, campaign):
    """A finance retry (or the sweep) applying a stored event again is as harmless as a redelivery."""
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    first, second = _two_partial_refunds(donation)
    post_event(second)
    post_event(first)
    for stored in StripeEvent.objects.filter(type="charge.refunded"):
        StripeEvent.objects.filter(pk=stored.pk).update(status=StripeEvent.Status.PENDING)
        webhooks.stripe_event_process(stripe_event_pk=stored.pk)
    donation.refresh_from_db()
    assert donation.refunded_minor == 1000 and Refund.objects.filter(donation=donation).count() == 2
    assert Notification.objects.filter(kind=Kind.REFUND_ISSUED).count() == 2


def test_a_failed_refund_in_the_list_is_not_recorded(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    refunds_listed = [
        {"id": "re_failed", "amount": 400, "status": "failed", "created": 300},
        {"id": "re_ok", "amount": 600, "status": "succeeded", "created": 200},
    ]
    post_event(stripe_event("charge.refunded", charge_object(donation, amount_refunded=600, refunds=refunds_listed)))
    assert list(Refund.objects.filter(donation=donation).values_list("stripe_refund_id", "amount_minor")) == [
        ("re_ok", 600)
    ]
    assert totals(campaign) == (1900, 1)


def test_what_the_list_does_not_explain_is_one_row_without_an_id(post_event, donation, campaign):
    """Newer API versions leave `refunds` out of the charge: the total still moves, once."""
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    post_event(
        stripe_event(
            "charge.refunded",
            charge_object(donation, amount_refunded=900, refunds=[{"id": "re_known", "amount": 400}]),
        )
    )
    rows = Refund.objects.filter(donation=donation).order_by("id")
    assert [(r.stripe_refund_id, r.amount_minor) for r in rows] == [("re_known", 400), (None, 500)]
    donation.refresh_from_db()
    assert donation.refunded_minor == 900 and totals(campaign) == (1600, 1)


def test_refund_listed_in_the_event_keeps_its_stripe_id(post_event, donation):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    post_event(
        stripe_event(
            "charge.refunded", charge_object(donation, amount_refunded=700, refunds=[{"id": "re_dash", "amount": 700}])
        )
    )
    assert Refund.objects.get(donation=donation).stripe_refund_id == "re_dash"


def test_admin_refund_is_not_applied_twice_when_its_webhook_arrives(
    post_event, donation, campaign, staff_user, monkeypatch
):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    monkeypatch.setattr(
        gateway,
        "refund_create",
        lambda **kwargs: {"id": "re_admin", "amount": kwargs["amount_minor"], "status": "succeeded"},
    )
    refunds.donation_refund(actor=staff_user, donation_id=donation.pk, amount_minor=1000)
    assert totals(campaign) == (1500, 1)

    post_event(
        stripe_event(
            "charge.refunded",
            charge_object(donation, amount_refunded=1000, refunds=[{"id": "re_admin", "amount": 1000}]),
        )
    )
    donation.refresh_from_db()
    assert donation.refunded_minor == 1000 and totals(campaign) == (1500, 1)
    assert Refund.objects.filter(donation=donation).count() == 1


def test_dispute_flags_the_donation_for_finance(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation)))
    dispute = {
        "id": "dp_123",
        "object": "dispute",
        "amount": 2500,
        "currency": "eur",
        "charge": f"ch_{donation.pk}test",
        "payment_intent": donation.stripe_payment_intent_id,
        "reason": "fraudulent",
        "status": "needs_response",
    }
    assert post_event(stripe_event("charge.dispute.created", dispute)).status_code == 200
    donation.refresh_from_db()
    assert donation.disputed_at is not None
    assert (donation.stripe_dispute_id, donation.dispute_reason) == ("dp_123", "fraudulent")
    assert totals(campaign) == (2500, 1)  # money moves only if Stripe refunds


def test_unknown_event_type_is_acknowledged_and_ignored(post_event):
    response = post_event(stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert StripeEvent.objects.get().status == StripeEvent.Status.IGNORED


def test_event_for_a_payment_that_is_not_ours_is_ignored(post_event, campaign):
    obj = {"id": "pi_elsewhere", "object": "payment_intent", "amount": 100, "currency": "eur", "metadata": {}}
    post_event(stripe_event("payment_intent.succeeded", obj))
    assert StripeEvent.objects.get().status == StripeEvent.Status.IGNORED
    assert totals(campaign) == (0, 0)


def test_amount_that_contradicts_the_donation_is_not_counted(post_event, donation, campaign):
    post_event(stripe_event("payment_intent.succeeded", intent_object(donation, amount=999)))
    donation.refresh_from_db()
    assert donation.state == Donation.State.PENDING
    event = StripeEvent.objects.get()
    assert event.status == StripeEvent.Status.FAILED and "999" in event.error
    assert totals(campaign) == (0, 0)


def test_bad_signature_is_rejected_and_nothing_stored(client, donation):
    body = json.dumps(stripe_event("payment_intent.succeeded", intent_object(donation)))
    for header in (sign(body, secret="whsec_wrong"), "", "t=1,v1=deadbeef", sign(body)[:-2] + "00"):
        response = client.post(
            "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    donation.refresh_from_db()
    assert donation.state == Donation.State.PENDING


def test_tampered_body_is_rejected(client, donation):
    body = json.dumps(stripe_event("payment_intent.succeeded", intent_object(donation)))
    header = sign(body)
    tampered = body.replace('"amount": 2500', '"amount": 2501')
    response = client.post(
        "/stripe/webhook/", data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400 and not StripeEvent.objects.exists()


def test_stale_timestamp_is_rejected(post_event, donation):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    assert post_event(event, timestamp=int(time.time()) - 301).status_code == 400
    assert not StripeEvent.objects.exists()
    # Inside the 300 s tolerance it is accepted.
    assert post_event(event, timestamp=int(time.time()) - 250).status_code == 200


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"text"', json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}), ""],
)
def test_malformed_payload_with_valid_signature_is_rejected(client, body):
    response = client.post(
        "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_webhook_accepts_only_post(client):
    assert client.get("/stripe/webhook/").status_code == 405


def test_webhook_is_csrf_exempt(donation):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    body = json.dumps(stripe_event("payment_intent.succeeded", intent_object(donation)))
    response = csrf_client.post(
        "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert response.status_code == 200


def test_event_left_pending_is_applied_by_the_sweep(donation, campaign):
    from datetime import timedelta

    from django.utils import timezone

    from fundraising import tasks

    event, created = webhooks.stripe_event_record(
        event=stripe_event("payment_intent.succeeded", intent_object(donation))
    )
    assert created
    StripeEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    assert tasks.stripe_event_sweep() == 1
    event.refresh_from_db()
    assert event.status == StripeEvent.Status.PROCESSED and totals(campaign) == (2500, 1)
    assert tasks.stripe_event_sweep() == 0

"""Paying a pledge on-session after its charge at the deadline failed, against a real localstripe
subprocess: the saved card with 3-D Secure, a new card after a decline, the grace period, and
exactly one charge whatever arrives twice (double click, webhook + page)."""

from datetime import timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied
from causeweb.notifications.models import Notification
from fundraising import gateway
from fundraising.models import Donation, Pledge
from fundraising.services import pledge_payments
from fundraising.tasks import pledge_deadline_sweep
from tests.fundraising.conftest import intent_object, stripe_event
from tests.fundraising.factories import UserFactory, funding_totals
from tests.fundraising.test_pledges import DECLINED_AT_CHARGE, VISA, back, pass_deadline

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]

THREE_D_SECURE = "4000002500003155"


def failed_at_deadline(campaign, browser, card, amount_minor=4000):
    """One good pledge meets the goal; the backer's `card` fails off-session at the deadline."""
    back(campaign, browser, 10_000)
    pledge = back(campaign, browser, amount_minor, card=card)
    pass_deadline(campaign)
    pledge_deadline_sweep()
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PAYMENT_REQUIRED
    return pledge


def succeeded_intents(stripe_api, pledge) -> list[str]:
    """Every PaymentIntent localstripe holds for this pledge that took money."""
    listed = requests.get(
        f"{stripe_api}/v1/payment_intents",
        params={"limit": 100},
        headers={"Authorization": "Bearer sk_test_causeweb_localstripe"},
        timeout=5,
    ).json()["data"]
    return [i["id"] for i in listed if i["metadata"].get("pledge_id") == str(pledge.pk) and i["status"] == "succeeded"]


def test_3ds_card_pays_on_session_once(stripe_browser, stripe_api, aon_campaign, post_event):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, THREE_D_SECURE)
    assert pledge.donation.state == Donation.State.PENDING  # the off-session intent waits for 3-D Secure
    off_session_intent = pledge.donation.stripe_payment_intent_id

    first = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    again = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)  # a double click
    assert first.status == again.status == "requires_action"
    assert first.client_secret.startswith(off_session_intent)  # the same intent, authenticated once
    stripe_browser.confirm_card_payment(first.client_secret, success=True)

    assert pledge_payments.pledge_pay_refresh(pledge=pledge, actor=pledge.backer).status == "collected"
    # The webhook arrives too, and the page refreshes again: nothing more is counted.
    pledge.refresh_from_db()
    post_event(stripe_event("payment_intent.succeeded", intent_object(pledge.donation)))
    assert pledge_payments.pledge_pay_refresh(pledge=pledge, actor=pledge.backer).status == "collected"
    assert pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer).status == "collected"

    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.COLLECTED
    assert pledge.donation.state == Donation.State.SUCCEEDED
    assert succeeded_intents(stripe_api, pledge) == [off_session_intent]
    funding = funding_totals(aon_campaign)  # the row plus its shards
    assert (funding.raised_minor, funding.donor_count) == (14_000, 2)
    assert Notification.objects.filter(dedupe_key=f"donation-receipt:{pledge.donation_id}").count() == 1


def test_failed_authentication_leaves_the_pledge_payable(stripe_browser, stripe_api, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, THREE_D_SECURE)
    first = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    stripe_browser.confirm_card_payment(first.client_secret, success=False)

    outcome = pledge_payments.pledge_pay_refresh(pledge=pledge, actor=pledge.backer)
    assert outcome.status == "failed" and "3-D Secure" in outcome.message
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PAYMENT_REQUIRED
    # Trying again starts a new attempt (a new PaymentIntent), which the backer now completes.
    retry = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    assert retry.status == "requires_action" and retry.client_secret != first.client_secret
    stripe_browser.confirm_card_payment(retry.client_secret, success=True)
    assert pledge_payments.pledge_pay_refresh(pledge=pledge, actor=pledge.backer).status == "collected"
    assert len(succeeded_intents(stripe_api, pledge)) == 1
    assert Donation.objects.filter(pledge__isnull=True, state=Donation.State.FAILED, donor=pledge.backer).count() == 1


def test_declined_card_then_a_new_card(stripe_browser, stripe_api, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, DECLINED_AT_CHARGE)

    refused = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    assert refused.status == "failed" and "declined" in refused.message.lower()
    setup = pledge_payments.pledge_pay_card_setup(pledge=pledge, actor=pledge.backer)
    assert stripe_browser.confirm_card_setup(setup["client_secret"], VISA)["status"] == "succeeded"
    paid = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer, setup_intent_id=setup["setup_intent_id"])

    assert paid.status == "collected"
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.COLLECTED
    assert pledge.donation.card_last4 == "4242"
    assert len(succeeded_intents(stripe_api, pledge)) == 1
    assert funding_totals(aon_campaign).raised_minor == 14_000


def test_switching_card_while_3ds_waits_cancels_the_waiting_payment(stripe_browser, stripe_api, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, THREE_D_SECURE)
    waiting = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    setup = pledge_payments.pledge_pay_card_setup(pledge=pledge, actor=pledge.backer)
    stripe_browser.confirm_card_setup(setup["client_secret"], VISA)

    paid = pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer, setup_intent_id=setup["setup_intent_id"])

    assert paid.status == "collected"
    old_intent = waiting.client_secret.split("_secret_")[0]
    assert gateway.payment_intent_retrieve(payment_intent_id=old_intent).status == "canceled"
    assert len(succeeded_intents(stripe_api, pledge)) == 1


def test_a_card_saved_for_another_pledge_is_refused(stripe_browser, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, DECLINED_AT_CHARGE)
    other = Pledge.objects.exclude(pk=pledge.pk).get()
    from causeweb.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer, setup_intent_id=other.stripe_setup_intent_id)


def test_only_the_backer_pays_and_only_within_the_grace_period(stripe_browser, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, DECLINED_AT_CHARGE)
    with pytest.raises(PermissionDenied):
        pledge_payments.pledge_pay(pledge=pledge, actor=UserFactory())

    Pledge.objects.filter(pk=pledge.pk).update(payment_due_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict, match="time to pay this pledge ended"):
        pledge_payments.pledge_pay(pledge=pledge, actor=pledge.backer)
    with pytest.raises(Conflict):
        pledge_payments.pledge_pay_card_setup(pledge=pledge, actor=pledge.backer)
    assert Donation.objects.filter(donor=pledge.backer).count() == 1  # only the failed deadline charge


def test_pay_page_and_its_json(client, stripe_browser, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, THREE_D_SECURE)
    page_url = reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})
    assert client.get(page_url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(page_url).status_code == 404  # someone else's pledge
    client.force_login(pledge.backer)

    page = client.get(page_url).content.decode()
    assert "with Visa ending 3155" in page and "Or use another card" in page
    answer = client.post(
        reverse("fundraising:pledge_pay_now", kwargs={"public_id": pledge.public_id}),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    ).json()
    assert answer["status"] == "requires_action" and answer["client_secret"]
    stripe_browser.confirm_card_payment(answer["client_secret"], success=True)
    done = client.post(answer["refresh"], HTTP_ACCEPT="application/json").json()
    assert done["status"] == "collected"
    page = client.get(page_url).content.decode()
    assert "Your pledge is paid" in page and "Your receipt" in page


def test_pay_page_after_the_grace_period_says_so(client, stripe_browser, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, DECLINED_AT_CHARGE)
    Pledge.objects.filter(pk=pledge.pk).update(payment_due_at=timezone.now() - timedelta(hours=1))
    client.force_login(pledge.backer)

    page = client.get(reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})).content.decode()
    assert "The time to pay this pledge ended" in page and "Nothing was charged" in page
    assert "pay-saved" not in page
    # A plain form post (no JavaScript) is a message, not an error.
    response = client.post(reverse("fundraising:pledge_pay_now", kwargs={"public_id": pledge.public_id}))
    assert response.status_code == 302
    assert "time to pay this pledge ended" in client.get(response.url).content.decode()


def test_payment_required_email_links_to_the_pay_page(stripe_browser, aon_campaign):
    pledge = failed_at_deadline(aon_campaign, stripe_browser, DECLINED_AT_CHARGE)
    mail = Notification.objects.get(dedupe_key=f"pledge-payment-required:{pledge.pk}")
    assert mail.context["url"] == reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})

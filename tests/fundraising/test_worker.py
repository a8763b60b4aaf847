"""A Stripe webhook is applied by a real Celery worker consuming only the `payments` queue (not
eager): the view stores the event and answers 200 before anything is applied; the task is routed
to `payments`, found by name and applied once.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_fundraising REDIS_URL=redis://127.0.0.1:6379/2 \
    .venv/bin/python -m pytest tests/fundraising/test_worker.py
"""

import json
import time

import pytest
from django.test import Client

from fundraising.models import Donation, StripeEvent
from tests.fundraising.conftest import intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, funding_totals
from tests.workers import running_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


@pytest.fixture
def payments_worker(artifacts_dir):
    with running_worker(
        queues="payments", log_path=artifacts_dir / "fundraising-worker.log", name="payments-test"
    ) as process:
        yield process


def test_webhook_event_is_applied_by_the_payments_worker(payments_worker):
    campaign = FundraisingCampaignFactory()
    donation = DonationFactory(campaign=campaign, amount_minor=4200)
    event = stripe_event("payment_intent.succeeded", intent_object(donation, intent_id="pi_worker"))
    body = json.dumps(event)

    response = Client().post(
        "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert response.status_code == 200
    assert StripeEvent.objects.get(event_id=event["id"]).type == "payment_intent.succeeded"

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if StripeEvent.objects.get(event_id=event["id"]).status != StripeEvent.Status.PENDING:
            break
        assert payments_worker.poll() is None, "the worker exited"
        time.sleep(0.3)
    assert StripeEvent.objects.get(event_id=event["id"]).status == StripeEvent.Status.PROCESSED
    donation.refresh_from_db()
    assert donation.state == Donation.State.SUCCEEDED
    funding = funding_totals(campaign)
    assert (funding.raised_minor, funding.donor_count) == (4200, 1)

"""A Stripe webhook is applied by a real Celery worker consuming only the `payments` queue (not
eager): the view stores the event and answers 200 before anything is applied; the task is routed
to `payments`, found by name and applied once.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_fundraising REDIS_URL=redis://127.0.0.1:6379/2 \
    .venv/bin/python -m pytest tests/fundraising/test_worker.py
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from fundraising.models import CampaignFunding, Donation, StripeEvent
from tests.fundraising.conftest import intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


@pytest.fixture
def payments_worker(artifacts_dir):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = open(artifacts_dir / "fundraising-worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "causeweb", "worker", "-Q", "payments", "-c", "1", "-P", "solo",
         "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"payments-test-{uuid.uuid4().hex[:8]}@%h"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


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
    funding = CampaignFunding.objects.get(campaign=campaign)
    assert (funding.raised_minor, funding.donor_count) == (4200, 1)

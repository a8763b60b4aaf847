"""/stripe/webhook/ input that is signed correctly but must still be refused: a signature dated
outside the tolerance in either direction, an event id or type that is not Stripe's shape."""

import json
import time

import pytest
from django.core.checks import run_checks

from fundraising.models import StripeEvent
from tests.fundraising.conftest import intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation(campaign):
    return DonationFactory(campaign=campaign, amount_minor=2500, stripe_payment_intent_id="pi_inputtest")


def _post(client, event, *, timestamp=None):
    body = json.dumps(event)
    return client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, timestamp=timestamp),
    )


@pytest.mark.parametrize("offset", [86_400, 301 + 5, -86_400, -(301 + 5)])
def test_signature_outside_the_tolerance_either_way_is_refused(client, donation, offset):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    response = _post(client, event, timestamp=int(time.time()) + offset)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("offset", [0, 200, -200])
def test_signature_within_the_tolerance_is_accepted(client, donation, offset):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    assert _post(client, event, timestamp=int(time.time()) + offset).status_code == 200
    assert StripeEvent.objects.filter(event_id=event["id"]).exists()


@pytest.mark.parametrize(
    "event_id",
    ["evt_" + "a" * 5000, "x" * 5000, "evt_", "evt_abc\r\ndef", "evt_../x", "ch_123", 12345, ["evt_1"], {"a": 1}],
)
def test_event_id_that_is_not_a_stripe_event_id_is_a_400(client, donation, event_id):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    event["id"] = event_id
    response = _post(client, event)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize("event_type", ["x" * 500, "payment_intent", "PAYMENT.\r\nx", 7])
def test_event_type_that_is_not_an_event_type_is_a_400(client, donation, event_type):
    event = stripe_event("payment_intent.succeeded", intent_object(donation))
    event["type"] = event_type
    assert _post(client, event).status_code == 400
    assert not StripeEvent.objects.exists()


def _deploy_errors():
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_deploy_check_fails_with_a_stripe_key_but_no_webhook_secret(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_example"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert "causeweb.E004" in _deploy_errors()


def test_deploy_check_passes_with_both_stripe_secrets(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_example"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_example"
    assert "causeweb.E004" not in _deploy_errors()

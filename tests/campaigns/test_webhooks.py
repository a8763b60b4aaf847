"""Webhooks out: recorded in the event's transaction, sent after commit to a real (loopback) HTTP
server that verifies the HMAC signature, retried on failure, never sent twice, never blocking the
request, and refused for URLs that would reach our own network in production."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns.models import WebhookDelivery, WebhookEndpoint
from campaigns.services import webhooks
from campaigns.services.signatures import signature_create
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from events.services.events import event_cancel
from events.services.rsvps import rsvp_cancel, rsvp_create
from tests.campaigns.factories import CampaignFactory
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Partner:
    """A partner's receiver on 127.0.0.1: records what arrives and answers `status`."""

    def __init__(self):
        self.received, self.status = [], 200
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                partner.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(partner.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def partner():
    receiver = Partner()
    yield receiver
    receiver.close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a partner does (docs/api.md): recompute v1 over "<t>.<body>" and compare in constant time."""
    fields = dict(part.split("=", 1) for part in headers["Causeweb-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_a_confirmed_signature_reaches_the_partner_signed(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["signature.confirmed"]
    )
    signer = UserFactory(email="signer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=campaign, user=signer, name="", is_public=False)
    assert len(partner.received) == 1
    arrived = partner.received[0]
    assert verify(endpoint.secret, arrived["headers"], arrived["body"])
    assert not verify("whsec_wrong", arrived["headers"], arrived["body"])
    payload = json.loads(arrived["body"])
    assert payload["type"] == "signature.confirmed" and payload["campaign"] == campaign.slug
    assert payload["data"]["name"] is None  # not public: no name
    assert b"signer@example.org" not in arrived["body"]  # never an email
    assert arrived["headers"]["Causeweb-Delivery"] == payload["id"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.attempts == 1 and delivery.last_status_code == 200


def test_rsvps_of_the_campaigns_events_are_sent_and_only_subscribed_types(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["rsvp.created", "rsvp.cancelled"]
    )
    event = EventFactory(campaign=campaign)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = rsvp_create(event_id=event.pk, user=person)
        signature_create(campaign=campaign, user=person, name="")  # not subscribed
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_cancel(rsvp_id=rsvp.pk, actor=person)
    types = [json.loads(r["body"])["type"] for r in partner.received]
    assert types == ["rsvp.created", "rsvp.cancelled"]


def test_nothing_is_sent_for_a_rolled_back_event_and_nothing_inside_the_request(partner):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["signature.confirmed"]
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        signature_create(campaign=campaign, user=UserFactory(), name="")
        raise RuntimeError("the request failed after the signature")
    assert not WebhookDelivery.objects.exists() and partner.received == []
    # Inside a transaction that commits, the HTTP call waits for the commit (here: never runs).
    signature_create(campaign=campaign, user=UserFactory(), name="")
    assert WebhookDelivery.objects.get().status == "pending" and partner.received == []


def test_a_failed_delivery_is_retried_and_then_succeeds_once(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["signature.confirmed"]
    )
    partner.status = 503
    signature_create(campaign=campaign, user=UserFactory(), name="")
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    partner.status = 204
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) is True
    assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) is True  # done: not sent again
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2) and len(partner.received) == 2
    ids = {json.loads(r["body"])["id"] for r in partner.received}
    assert len(ids) == 1  # the same event id on the retry: partners dedupe on it


def test_the_task_retries_with_backoff_and_gives_up(monkeypatch):
    from campaigns import tasks

    campaign = CampaignFactory()
    endpoint = WebhookEndpoint.objects.create(
        campaign=campaign, url="http://127.0.0.1:9/closed", event_types=["signature.confirmed"], secret="s"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id="6f1c2a7e-0000-4000-8000-000000000001", event_type="signature.confirmed", payload={}
    )
    retries = []

    def fake_retry(countdown):
        retries.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.deliver_webhook, "retry", fake_retry)
    tasks.deliver_webhook.push_request(retries=0, is_eager=False)
    try:
        with pytest.raises(RuntimeError):
            tasks.deliver_webhook.run(delivery.pk)
    finally:
        tasks.deliver_webhook.pop_request()
    assert retries == [60]  # first retry after a minute, doubling after
    # Eager (no broker): no retry raised into the request that caused the event; the sweep resends.
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).get() is False
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=0, created_at=timezone.now() - timedelta(minutes=30))
    assert webhooks.webhook_delivery_ids_stalled() == [delivery.pk]
    tasks.deliver_webhook.push_request(retries=tasks.WEBHOOK_RETRIES)
    try:
        assert tasks.deliver_webhook.run(delivery.pk) is False
    finally:
        tasks.deliver_webhook.pop_request()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.last_error


def test_emitting_twice_records_one_delivery(partner):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["donation.succeeded"]
    )
    for _ in range(2):
        webhooks.webhook_event_emit(
            campaign_id=campaign.pk, event_type="donation.succeeded", data={}, event_key="donation:1"
        )
    assert WebhookDelivery.objects.count() == 1


def test_only_the_organizer_registers_and_urls_are_checked(settings):
    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        webhooks.webhook_endpoint_create(
            campaign=campaign, actor=UserFactory(), url="https://example.org/h", event_types=["rsvp.created"]
        )
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(
            campaign=campaign, actor=campaign.organizer, url="https://example.org/h", event_types=[]
        )
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(
            campaign=campaign, actor=campaign.organizer, url="ftp://example.org/h", event_types=["rsvp.created"]
        )
    # Production: https only, and never an address inside our network.
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url in (
        "http://93.184.216.34/h",
        "https://127.0.0.1/h",
        "https://10.0.0.5/h",
        "https://169.254.169.254/latest",
        "https://[::1]/h",
        "https://user:pw@93.184.216.34/h",
    ):
        with pytest.raises(ValidationError):
            webhooks.webhook_endpoint_create(
                campaign=campaign, actor=campaign.organizer, url=url, event_types=["rsvp.created"]
            )
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url="https://93.184.216.34/h", event_types=["rsvp.created"]
    )
    assert endpoint.secret.startswith("whsec_")
    with pytest.raises(Conflict):
        webhooks.webhook_endpoint_create(
            campaign=campaign, actor=campaign.organizer, url="https://93.184.216.34/h", event_types=["rsvp.created"]
        )


def test_a_disabled_endpoint_gets_nothing(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["signature.confirmed"]
    )
    webhooks.webhook_endpoint_disable(endpoint=endpoint, actor=campaign.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=campaign, user=UserFactory(), name="")
    assert partner.received == [] and not WebhookDelivery.objects.exists()


def test_a_cancelled_event_is_sent_once_with_its_reason(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["event.cancelled"]
    )
    event = EventFactory(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(event_id=event.pk, user=UserFactory())
        rsvp_create(event_id=event.pk, user=UserFactory())  # rsvp.created: not subscribed
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event_id=event.pk, actor=event.host, reason="Storm warning")
    with pytest.raises(Conflict), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event_id=event.pk, actor=event.host)  # already cancelled: nothing sent again
    bodies = [json.loads(r["body"]) for r in partner.received]
    assert [b["type"] for b in bodies] == ["event.cancelled"]
    assert bodies[0]["data"]["event"] == event.slug
    assert bodies[0]["data"]["reason"] == "Storm warning" and bodies[0]["data"]["rsvps_told"] == 2
    assert b"@" not in partner.received[0]["body"]  # no email address of anyone told


def test_someone_else_cannot_cancel_and_nothing_is_sent(partner, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign, actor=campaign.organizer, url=partner.url, event_types=["event.cancelled"]
    )
    event = EventFactory(campaign=campaign)
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event_id=event.pk, actor=UserFactory())
    assert partner.received == [] and not WebhookDelivery.objects.exists()

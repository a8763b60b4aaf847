"""The organizer's webhook settings, on the page and through the API: the same endpoints and
deliveries, the organizer only (another person gets a 404 both ways)."""

import pytest
from rest_framework.test import APIClient

from campaigns.models import WebhookDelivery, WebhookEndpoint
from campaigns.services import webhooks
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_register_on_the_page_and_see_it_in_the_api(client, user):
    campaign = CampaignFactory(organizer=user)
    client.force_login(user)
    page = client.post(
        f"/campaigns/{campaign.slug}/webhooks/",
        {"url": "https://partner.example.org/hooks", "event_types": ["donation.succeeded", "rsvp.created"]},
    )
    assert page.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    listed = api_for(user).get("/api/v1/me/webhooks/", {"campaign": campaign.slug}).json()
    assert [(e["id"], e["url"], e["event_types"]) for e in listed] == [
        (endpoint.pk, "https://partner.example.org/hooks", ["donation.succeeded", "rsvp.created"])
    ]
    webhooks.webhook_event_emit(campaign_id=campaign.pk, event_type="rsvp.created", data={"rsvp_id": 1}, event_key="x")
    shown = client.get(f"/campaigns/{campaign.slug}/webhooks/").content.decode()
    assert "rsvp.created" in shown and "Pending" in shown and endpoint.secret in shown
    deliveries = api_for(user).get(f"/api/v1/me/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert [(d["event_type"], d["status"]) for d in deliveries] == [("rsvp.created", "pending")]


def test_bad_urls_are_field_errors_on_the_page_and_in_the_api(client, user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    campaign = CampaignFactory(organizer=user)
    client.force_login(user)
    page = client.post(
        f"/campaigns/{campaign.slug}/webhooks/", {"url": "https://127.0.0.1/h", "event_types": ["rsvp.created"]}
    )
    assert page.status_code == 400 and "private or local address" in page.content.decode()
    response = api_for(user).post(
        "/api/v1/me/webhooks/",
        {"campaign": campaign.slug, "url": "https://10.1.2.3/h", "event_types": ["rsvp.created"]},
        format="json",
    )
    assert response.status_code == 400 and "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_nobody_else_sees_or_changes_a_campaigns_webhooks(client, user, other_user):
    campaign = CampaignFactory(organizer=user)
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=user, url="https://partner.example.org/h", event_types=["rsvp.created"]
    )
    client.force_login(other_user)
    assert client.get(f"/campaigns/{campaign.slug}/webhooks/").status_code == 404
    assert client.post(f"/campaigns/{campaign.slug}/webhooks/{endpoint.pk}/disable/").status_code == 404
    stranger = api_for(other_user)
    assert stranger.get("/api/v1/me/webhooks/").json() == []
    assert stranger.get(f"/api/v1/me/webhooks/{endpoint.pk}/").status_code == 404
    assert stranger.delete(f"/api/v1/me/webhooks/{endpoint.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/me/webhooks/{endpoint.pk}/deliveries/").status_code == 404
    created = stranger.post(
        "/api/v1/me/webhooks/",
        {"campaign": campaign.slug, "url": "https://evil.example.org/h", "event_types": ["rsvp.created"]},
        format="json",
    )
    assert created.status_code == 400 and WebhookEndpoint.objects.count() == 1
    assert APIClient().get("/api/v1/me/webhooks/").status_code == 401
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_disabling_through_the_api_keeps_the_deliveries(user):
    campaign = CampaignFactory(organizer=user)
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=user, url="https://partner.example.org/h", event_types=["rsvp.created"]
    )
    webhooks.webhook_event_emit(campaign_id=campaign.pk, event_type="rsvp.created", data={}, event_key="k")
    assert api_for(user).delete(f"/api/v1/me/webhooks/{endpoint.pk}/").status_code == 204
    endpoint.refresh_from_db()
    assert not endpoint.is_active and WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_deliveries_list_is_constant_in_queries(user, django_assert_max_num_queries):
    campaign = CampaignFactory(organizer=user)
    endpoint = webhooks.webhook_endpoint_create(
        campaign=campaign, actor=user, url="https://partner.example.org/h", event_types=["rsvp.created"]
    )
    for n in range(30):
        webhooks.webhook_event_emit(campaign_id=campaign.pk, event_type="rsvp.created", data={"n": n}, event_key=str(n))
    with django_assert_max_num_queries(4):
        body = api_for(user).get(f"/api/v1/me/webhooks/{endpoint.pk}/deliveries/").json()
    assert len(body["results"]) == 20 and body["next"]

"""/api/v1/pledges/ through the pledge services (localstripe saves the card; nothing is charged),
the donations list's filters and cursor, and the partner webhook of a donation that succeeded."""

import pytest
from rest_framework.test import APIClient

from campaigns.models import WebhookDelivery
from campaigns.services import webhooks
from fundraising import rules
from fundraising.models import Donation, Pledge
from fundraising.services import funding_model, transitions
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def aon_campaign(db):
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign


def api_for(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


@pytest.mark.stripe
def test_pledge_set_up_confirm_change_and_cancel(stripe_browser, aon_campaign):
    backer = UserFactory()
    api = api_for(backer)
    created = api.post("/api/v1/pledges/", {"campaign": aon_campaign.slug, "amount_minor": 2500}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "setting_up" and body["setup_intent_client_secret"]
    stripe_browser.confirm_card_setup(body["setup_intent_client_secret"], "4242424242424242")
    confirmed = api.post(
        f"/api/v1/pledges/{body['id']}/confirm/", {"setup_intent_id": body["setup_intent_id"]}, format="json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "active"
    changed = api.patch(f"/api/v1/pledges/{body['id']}/", {"amount_minor": 4000}, format="json")
    assert changed.status_code == 200 and changed.json()["amount_minor"] == 4000
    assert [p["id"] for p in api.get("/api/v1/pledges/").json()["results"]] == [body["id"]]
    # Nobody else sees or touches it.
    stranger = api_for(UserFactory())
    assert stranger.get(f"/api/v1/pledges/{body['id']}/").status_code == 404
    assert stranger.patch(f"/api/v1/pledges/{body['id']}/", {"amount_minor": 100}, format="json").status_code == 404
    assert stranger.post(f"/api/v1/pledges/{body['id']}/cancel/").status_code == 404
    assert (
        stranger.post(f"/api/v1/pledges/{body['id']}/confirm/", {"setup_intent_id": "x"}, format="json").status_code
        == 404
    )
    cancelled = api.post(f"/api/v1/pledges/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "canceled"
    assert api.post(f"/api/v1/pledges/{body['id']}/cancel/").status_code == 409
    assert Pledge.objects.get().amount_minor == 4000


def test_pledges_need_an_all_or_nothing_campaign_and_a_sign_in():
    keep = FundraisingCampaignFactory(goal_minor=10_000)
    response = api_for(UserFactory()).post(
        "/api/v1/pledges/", {"campaign": keep.slug, "amount_minor": 2500}, format="json"
    )
    assert response.status_code == 400 and not Pledge.objects.exists()
    assert (
        api_for().post("/api/v1/pledges/", {"campaign": keep.slug, "amount_minor": 2500}, format="json").status_code
        == 401
    )


def test_donations_filter_by_campaign_and_state_and_page_by_cursor(django_assert_max_num_queries):
    donor = UserFactory()
    first, second = FundraisingCampaignFactory(), FundraisingCampaignFactory()
    for _ in range(25):
        DonationFactory(donor=donor, campaign=first, state=Donation.State.SUCCEEDED)
    DonationFactory(donor=donor, campaign=second, state=Donation.State.FAILED)
    api = api_for(donor)
    with django_assert_max_num_queries(4):
        page = api.get("/api/v1/donations/", {"campaign": first.slug}).json()
    assert len(page["results"]) == 20 and {d["campaign"] for d in page["results"]} == {first.slug}
    rest = api.get(page["next"]).json()
    assert len(rest["results"]) == 5 and rest["next"] is None
    failed = api.get("/api/v1/donations/", {"state": "failed"}).json()["results"]
    assert [d["campaign"] for d in failed] == [second.slug]
    assert api.get("/api/v1/donations/", {"state": "nonsense"}).status_code == 400
    assert api.get("/api/v1/donations/", {"cursor": "forged"}).status_code == 404


def test_donor_emails_never_reach_the_api_or_partners():
    campaign = FundraisingCampaignFactory()
    webhooks.webhook_endpoint_create(
        campaign=campaign,
        actor=campaign.organizer,
        url="https://partner.example.org/h",
        event_types=["donation.succeeded"],
    )
    donation = DonationFactory(
        campaign=campaign,
        email="donor@example.org",
        donor_name="Ada Lovelace",
        visibility=Donation.Visibility.FIRST_NAME,
        state=Donation.State.PENDING,
    )
    transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id="pi_1")
    payload = WebhookDelivery.objects.get().payload
    assert payload["type"] == "donation.succeeded" and payload["data"]["donor_name"] == "Ada"
    assert "donor@example.org" not in str(payload)
    organizer_view = api_for(campaign.organizer).get("/api/v1/donations/").json()
    assert organizer_view["results"] == []  # the organizer is not the donor: nothing of theirs
    assert "donor@example.org" not in api_for(UserFactory()).get(f"/api/v1/campaigns/{campaign.slug}/").content.decode()

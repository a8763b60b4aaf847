import pytest
from rest_framework.test import APIClient

from fundraising import gateway
from fundraising.models import Donation
from tests.fundraising.factories import DonationFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_creating_a_donation_intent_needs_sign_in(api, campaign):
    response = api.post("/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": 2500}, format="json")
    assert response.status_code in (401, 403)
    assert not Donation.objects.exists()


def test_validation_errors_are_400(api, campaign):
    api.force_authenticate(UserFactory())
    assert (
        api.post("/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": 50}, format="json").status_code
        == 400
    )
    assert api.post("/api/v1/donations/", {"campaign": "nope", "amount_minor": 2500}, format="json").status_code == 400
    response = api.post("/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": "x"}, format="json")
    assert response.status_code == 400 and "amount_minor" in response.json()["errors"]
    huge = api.post(
        "/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": 10**30}, format="json"
    )  # beyond any integer column: a field error, not a database error
    assert huge.status_code == 400 and "amount_minor" in huge.json()["errors"]
    assert not Donation.objects.exists()


@pytest.mark.stripe
def test_donation_intent_charge_and_3ds_through_the_api(api, stripe_browser, campaign):
    user = UserFactory()
    api.force_authenticate(user)
    response = api.post(
        "/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": 3000, "cover_fee": True}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "pending" and body["fee_minor"] == 72 and body["currency"] == "EUR"
    assert body["stripe_publishable_key"].startswith("pk_")
    secret = body["setup_intent_client_secret"]

    stripe_browser.confirm_card_setup(secret, "4000002500003155")
    charge = api.post(
        f"/api/v1/donations/{body['id']}/charge/", {"setup_intent_id": secret.split("_secret_")[0]}, format="json"
    )
    assert charge.status_code == 200 and charge.json()["next_action"] == "confirm_card_payment"
    stripe_browser.confirm_card_payment(charge.json()["client_secret"], success=True)
    refreshed = api.post(f"/api/v1/donations/{body['id']}/refresh/", format="json").json()
    assert refreshed["state"] == "succeeded" and refreshed["client_secret"] is None
    assert funding_totals(campaign).raised_minor == 3000

    # Listed for its donor only.
    assert [d["id"] for d in api.get("/api/v1/donations/").json()["results"]] == [body["id"]]
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/donations/").json()["results"] == []
    assert api.get(f"/api/v1/donations/{body['id']}/").status_code == 404
    assert api.post(f"/api/v1/donations/{body['id']}/refresh/").status_code == 404


def test_list_does_not_grow_in_queries(api, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(15):
        DonationFactory(donor=user)
    DonationFactory(donor=UserFactory())  # someone else's: not listed
    api.force_authenticate(user)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/donations/")
    assert len(response.json()["results"]) == 15 and response.json()["next"] is None  # cursor pages: no count
    own = Donation.objects.filter(donor=user).order_by("-created_at", "-id")
    listed = [row["id"] for row in response.json()["results"]]
    assert listed == [str(d.public_id) for d in own]  # all 15 on the first page (20 a page), newest first


def test_a_stripe_outage_at_card_setup_is_a_502_and_the_donation_is_failed(api, campaign, monkeypatch):
    def refuse(**kwargs):
        raise gateway.GatewayError("Payments are unavailable right now.", code="api_connection_error")

    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_outage")
    monkeypatch.setattr(gateway, "setup_intent_create", refuse)
    api.force_authenticate(UserFactory())
    response = api.post("/api/v1/donations/", {"campaign": campaign.slug, "amount_minor": 2500}, format="json")
    assert response.status_code == 502
    assert response.json() == {
        "detail": "Payments are unavailable right now.",
        "errors": {},
        "code": "api_connection_error",
    }
    donation = Donation.objects.get()
    assert (donation.state, donation.failure_message) == (Donation.State.FAILED, "Payments are unavailable right now.")


def _payment_intents(base: str) -> list[dict]:
    import requests

    response = requests.get(
        f"{base}/v1/payment_intents", headers={"Authorization": "Bearer sk_test_causeweb_localstripe"}, timeout=5
    )
    return response.json()["data"]


@pytest.mark.stripe
def test_one_payment_intent_with_3ds_through_the_api(api, stripe_browser, campaign):
    """`payment_method_id` on create: one PaymentIntent, no SetupIntent, 3-D Secure asked once."""
    user = UserFactory()
    api.force_authenticate(user)
    card = stripe_browser.card("4000002500003155")
    response = api.post(
        "/api/v1/donations/",
        {"campaign": campaign.slug, "amount_minor": 3000, "payment_method_id": card},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "requires_action" and body["next_action"] == "confirm_card_payment"
    assert body["client_secret"].startswith("pi_") and body["setup_intent_client_secret"] is None
    donation = Donation.objects.get(public_id=body["id"])
    assert donation.stripe_setup_intent_id == "" and donation.stripe_payment_intent_id
    stripe_browser.confirm_card_payment(body["client_secret"], success=True)
    refreshed = api.post(f"/api/v1/donations/{body['id']}/refresh/", format="json").json()
    assert refreshed["state"] == "succeeded" and refreshed["status"] == "succeeded"
    assert refreshed["client_secret"] is None
    assert funding_totals(campaign).raised_minor == 3000
    # A second refresh is harmless, and there is one PaymentIntent for the donation.
    assert api.post(f"/api/v1/donations/{body['id']}/refresh/").json()["state"] == "succeeded"
    intents = [i for i in _payment_intents(stripe_browser.base) if i["metadata"].get("donation_id") == str(donation.pk)]
    assert len(intents) == 1


@pytest.mark.stripe
def test_one_payment_intent_without_3ds_and_a_decline(api, stripe_browser, campaign):
    api.force_authenticate(UserFactory())
    paid = api.post(
        "/api/v1/donations/",
        {"campaign": campaign.slug, "amount_minor": 2500, "payment_method_id": stripe_browser.card("4242424242424242")},
        format="json",
    ).json()
    assert (paid["status"], paid["state"], paid["client_secret"]) == ("succeeded", "succeeded", None)
    declined = api.post(
        "/api/v1/donations/",
        {"campaign": campaign.slug, "amount_minor": 2500, "payment_method_id": stripe_browser.card("4000000000000341")},
        format="json",
    ).json()
    assert declined["status"] == "failed" and declined["state"] == "failed" and declined["failure_message"]
    assert funding_totals(campaign).raised_minor == 2500


def test_a_malformed_payment_method_is_a_400_and_nothing_is_created(api, campaign):
    api.force_authenticate(UserFactory())
    for bad in ("seti_123", "pm_", "pm_ab cd", "x" * 300):
        response = api.post(
            "/api/v1/donations/",
            {"campaign": campaign.slug, "amount_minor": 2500, "payment_method_id": bad},
            format="json",
        )
        assert response.status_code == 400 and "payment_method_id" in response.json()["errors"], bad
    assert not Donation.objects.exists()


def test_the_setup_intent_path_is_deprecated_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    assert schema["paths"]["/api/v1/donations/{public_id}/charge/"]["post"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/donations/"]["post"]
    create = schema["components"]["schemas"]["DonationCreateRequest"]["properties"]
    assert "payment_method_id" in create


@pytest.mark.stripe
def test_a_card_stripe_does_not_know_is_a_400_and_the_donation_is_failed(api, stripe_api, campaign):
    api.force_authenticate(UserFactory())
    response = api.post(
        "/api/v1/donations/",
        {"campaign": campaign.slug, "amount_minor": 2500, "payment_method_id": "pm_nosuchcard"},
        format="json",
    )
    assert response.status_code == 400 and "payment_method_id" in response.json()["errors"]
    assert Donation.objects.get().state == Donation.State.FAILED

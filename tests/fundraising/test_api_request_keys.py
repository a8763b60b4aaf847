"""The API's `Idempotency-Key` on donation create: a client that retries after a timeout (its
first request may have charged the card) gets the same donation back and is charged once."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from fundraising.models import Donation
from fundraising.services import donations
from tests.fundraising.factories import UserFactory, funding_totals
from tests.fundraising.test_api import _payment_intents

pytestmark = pytest.mark.django_db

URL = "/api/v1/donations/"


@pytest.fixture
def donor_api():
    api = APIClient()
    api.force_authenticate(UserFactory())
    return api


@pytest.mark.stripe
def test_a_retried_create_with_the_same_key_charges_once(donor_api, stripe_browser, campaign):
    body = {
        "campaign": campaign.slug,
        "amount_minor": 2500,
        "payment_method_id": stripe_browser.card("4242424242424242"),
    }
    first = donor_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="order-7f3a")
    assert first.status_code == 201 and first.json()["status"] == "succeeded"
    assert "Idempotent-Replayed" not in first
    again = donor_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="order-7f3a")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "succeeded"
    donation = Donation.objects.get()
    assert funding_totals(campaign).raised_minor == 2500
    intents = [i for i in _payment_intents(stripe_browser.base) if i["metadata"].get("donation_id") == str(donation.pk)]
    assert len(intents) == 1
    # Without a key (or with a new one) a second create is a second donation, as before.
    other = donor_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="order-8b1c")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert Donation.objects.count() == 2


@pytest.mark.stripe
def test_a_replayed_3ds_create_answers_its_client_secret_again(donor_api, stripe_browser, campaign):
    body = {
        "campaign": campaign.slug,
        "amount_minor": 3000,
        "payment_method_id": stripe_browser.card("4000002500003155"),
    }
    first = donor_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3ds").json()
    assert first["status"] == "requires_action"
    again = donor_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3ds").json()
    assert again["id"] == first["id"] and again["status"] == "requires_action"
    assert again["client_secret"] == first["client_secret"]
    assert Donation.objects.count() == 1


def test_the_same_key_for_another_donation_is_a_409_and_nothing_is_made(donor_api, campaign, monkeypatch):
    monkeypatch.setattr(
        donations, "donation_prepare_card", lambda **kwargs: {"setup_intent_id": "", "client_secret": ""}
    )
    first = donor_api.post(
        URL, {"campaign": campaign.slug, "amount_minor": 2500}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    other = donor_api.post(
        URL, {"campaign": campaign.slug, "amount_minor": 9900}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Donation.objects.count() == 1


def test_another_donors_key_is_theirs_alone(campaign, monkeypatch):
    monkeypatch.setattr(
        donations, "donation_prepare_card", lambda **kwargs: {"setup_intent_id": "", "client_secret": ""}
    )
    answers = []
    for _ in range(2):
        api = APIClient()
        api.force_authenticate(UserFactory())
        answers.append(
            api.post(URL, {"campaign": campaign.slug, "amount_minor": 2500}, format="json", HTTP_IDEMPOTENCY_KEY="same")
        )
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] != answers[1].json()["id"]


@pytest.mark.parametrize("key", ["has space", "x" * 65, "ключ", "a/b"])
def test_a_malformed_key_is_a_400_naming_the_header(donor_api, campaign, key):
    response = donor_api.post(
        URL, {"campaign": campaign.slug, "amount_minor": 2500}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    assert not Donation.objects.exists()


def test_the_header_is_in_the_schema(donor_api):
    schema = donor_api.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/donations/"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_creates_with_one_key_make_one_donation(campaign, monkeypatch):
    """Both pass the first look-up; the unique constraint lets one insert through and the other
    answers the same donation."""
    monkeypatch.setattr(
        donations, "donation_prepare_card", lambda **kwargs: {"setup_intent_id": "", "client_secret": ""}
    )
    donor = UserFactory()
    barrier = threading.Barrier(2)
    original_filter = Donation.objects.filter
    answers = []

    def slow_lookup(*args, **kwargs):
        queryset = original_filter(*args, **kwargs)
        if "client_request_key" in kwargs and not getattr(threading.current_thread(), "looked", False):
            threading.current_thread().looked = True
            list(queryset)  # both threads read "none yet" before either inserts
            barrier.wait(timeout=10)
        return queryset

    monkeypatch.setattr(Donation.objects, "filter", slow_lookup)

    def create():
        try:
            api = APIClient()
            api.force_authenticate(donor)
            answers.append(
                api.post(
                    URL, {"campaign": campaign.slug, "amount_minor": 2500}, format="json", HTTP_IDEMPOTENCY_KEY="race"
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Donation.objects.filter(donor=donor).count() == 1

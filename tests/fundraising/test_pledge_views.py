"""The pledge pages: what the backer is told about the card, the JSON card steps, managing a
pledge from the account, and the organizer's funding-model choice and pledges tab."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fundraising import rules
from fundraising.models import Pledge
from fundraising.services import funding_model
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"


@pytest.fixture
def aon_campaign(db):
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign


def test_campaign_page_and_pledge_form_say_what_happens_to_the_card(client, aon_campaign):
    page = client.get(aon_campaign.get_absolute_url())
    assert page.status_code == 200
    assert "All or nothing" in page.content.decode()
    assert "charged only if the campaign reaches its goal" in page.content.decode()
    assert "Donate</a>" not in page.content.decode()

    client.force_login(UserFactory())
    form = client.get(reverse("fundraising:pledge_new", kwargs={"slug": aon_campaign.slug}))
    body = form.content.decode()
    assert "Nothing is charged today." in body
    assert "days left" in body and "backer" in body


def test_pledge_form_needs_sign_in(client, aon_campaign):
    response = client.get(reverse("fundraising:pledge_new", kwargs={"slug": aon_campaign.slug}))
    assert response.status_code == 302
    start = client.post(reverse("fundraising:pledge_start", kwargs={"slug": aon_campaign.slug}), {"amount": "50"})
    assert start.status_code == 403


def test_keep_what_you_raise_campaign_has_no_pledge_form(client):
    campaign = FundraisingCampaignFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("fundraising:pledge_new", kwargs={"slug": campaign.slug})).status_code == 404


@pytest.mark.stripe
def test_back_then_change_then_cancel_from_the_account(client, aon_campaign, stripe_browser):
    backer = UserFactory()
    client.force_login(backer)
    start = client.post(reverse("fundraising:pledge_start", kwargs={"slug": aon_campaign.slug}), {"amount": "50"})
    assert start.status_code == 200, start.content
    data = start.json()
    assert stripe_browser.confirm_card_setup(data["client_secret"], VISA)["status"] == "succeeded"
    done = client.post(
        data["confirm"], data=json.dumps({"setup_intent_id": data["setup_intent_id"]}), content_type="application/json"
    )
    assert done.json()["status"] == "active"
    pledge = Pledge.objects.get(backer=backer)
    assert pledge.amount_minor == 5000

    mine = client.get(reverse("fundraising:my_pledges"))
    assert aon_campaign.title in mine.content.decode()
    client.post(reverse("fundraising:pledge_change", kwargs={"public_id": pledge.public_id}), {"amount": "75"})
    pledge.refresh_from_db()
    assert pledge.amount_minor == 7500
    client.post(reverse("fundraising:pledge_cancel", kwargs={"public_id": pledge.public_id}))
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.CANCELED


def test_invalid_amount_and_other_peoples_pledges(client, aon_campaign):
    client.force_login(UserFactory())
    bad = client.post(reverse("fundraising:pledge_start", kwargs={"slug": aon_campaign.slug}), {"amount": "0.10"})
    assert bad.status_code == 400
    assert "amount" in bad.json()["errors"]
    pledge = Pledge.objects.create(
        campaign=aon_campaign,
        backer=UserFactory(),
        backer_name="X",
        email="x@example.org",
        amount_minor=5000,
        currency="EUR",
        state=Pledge.State.ACTIVE,
    )
    assert client.get(reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id})).status_code == 404
    assert client.post(reverse("fundraising:pledge_cancel", kwargs={"public_id": pledge.public_id})).status_code == 404
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACTIVE


def test_change_after_deadline_is_a_message_not_an_error(client, aon_campaign):
    backer = UserFactory()
    pledge = Pledge.objects.create(
        campaign=aon_campaign,
        backer=backer,
        backer_name="X",
        email="x@example.org",
        amount_minor=5000,
        currency="EUR",
        state=Pledge.State.ACTIVE,
    )
    type(aon_campaign).objects.filter(pk=aon_campaign.pk).update(deadline=timezone.now() - timedelta(hours=1))
    client.force_login(backer)
    response = client.post(reverse("fundraising:pledge_cancel", kwargs={"public_id": pledge.public_id}), follow=True)
    assert response.status_code == 200
    assert "deadline has passed" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACTIVE


def test_organizer_chooses_the_funding_model(client):
    campaign = FundraisingCampaignFactory()
    url = reverse("fundraising:funding_settings", kwargs={"slug": campaign.slug})
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(campaign.organizer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"funding_model": "all_or_nothing"})
    assert response.status_code == 302
    assert funding_totals(campaign).funding_model == "all_or_nothing"

    no_deadline = FundraisingCampaignFactory(organizer=campaign.organizer, deadline=None)
    url = reverse("fundraising:funding_settings", kwargs={"slug": no_deadline.slug})
    response = client.post(url, {"funding_model": "all_or_nothing"})
    assert response.status_code == 200
    assert "needs a deadline" in response.content.decode()


def test_organizer_sees_pledged_vs_collected(client, aon_campaign, django_assert_max_num_queries):
    for state in (Pledge.State.COLLECTED, Pledge.State.COLLECTED, Pledge.State.PAYMENT_REQUIRED):
        Pledge.objects.create(
            campaign=aon_campaign,
            backer=UserFactory(),
            backer_name="Backer",
            email="b@example.org",
            amount_minor=4000,
            currency="EUR",
            state=state,
        )
    client.force_login(aon_campaign.organizer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fundraising:campaign_pledges", kwargs={"slug": aon_campaign.slug}))
    body = response.content.decode()
    assert "Pledged <strong>€120</strong>" in body and "collected <strong>€80</strong>" in body and "1 waiting" in body
    assert body.count("<td>Backer</td>") == 3
    client.force_login(UserFactory())
    assert client.get(reverse("fundraising:campaign_pledges", kwargs={"slug": aon_campaign.slug})).status_code == 404

"""The donor's "My giving" page and the receipt's details (date, amount, fee, campaign, card)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising import selectors
from fundraising.models import Donation
from fundraising.services import charging, donations, transitions
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_GIVING = "fundraising:my_giving"


def paid(donation, **extra):
    Donation.objects.filter(pk=donation.pk).update(state="succeeded", succeeded_at=timezone.now(), **extra)
    donation.refresh_from_db()
    return donation


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse(MY_GIVING))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_only_the_donors_own_donations_with_receipt_links(client, django_assert_max_num_queries):
    me, someone = UserFactory(), UserFactory()
    campaigns = [FundraisingCampaignFactory(title=f"Cause {i}") for i in range(3)]
    mine = [
        paid(
            DonationFactory(campaign=c, donor=me, amount_minor=1000 + i, fee_minor=55),
            card_brand="visa",
            card_last4="4242",
        )
        for i, c in enumerate(campaigns)
    ]
    failed = DonationFactory(campaign=campaigns[0], donor=me, amount_minor=777)
    Donation.objects.filter(pk=failed.pk).update(state="failed")
    DonationFactory(campaign=campaigns[0], donor=someone, amount_minor=9999, donor_name="Not Me")
    client.force_login(me)

    with django_assert_max_num_queries(8):
        response = client.get(reverse(MY_GIVING))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not Me" not in page and "99.99" not in page
    for donation in mine:
        assert donation.campaign.title in page
        assert f"/donate/d/{donation.public_id}/thanks/?t=" in page
    assert page.count("Visa ending 4242") == 3
    assert "Failed" in page and "7.77" in page
    rows = response.context["donations"]
    assert [r["reference"] for r in rows] == [str(failed.public_id)] + [str(d.public_id) for d in reversed(mine)]
    assert rows[0]["receipt_url"] == "" and rows[0]["manage_label"] == "Details"


def test_the_receipt_link_opens_the_receipt_with_its_details_in_another_browser(client):
    me = UserFactory()
    paid(
        DonationFactory(
            campaign=FundraisingCampaignFactory(title="Clean river"), donor=me, amount_minor=2500, fee_minor=64
        ),
        card_brand="mastercard",
        card_last4="4444",
    )
    client.force_login(me)
    receipt_url = selectors.my_giving(user=me)["donations"][0]["receipt_url"]
    client.logout()
    page = client.get(receipt_url).content.decode()
    assert "<dd>Clean river</dd>" in page and "<dd>€25</dd>" in page
    assert "<dd>€0.64</dd>" in page and "€25.64 to your Mastercard ending 4444" in page
    assert "Mastercard ending 4444" in page
    assert timezone.now().strftime("%Y") in page


def test_sections_from_pledges_and_monthly_plans_are_shown(client, monkeypatch):
    me = UserFactory()
    campaign = FundraisingCampaignFactory(title="Trees")
    row = {
        "date": timezone.now(),
        "campaign_title": campaign.title,
        "campaign_url": campaign.get_absolute_url(),
        "amount_minor": 1500,
        "currency": "EUR",
        "state": "Active",
        "detail": "Next charge 1 Feb",
        "manage_url": "/manage/plan/1/",
        "manage_label": "Change or cancel",
    }
    monkeypatch.setattr(
        selectors, "MY_GIVING_SECTIONS", [lambda user: {"title": "Monthly gifts", "rows": [row]}, lambda user: None]
    )
    client.force_login(me)
    page = client.get(reverse(MY_GIVING)).content.decode()
    assert "Monthly gifts" in page and "Next charge 1 Feb" in page and "/manage/plan/1/" in page


def test_receipt_email_names_the_card_the_fee_and_the_date(campaign, django_capture_on_commit_callbacks):
    donation = DonationFactory(campaign=campaign, amount_minor=2500, fee_minor=64, card_brand="visa", card_last4="4242")
    with django_capture_on_commit_callbacks(execute=True):
        transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id="pi_r")
    body = Notification.objects.get(kind=Kind.DONATION_RECEIPT).body
    assert "Visa ending 4242" in body and "0.64" in body and timezone.now().strftime("%Y-%m-%d") in body


@pytest.mark.stripe
def test_a_card_payment_stores_the_cards_brand_and_last_four(stripe_browser, campaign):
    donation = donations.donation_create(
        campaign=campaign,
        amount_minor=2500,
        cover_fee=False,
        donor_name="Ada",
        email="a@example.org",
        visibility="name",
    )
    setup = donations.donation_start_payment(donation=donation)
    # localstripe names every card "visa" (hard-coded); the last four come from the number typed.
    stripe_browser.confirm_card_setup(setup["client_secret"], "4000056655665556")
    charging.donation_charge(donation=donation, setup_intent_id=setup["setup_intent_id"])
    donation.refresh_from_db()
    assert donation.state == "succeeded"
    assert (donation.card_brand, donation.card_last4, donation.card_label) == (
        "visa",
        "5556",
        "Visa ending 5556",
    )

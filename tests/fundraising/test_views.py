import csv
import io

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from fundraising import gateway
from fundraising.models import Donation
from fundraising.services import donations, transitions
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory, funding_totals

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"


def form_data(**overrides):
    data = {
        "amount": "25.00",
        "donor_name": "Ada Lovelace",
        "email": "ada@example.org",
        "visibility": "name",
        "message": "Go!",
    }
    data.update(overrides)
    return data


def paid(campaign, amount=2500, **kwargs):
    donation = DonationFactory(campaign=campaign, amount_minor=amount, **kwargs)
    transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_view_{donation.pk}")
    donation.refresh_from_db()
    return donation


# --- Donate page ---------------------------------------------------------------------------------


def test_donate_page_in_test_mode_loads_localstripe_js(client, campaign, settings):
    settings.STRIPE_TEST_MODE, settings.STRIPE_API_BASE = True, "http://127.0.0.1:8420"
    response = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "use card 4242 4242 4242 4242" in html
    assert '<script src="http://127.0.0.1:8420/js.stripe.com/v3/"></script>' in html
    assert "€25" in html and 'data-amount="25"' in html
    assert 'id="card-element"' in html


def test_donate_page_with_real_stripe_has_no_test_banner(client, campaign, settings):
    settings.STRIPE_TEST_MODE, settings.STRIPE_API_BASE = False, ""
    html = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert "4242" not in html
    assert '<script src="https://js.stripe.com/v3/"></script>' in html


def test_donate_page_prefills_a_signed_in_donor(client, campaign):
    user = UserFactory(display_name="Grace Hopper")
    client.force_login(user)
    html = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert 'value="Grace Hopper"' in html and f'value="{user.email}"' in html


def test_donate_page_for_campaigns_without_goal_or_not_public(client):
    assert client.get("/donate/no-such-campaign/").status_code == 404
    no_goal = FundraisingCampaignFactory(goal_minor=None)
    assert client.get(reverse("fundraising:donate", kwargs={"slug": no_goal.slug})).status_code == 404
    draft = FundraisingCampaignFactory(status=Campaign.Status.DRAFT)
    assert client.get(reverse("fundraising:donate", kwargs={"slug": draft.slug})).status_code == 404
    closed = FundraisingCampaignFactory(status=Campaign.Status.CLOSED)
    response = client.get(reverse("fundraising:donate", kwargs={"slug": closed.slug}))
    assert response.status_code == 200 and b"not taking donations" in response.content
    assert b'id="donation-form"' not in response.content


def test_donate_page_queries_do_not_grow(client, django_assert_max_num_queries):
    campaign = FundraisingCampaignFactory()
    for i in range(30):
        paid(campaign, 100 + i)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).status_code == 200


# --- Start / charge / refresh (JSON) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (form_data(amount="abc"), "amount"),
        (form_data(amount="25.001"), "amount"),
        (form_data(amount="0.50"), "amount"),
        (form_data(amount="20000"), "amount"),
        (form_data(amount="NaN"), "amount"),
        (form_data(amount="Infinity"), "amount"),
        (form_data(email="nope"), "email"),
        (form_data(donor_name=""), "donor_name"),
        (form_data(visibility="shout"), "visibility"),
    ],
)
def test_start_rejects_bad_input_with_field_errors(client, campaign, data, field):
    response = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Donation.objects.exists()


def test_start_on_a_closed_campaign_is_refused(client):
    closed = FundraisingCampaignFactory(status=Campaign.Status.CLOSED)
    response = client.post(reverse("fundraising:start", kwargs={"slug": closed.slug}), form_data())
    assert response.status_code == 400 and "not taking donations" in str(response.json())


def test_start_only_accepts_post(client, campaign):
    assert client.get(reverse("fundraising:start", kwargs={"slug": campaign.slug})).status_code == 405


@pytest.mark.stripe
def test_card_flow_through_the_views(client, stripe_browser, campaign):
    from campaigns.services.sharing import REFERRAL_SESSION_KEY

    session = client.session
    session[REFERRAL_SESSION_KEY] = {str(campaign.pk): 42}
    session.save()
    start = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data(cover_fee="on")).json()
    # No SetupIntent: the page makes a PaymentMethod and the server charges it with one PaymentIntent.
    assert start["status"] == "setup" and start["client_secret"] == ""
    donation = Donation.objects.get()
    assert donation.stripe_setup_intent_id == "" and donation.stripe_customer_id.startswith("cus_")
    assert donation.referral_share_link_id == 42
    assert donation.fee_minor == 64

    # Someone else's browser cannot drive or see this donation.
    from django.test import Client

    stranger = Client()
    card = stripe_browser.card(VISA)
    response = stranger.post(start["charge"], {"payment_method_id": card}, content_type="application/json")
    assert response.status_code == 404
    assert stranger.get(start["thanks"]).status_code == 404
    # Something that is not a card id is refused before Stripe is asked.
    bad = client.post(start["charge"], {"payment_method_id": "seti_x"}, content_type="application/json")
    assert bad.status_code == 400

    result = client.post(start["charge"], {"payment_method_id": card}, content_type="application/json").json()

    assert result == {"status": "succeeded", "redirect": start["thanks"]}
    thanks = client.get(start["thanks"])
    assert thanks.status_code == 200
    html = thanks.content.decode()
    assert "Thank you, Ada Lovelace!" in html and "ada@example.org" in html
    assert "€25" in html and "share-prompt" in html
    assert funding_totals(campaign).raised_minor == 2500


@pytest.mark.stripe
def test_3ds_and_decline_through_the_views(client, stripe_browser, campaign):
    start = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data()).json()
    card = stripe_browser.card("4000002500003155")
    result = client.post(start["charge"], {"payment_method_id": card}, content_type="application/json").json()
    # The one 3-D Secure challenge of this donation (nothing was set up before it).
    assert result["status"] == "requires_action" and result["client_secret"].startswith("pi_")
    stripe_browser.confirm_card_payment(result["client_secret"], success=True)
    assert client.post(start["refresh"]).json()["status"] == "succeeded"
    assert Donation.objects.get(public_id=start["donation"]).stripe_setup_intent_id == ""

    start = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data()).json()
    card = stripe_browser.card("4000000000000341")
    result = client.post(start["charge"], {"payment_method_id": card}, content_type="application/json").json()
    assert result["status"] == "failed" and "declined" in result["message"]
    failed_page = client.get(start["thanks"]).content.decode()
    assert "did not go through" in failed_page and "Try again" in failed_page

    # Stripe.js could not make a PaymentMethod of the card (the page reports it).
    start = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data()).json()
    result = client.post(start["setup_failed"]).json()
    assert result["status"] == "failed" and "No money was taken" in result["message"]
    assert funding_totals(campaign).donor_count == 1


def test_refresh_before_any_payment_is_a_conflict_not_an_error(client, campaign, settings):
    donation = DonationFactory(campaign=campaign)
    session = client.session
    session["fundraising_donations"] = [str(donation.public_id)]
    session.save()
    response = client.post(reverse("fundraising:refresh", kwargs={"public_id": donation.public_id}))
    assert response.status_code == 409


def test_thanks_page_visible_to_the_signed_in_donor_and_finance_only(client, campaign, staff_user, other_user):
    donor = UserFactory()
    donation = paid(campaign, donor=donor)
    url = reverse("fundraising:thanks", kwargs={"public_id": donation.public_id})
    assert client.get(url).status_code == 404
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(donor)
    assert client.get(url).status_code == 200
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_receipt_link_opens_the_donation_in_any_browser(client, campaign):
    from causeweb.notifications.models import Notification

    donation = paid(campaign)
    url = Notification.objects.get(kind="donation_receipt").url
    assert url.startswith(reverse("fundraising:thanks", kwargs={"public_id": donation.public_id}) + "?t=")
    assert client.get(url).status_code == 200
    assert client.get(reverse("fundraising:thanks", kwargs={"public_id": donation.public_id})).status_code == 200
    other = DonationFactory(campaign=campaign)
    forged = reverse("fundraising:thanks", kwargs={"public_id": other.public_id}) + "?t=" + url.split("?t=")[1]
    assert client.get(forged).status_code == 404


# --- Organizer's donations tab and CSV ------------------------------------------------------------


@pytest.fixture
def donations_of(campaign):
    paid(campaign, 1000, donor_name="Visible Person", email="visible@example.org", message="=HYPERLINK(1)")
    paid(campaign, 5000, donor_name="Hidden Person", email="hidden@example.org", visibility="anonymous")
    paid(campaign, 2000, donor_name="First Last", email="first@example.org", visibility="first_name")
    DonationFactory(campaign=campaign, donor_name="Pending Person")
    return campaign


def test_donations_tab_permissions(client, donations_of, other_user):
    url = reverse("fundraising:campaign_donations", kwargs={"slug": donations_of.slug})
    csv_url = reverse("fundraising:campaign_donations_csv", kwargs={"slug": donations_of.slug})
    assert client.get(url).status_code == 403
    assert client.get(csv_url).status_code == 403
    client.force_login(other_user)
    assert client.get(url).status_code == 403
    assert client.get(csv_url).status_code == 403
    client.force_login(donations_of.organizer)
    assert client.get(url).status_code == 200


def test_organizer_sees_totals_but_never_anonymous_donors(client, donations_of):
    client.force_login(donations_of.organizer)
    html = client.get(reverse("fundraising:campaign_donations", kwargs={"slug": donations_of.slug})).content.decode()
    assert "€80" in html and "3" in html
    assert "Visible Person" in html and "First Last" in html
    assert "Hidden Person" not in html and "hidden@example.org" not in html and "Anonymous" in html
    assert "Pending Person" not in html

    response = client.get(reverse("fundraising:campaign_donations_csv", kwargs={"slug": donations_of.slug}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["date", "name", "email", "amount"]
    by_amount = {row[3]: row for row in rows[1:]}
    assert set(by_amount) == {"10.00", "50.00", "20.00"}
    assert by_amount["50.00"][1:3] == ["Anonymous", ""]
    assert by_amount["10.00"][1:3] == ["Visible Person", "visible@example.org"]
    assert by_amount["10.00"][8] == "'=HYPERLINK(1)"  # a spreadsheet will not run it
    assert "Hidden Person" not in str(rows)


def test_finance_staff_see_anonymous_donors_in_the_export(client, donations_of, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("fundraising:campaign_donations_csv", kwargs={"slug": donations_of.slug}))
    text = b"".join(response.streaming_content).decode()
    assert "Hidden Person" in text and "hidden@example.org" in text


def test_donations_tab_queries_do_not_grow(client, django_assert_max_num_queries):
    campaign = FundraisingCampaignFactory()
    for i in range(60):
        paid(campaign, 100 + i)
    client.force_login(campaign.organizer)
    url = reverse("fundraising:campaign_donations", kwargs={"slug": campaign.slug})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200 and response.content.count(b"<tr>") == 51  # header + 50 per page


def test_zero_decimal_donate_page(client):
    campaign = FundraisingCampaignFactory(currency="JPY", goal_minor=500_000)
    html = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    assert "¥3,000" in html and 'data-amount="3000"' in html and "Amount in JPY" in html
    response = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data(amount="3000.5"))
    assert response.status_code == 400 and "amount" in response.json()["errors"]


def test_campaign_page_queries_do_not_grow_with_donations(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count):
        campaign = FundraisingCampaignFactory()
        for i in range(count):
            paid(campaign, 100 + i, message=f"message {i}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(campaign.get_absolute_url())
        assert response.status_code == 200 and b"funding-panel" in response.content
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(25)


def test_donation_attempts_are_rate_limited_per_address(client, campaign, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "donation_start_ip": "3/10m"}
    url = reverse("fundraising:start", kwargs={"slug": campaign.slug})
    statuses = [client.post(url, form_data(amount="abc")).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert client.post(url, form_data(amount="abc"), REMOTE_ADDR="127.0.0.2").status_code == 400


def test_a_stripe_outage_at_card_setup_is_a_503_with_retry_after_and_the_donation_is_failed(
    client, campaign, monkeypatch
):
    def refuse(**kwargs):
        raise gateway.GatewayError("Payments are unavailable right now.", code="unavailable")

    monkeypatch.setattr(gateway, "customer_create", refuse)
    response = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"status": "unavailable", "message": "Payments are unavailable right now."}
    donation = Donation.objects.get()
    assert (donation.state, donation.failure_message) == (Donation.State.FAILED, "Payments are unavailable right now.")


# --- Without JavaScript --------------------------------------------------------------------------

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_donate_page_says_card_payment_needs_javascript_in_noscript(client, campaign):
    html = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).content.decode()
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert "Card payment needs JavaScript" in noscript


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT": BROWSER_ACCEPT},
        {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_ACCEPT": "*/*"},
    ],
    ids=["browser-accept", "navigation"],
)
def test_the_form_posted_without_javascript_gets_a_page_and_starts_nothing(client, campaign, monkeypatch, headers):
    def no_stripe(**kwargs):
        raise AssertionError("no donation may be started without the card step")

    monkeypatch.setattr(donations, "donation_begin", no_stripe)
    response = client.post(reverse("fundraising:start", kwargs={"slug": campaign.slug}), form_data(), **headers)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>Card payment needs JavaScript</h1>" in html
    assert "nothing was charged" in html
    assert reverse("fundraising:donate", kwargs={"slug": campaign.slug}) in html
    assert not Donation.objects.exists()


def test_donate_js_still_gets_json(client, campaign):
    """donate.js sends Accept: application/json (a browser's fetch, not a navigation)."""
    response = client.post(
        reverse("fundraising:start", kwargs={"slug": campaign.slug}),
        form_data(email="nope"),
        HTTP_ACCEPT="application/json",
        HTTP_SEC_FETCH_MODE="cors",
    )
    assert response.status_code == 400 and "email" in response.json()["errors"]

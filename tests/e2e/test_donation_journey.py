"""A donor gives through the real page in headless Chromium, against the live server and a
localstripe subprocess (its fake Stripe.js, its fake 3D Secure dialog, its signed webhooks)."""

import pytest
import requests

from fundraising.models import Donation
from tests.fundraising.conftest import (  # noqa: F401
    WEBHOOK_SECRET,
    _webhook_secret,
    localstripe_server,
    read_db,
    stripe_api,
)
from tests.fundraising.factories import FundraisingCampaignFactory, funding_totals

pytestmark = [pytest.mark.e2e, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def fill_card(page, number: str) -> None:
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("10115")


def start_donation(page, url: str, *, amount: str, name: str, email: str) -> None:
    page.goto(url)
    # A selector, not wait_for_function: Playwright evaluates a string predicate with eval, which
    # the Content-Security-Policy refuses (no 'unsafe-eval'). The inputs exist once Stripe.js mounted.
    page.wait_for_selector("#card-element input")
    if amount == "25":
        page.get_by_role("button", name="€25").click()
    else:
        page.fill("#id_amount", amount)
    page.fill("#id_donor_name", name)
    page.fill("#id_email", email)


def donate_and_confirm(page, expected: str) -> None:
    """Submit, then check the server's exact charge line before confirming the card payment."""
    page.get_by_role("button", name="Donate", exact=True).click()
    confirm = page.locator("#donation-confirm")
    confirm.wait_for(state="visible", timeout=10_000)
    assert page.locator("#donation-confirm-text").inner_text() == expected
    page.get_by_role("button", name="Confirm and pay").click()


def test_give_with_card_3ds_and_decline(browser, live_server, stripe_api, artifacts_dir):  # noqa: F811
    requests.post(
        f"{stripe_api}/_config/webhooks/e2e",
        data={"url": f"{live_server.url}/stripe/webhook/", "secret": WEBHOOK_SECRET},
        timeout=5,
    ).raise_for_status()
    campaign = FundraisingCampaignFactory(title="School garden for Lisbon", slug="school-garden", goal_minor=100_000)
    donate_url = f"{live_server.url}/donate/{campaign.slug}/"
    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    console = []
    page.on("console", lambda message: console.append(message.text))

    # 1. Give 25.00 with 4242..., covering the fee.
    start_donation(page, donate_url, amount="25", name="Amina Diallo", email="amina@example.org")
    assert "test mode" in page.locator(".test-mode").inner_text().lower()
    assert "4242 4242 4242 4242" in page.locator(".test-mode").inner_text()
    page.check("#id_cover_fee")
    assert "€25.64" in page.locator("#donation-total").inner_text()
    page.fill("#id_message", "For the kids!")
    fill_card(page, "4242424242424242")
    page.screenshot(path=str(artifacts_dir / "donation-1-form.png"), full_page=True)
    donate_and_confirm(page, "You will be charged €25.64 (€25.00 donation + €0.64 card processing fee).")
    page.wait_for_url("**/thanks/", timeout=20_000)
    body = page.locator("main").inner_text()
    assert "Thank you, Amina Diallo!" in body
    assert "€25 raised of €1,000" in body.replace("\n", " ")
    assert page.locator(".share-prompt").is_visible()
    page.screenshot(path=str(artifacts_dir / "donation-2-thanks.png"), full_page=True)
    first = read_db(lambda: Donation.objects.get(email="amina@example.org"))
    assert (first.state, first.amount_minor, first.fee_minor) == (Donation.State.SUCCEEDED, 2500, 64)

    # 2. An ambiguous amount is refused by the server, nothing is started; "40,00" then means
    #    forty euros, shown exactly before the card is used. The card needs 3D Secure: the bank's
    #    dialog appears and the donor completes it.
    start_donation(page, donate_url, amount="1,250", name="Jonas Weber", email="jonas@example.org")
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Donate", exact=True).click()
    amount_error = page.locator("#field-amount .error")
    amount_error.wait_for(timeout=10_000)
    assert "could mean" in amount_error.inner_text() and "1250.00" in amount_error.inner_text()
    assert page.locator("#donation-confirm").is_hidden()
    assert read_db(lambda: Donation.objects.filter(email="jonas@example.org").count()) == 0
    page.fill("#id_amount", "40,00")
    console.clear()
    donate_and_confirm(page, "You will be charged €40.00.")
    page.get_by_role("button", name="Complete authentication").wait_for(timeout=10_000)
    page.screenshot(path=str(artifacts_dir / "donation-3-3ds.png"), full_page=True)
    page.get_by_role("button", name="Complete authentication").click()  # the one challenge
    page.wait_for_url("**/thanks/", timeout=20_000)
    # One 3-D Secure challenge for the donation: the payment's; no card set-up asked for another.
    challenges = [line for line in console if "confirmCardPayment()" in line or "confirmCardSetup()" in line]
    assert challenges == ["localstripe: Stripe().confirmCardPayment()"], console
    assert "€65 raised" in page.locator("main").inner_text()
    assert read_db(lambda: Donation.objects.get(email="jonas@example.org")).state == Donation.State.SUCCEEDED

    # 3. A declined card: a clear message, nothing counted, the donor can try again.
    start_donation(page, donate_url, amount="10", name="Grace Okafor", email="grace@example.org")
    fill_card(page, "4000000000000341")
    donate_and_confirm(page, "You will be charged €10.00.")
    error = page.locator("#donation-errors")
    error.wait_for(state="visible", timeout=20_000)
    assert "declined" in error.inner_text().lower() and "No money was taken" in error.inner_text()
    assert page.get_by_role("button", name="Donate", exact=True).is_enabled()
    page.screenshot(path=str(artifacts_dir / "donation-4-declined.png"), full_page=True)
    assert read_db(lambda: Donation.objects.get(email="grace@example.org")).state == Donation.State.FAILED

    # 4. A 3D Secure check the donor fails (after first going back to change the amount).
    start_donation(page, donate_url, amount="150", name="Kenji Sato", email="kenji@example.org")
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Donate", exact=True).click()
    page.locator("#donation-confirm").wait_for(state="visible", timeout=10_000)
    assert page.locator("#donation-confirm-text").inner_text() == "You will be charged €150.00."
    page.get_by_role("button", name="Change the amount").click()
    assert page.locator("#donation-confirm").is_hidden()
    page.fill("#id_amount", "15")
    donate_and_confirm(page, "You will be charged €15.00.")
    page.get_by_role("button", name="Fail authentication").click()  # the one challenge, failed
    error.wait_for(state="visible", timeout=20_000)
    # The failed-authentication message (fundraising.rules), not the one for a decline.
    assert "security check (3-D Secure) was not completed" in error.inner_text()
    assert "no money was taken" in error.inner_text()
    kenji = read_db(lambda: list(Donation.objects.filter(email="kenji@example.org").order_by("created_at")))
    # The 150 one was never confirmed: still pending, no PaymentIntent; the 15 one failed 3DS.
    assert [(d.amount_minor, d.state, bool(d.stripe_payment_intent_id)) for d in kenji] == [
        (15000, Donation.State.PENDING, False),
        (1500, Donation.State.FAILED, True),
    ]

    funding = read_db(lambda: funding_totals(campaign))
    assert (funding.raised_minor, funding.donor_count) == (6500, 2)

    # The campaign page's panel shows the same total and the donor wall.
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    panel = page.locator(".funding-panel")
    text = panel.inner_text()
    assert "€65" in text and "2 donors" in text and "Amina Diallo" in text and "For the kids!" in text
    panel.screenshot(path=str(artifacts_dir / "donation-5-campaign-panel.png"))
    # The form on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(donate_url)
    page.wait_for_selector("#card-element input")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts_dir / "donation-6-mobile.png"), full_page=True)
    assert not [line for line in console if "Uncaught" in line], console

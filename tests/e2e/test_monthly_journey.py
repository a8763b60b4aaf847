"""A donor starts a monthly gift through the real page in headless Chromium (live server,
localstripe's fake Stripe.js and 3-D Secure dialog): the explicit monthly choice, the confirm
step naming every month and the next date, one 3-D Secure challenge, the next charge date on the
receipt page, then cancelling from the signed link in the receipt email, in a browser that was
never signed in."""

import pytest

from causeweb.notifications.models import Notification
from fundraising import monthly_selectors
from fundraising.l10n import page_date
from fundraising.models import Donation, MonthlyPlan
from tests.e2e.test_donation_journey import fill_card, start_donation
from tests.fundraising.conftest import (  # noqa: F401
    _webhook_secret,
    localstripe_server,
    read_db,
    stripe_api,
)
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def test_start_a_monthly_gift_see_the_next_date_and_cancel_from_the_receipt_link(
    browser,
    live_server,
    stripe_api,  # noqa: F811
    artifacts_dir,
):
    campaign = FundraisingCampaignFactory(title="Library bus for Porto", slug="library-bus", goal_minor=100_000)
    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    console = []
    page.on("console", lambda message: console.append(message.text))

    start_donation(
        page, f"{live_server.url}/donate/{campaign.slug}/", amount="10", name="Rui Costa", email="rui@example.org"
    )
    once = page.locator("input[name=frequency][value=once]")
    assert once.is_checked()  # one-time is the default; monthly only when chosen
    page.check("input[name=frequency][value=monthly]")
    assert page.get_by_role("button", name="Donate every month").is_visible()
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Donate every month").click()
    page.locator("#donation-confirm").wait_for(state="visible", timeout=10_000)
    confirm_text = page.locator("#donation-confirm-text").inner_text()
    plan = read_db(lambda: MonthlyPlan.objects.get())
    when = page_date(plan.next_charge_at)  # the locale's DATE_FORMAT, as the plan's pages write it
    assert (
        confirm_text == f"You will be charged €10.00 today, then €10.00 every month, next on {when}. Cancel any time."
    )
    page.screenshot(path=str(artifacts_dir / "monthly-1-confirm.png"), full_page=True)
    page.get_by_role("button", name="Confirm and pay").click()
    page.get_by_role("button", name="Complete authentication").click()  # the one challenge
    page.wait_for_url("**/thanks/", timeout=20_000)
    summary = page.locator(".monthly-summary")
    next_day = monthly_selectors.monthly_plan_next_charge_date(plan)  # the thanks and plan pages' date format
    assert f"next on {next_day}" in summary.inner_text() and "every month" in summary.inner_text()
    page.screenshot(path=str(artifacts_dir / "monthly-2-thanks.png"), full_page=True)
    challenges = [line for line in console if "confirmCardPayment()" in line or "confirmCardSetup()" in line]
    assert challenges == ["localstripe: Stripe().confirmCardPayment()"], console
    plan = read_db(lambda: MonthlyPlan.objects.get())
    assert plan.state == MonthlyPlan.State.ACTIVE and plan.stripe_payment_method_id

    # The receipt email's link, opened in another browser (no session, never signed in).
    receipt = read_db(
        lambda: Notification.objects.get(email="rui@example.org", dedupe_key__startswith="donation-receipt:")
    )
    manage_url = receipt.context["manage_url"]
    assert manage_url.startswith(f"/donate/m/{plan.public_id}/?t=")
    other = browser.new_context(viewport={"width": 1100, "height": 1300})
    elsewhere = other.new_page()
    elsewhere.goto(f"{live_server.url}{manage_url}")
    assert elsewhere.locator(".plan-next").inner_text() == next_day  # "Next charge: <date>"
    elsewhere.screenshot(path=str(artifacts_dir / "monthly-3-manage.png"), full_page=True)
    elsewhere.get_by_role("button", name="Cancel my monthly gift").click()
    elsewhere.wait_for_load_state()
    assert "Your monthly gift is cancelled. Nothing more will be charged." in elsewhere.locator("body").inner_text()
    assert elsewhere.locator(".plan-state").inner_text() == "Cancelled"
    elsewhere.screenshot(path=str(artifacts_dir / "monthly-4-cancelled.png"), full_page=True)
    assert read_db(lambda: MonthlyPlan.objects.get().state) == MonthlyPlan.State.CANCELLED
    # A tampered link shows nothing.
    response = elsewhere.goto(f"{live_server.url}{manage_url[:-3]}xyz")
    assert response.status == 404
    other.close()
    assert read_db(lambda: Donation.objects.filter(state=Donation.State.SUCCEEDED).count()) == 1
    assert not [line for line in console if "Uncaught" in line], console

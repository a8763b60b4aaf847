"""The donate page in headless Chromium when things are missing: JavaScript off (the noscript
notice, the form's own POST answered with a page) and the database unreachable while the donor's
3-D Secure payment is being checked (never "it failed": the receipt page keeps checking)."""

import pytest

from fundraising.models import Donation
from tests.e2e.test_donation_journey import donate_and_confirm, fill_card, start_donation
from tests.fundraising.conftest import (  # noqa: F401
    _webhook_secret,
    localstripe_server,
    read_db,
    stripe_api,
)
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OUTAGE_BODY = (
    '{"detail": "The site is briefly unavailable; please try again in a minute.", '
    '"errors": {}, "code": "database_unavailable"}'
)


def test_without_javascript_the_page_says_so_and_the_post_is_a_page(browser, live_server):
    campaign = FundraisingCampaignFactory(slug="no-script")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/donate/{campaign.slug}/")
    assert "Card payment needs JavaScript" in page.locator("main").inner_text()
    page.fill("#id_amount", "25")
    page.fill("#id_donor_name", "Noor Haddad")
    page.fill("#id_email", "noor@example.org")
    page.get_by_role("button", name="Donate", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Card payment needs JavaScript"
    assert "{" not in page.locator("main").inner_text()  # not raw JSON
    assert read_db(lambda: Donation.objects.count()) == 0
    context.close()


@pytest.mark.stripe
def test_database_down_while_checking_a_3ds_payment_is_confirming_not_failed(browser, live_server, stripe_api):  # noqa: F811
    campaign = FundraisingCampaignFactory(slug="db-down-3ds", goal_minor=100_000)
    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    # The refresh after 3-D Secure meets the outage answer (causeweb/core/outage.py).
    page.route(
        "**/refresh/",
        lambda route: route.fulfill(
            status=503, body=OUTAGE_BODY, content_type="application/json", headers={"Retry-After": "30"}
        ),
    )
    url = f"{live_server.url}/donate/{campaign.slug}/"
    start_donation(page, url, amount="40", name="Lea Roth", email="lea@example.org")
    fill_card(page, "4000002500003155")
    donate_and_confirm(page, "You will be charged €40.00.")
    page.get_by_role("button", name="Complete authentication").click()  # the one challenge
    page.wait_for_url("**/thanks/", timeout=20_000)  # to the receipt page, which checks again
    assert "did not go through" not in page.locator("body").inner_text()

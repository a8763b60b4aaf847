"""All-or-nothing pledges in headless Chromium, against the live server and a localstripe
subprocess: a backer pledges, finds the pledge on "My giving" and cancels it; a backer whose
3-D Secure card could not be charged at the deadline pays on-session from the email's link."""

import pytest
from django.conf import settings
from django.test import Client

from causeweb.notifications.models import Notification
from fundraising import gateway, rules
from fundraising.models import Donation, Pledge
from fundraising.services import funding_model
from fundraising.tasks import pledge_deadline_sweep
from tests.e2e.test_donation_journey import fill_card
from tests.fundraising.conftest import (  # noqa: F401
    Browser,
    _webhook_secret,
    localstripe_server,
    read_db,
    stripe_api,
)
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory
from tests.fundraising.test_pledges import back, pass_deadline

pytestmark = [pytest.mark.e2e, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1100, "height": 1300})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def aon_campaign(**kwargs):
    campaign = FundraisingCampaignFactory(goal_minor=10_000, **kwargs)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    return campaign


def test_back_see_on_my_giving_and_cancel(browser, live_server, stripe_api, artifacts_dir):  # noqa: F811
    campaign = aon_campaign(title="Community bakery oven", slug="bakery-oven")
    backer = UserFactory(display_name="Lina Haddad", email="lina@example.org")
    page, errors = signed_in_page(browser, live_server, backer)

    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert "charged only if the campaign reaches its goal" in page.locator(".pledge-panel").inner_text()
    page.get_by_role("link", name="Back this campaign").click()
    page.wait_for_selector("#card-element input")  # not wait_for_function: the CSP refuses eval
    assert "Nothing is charged today." in page.locator("#pledge-form").inner_text()
    page.fill("#id_amount", "35")
    fill_card(page, "4242424242424242")
    page.screenshot(path=str(artifacts_dir / "pledge-1-form.png"), full_page=True)
    page.get_by_role("button", name="Save my card and pledge").click()
    page.wait_for_url("**/p/*/", timeout=20_000)
    assert "Active" in page.locator(".pledge-state").inner_text()

    page.goto(f"{live_server.url}/donate/me/giving/")
    pledges_section = page.locator("section[aria-label=Pledges]")
    row = pledges_section.locator("tbody tr").first
    text = row.inner_text()
    assert "Community bakery oven" in text and "€35" in text and "Active" in text and "Deadline" in text
    page.screenshot(path=str(artifacts_dir / "pledge-2-my-giving.png"), full_page=True)
    row.get_by_role("link", name="Change or cancel").click()
    page.get_by_role("button", name="Cancel my pledge").click()
    page.wait_for_load_state()
    assert "your card will not be charged" in page.locator("body").inner_text()
    assert "Canceled" in page.locator(".pledge-state").inner_text()
    page.goto(f"{live_server.url}/donate/me/giving/")
    assert "Canceled" in page.locator("section[aria-label=Pledges]").inner_text()
    page.screenshot(path=str(artifacts_dir / "pledge-3-canceled.png"), full_page=True)

    pledge = read_db(lambda: Pledge.objects.get(backer=backer))
    assert (pledge.state, pledge.amount_minor) == (Pledge.State.CANCELED, 3500)
    assert read_db(lambda: Donation.objects.count()) == 0
    assert not errors, errors


def test_3ds_card_pays_on_session_from_the_email_link(browser, live_server, stripe_api, artifacts_dir):  # noqa: F811
    campaign = aon_campaign(title="Library for Braga", slug="library-braga")
    stripe_browser = Browser(stripe_api)
    back(campaign, stripe_browser, 10_000)
    backer = UserFactory(display_name="Tomás Silva", email="tomas@example.org")
    pledge = back(campaign, stripe_browser, 4500, card="4000002500003155", user=backer)
    pass_deadline(campaign)
    pledge_deadline_sweep()
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.PAYMENT_REQUIRED
    link = Notification.objects.get(dedupe_key=f"pledge-payment-required:{pledge.pk}").context["url"]

    page, errors = signed_in_page(browser, live_server, backer)
    page.goto(f"{live_server.url}{link}")
    page.wait_for_selector("#card-element input")  # not wait_for_function: the CSP refuses eval
    assert "Pay €45 by" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "pledge-pay-1-page.png"), full_page=True)
    page.get_by_role("button", name="Pay €45 with Visa ending 3155").click()
    page.get_by_role("button", name="Complete authentication").click()  # the bank's check, once
    page.locator("#pledge-paid").wait_for(timeout=20_000)
    assert "Your pledge is paid" in page.locator("#pledge-paid").inner_text()
    page.screenshot(path=str(artifacts_dir / "pledge-pay-2-paid.png"), full_page=True)

    pledge = read_db(lambda: Pledge.objects.select_related("donation").get(pk=pledge.pk))
    assert pledge.state == Pledge.State.COLLECTED
    assert pledge.donation.state == Donation.State.SUCCEEDED
    intent = gateway.payment_intent_retrieve(payment_intent_id=pledge.donation.stripe_payment_intent_id)
    assert (intent.status, intent.amount) == ("succeeded", 4500)
    assert read_db(lambda: Donation.objects.filter(state=Donation.State.SUCCEEDED).count()) == 2
    assert not errors, errors


def test_organizer_chooses_all_or_nothing_while_creating_the_campaign(browser, live_server, artifacts_dir):
    from tests.factories import CauseFactory

    CauseFactory(name="Food & hunger")
    organizer = UserFactory(display_name="Olga Organizer")
    page, errors = signed_in_page(browser, live_server, organizer)
    page.goto(f"{live_server.url}/campaigns/new/")
    page.fill("#id_title", "A bread oven for Rua Direita")
    page.fill("#id_summary", "A shared wood-fired oven for the street's bakery and its neighbours.")
    page.fill("#id_story", "Bread for everyone, baked together.")
    page.select_option("#id_cause", label="Food & hunger")
    page.fill("#id_goal", "4000")
    page.check("input[name='funding-funding_model'][value='all_or_nothing']")
    page.screenshot(path=str(artifacts_dir / "pledge-0-campaign-form-no-deadline.png"), full_page=True)
    page.get_by_role("button", name="Save draft").click()
    # All or nothing needs a deadline: said on the section, nothing saved.
    section = page.locator("#field-funding-model")
    assert "needs" in section.inner_text() and "deadline" in section.inner_text()
    page.fill("#id_deadline", "2030-06-01T18:00")
    page.check("input[name='funding-funding_model'][value='all_or_nothing']")
    page.screenshot(path=str(artifacts_dir / "pledge-0-campaign-form.png"), full_page=True)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/preview/", timeout=10_000)
    from campaigns.models import Campaign

    campaign = read_db(lambda: Campaign.objects.get(title="A bread oven for Rua Direita"))
    assert rules.funding_model_of(campaign) == rules.ALL_OR_NOTHING
    assert not errors, errors

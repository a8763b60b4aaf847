"""Keyboard-only journeys in headless Chromium against the live server: nothing is clicked, every
step is Tab / Shift+Tab / Enter / Space / Escape / typing (docs/accessibility.md). Each journey
checks its outcome in the database, that what has focus shows a focus ring, and that menus let
focus out."""

import re

import pytest
import requests
from django.conf import settings
from django.test import Client

from campaigns.models import Signature
from causeweb.moderation.models import Flag
from causeweb.moderation.roles import MODERATOR
from causeweb.moderation.services import flag_create
from communities.models import Post
from communities.services.discussions import thread_create
from events.models import RSVP
from fundraising.models import Donation
from tests.campaigns.factories import CommentFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role
from tests.fundraising.conftest import (  # noqa: F401
    WEBHOOK_SECRET,
    _webhook_secret,
    localstripe_server,
    read_db,
    stripe_api,
)
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def signed_in(browser, live_server, user, viewport=None):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    return context.new_page()


def active_matches(page, selector: str) -> bool:
    """The focused element matches a CSS selector, or, given "text=...", is a button with that text."""
    if selector.startswith("text="):
        return page.evaluate(
            "t => !!document.activeElement && document.activeElement.tagName === 'BUTTON'"
            " && document.activeElement.textContent.trim() === t",
            selector[len("text=") :],
        )
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, limit: int = 120, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches the selector (none if it does)."""
    if active_matches(page, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if active_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_and_wait(page, key: str) -> None:
    """Press a key that submits a form and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_focus_visible(page) -> None:
    """The focused element shows a ring: an outline or a box-shadow from :focus-visible."""
    style = page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
        return {visible: el.matches(':focus-visible'), outline: s.outlineStyle, width: s.outlineWidth,
                shadow: s.boxShadow, tag: el.tagName}; }"""
    )
    assert style["visible"], style
    assert (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none", style


def test_sign_a_petition_with_the_keyboard(browser, live_server):
    campaign = CampaignFactory(title="Safe crossings on Rua Augusta", slug="safe-crossings")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    # The skip link is the first stop and shows its ring.
    page.keyboard.press("Tab")
    assert active_matches(page, ".skip-link")
    assert_focus_visible(page)
    page.wait_for_selector(".sign-form #id_name")
    tab_to(page, "#id_name")
    assert_focus_visible(page)
    page.keyboard.type("Inês Costa")
    page.keyboard.press("Tab")
    assert active_matches(page, "#id_email")
    page.keyboard.type("ines@example.org")
    tab_to(page, "#id_keep_updated")
    page.keyboard.press("Space")
    assert page.is_checked("#id_keep_updated")
    assert_focus_visible(page)
    tab_to(page, ".sign-form button[type=submit]")
    assert_focus_visible(page)
    press_and_wait(page, "Enter")
    signature = Signature.objects.get(campaign=campaign, email="ines@example.org")
    assert signature.name == "Inês Costa" and signature.keep_updated


def test_a_signing_error_is_announced_and_linked_to_its_field(browser, live_server):
    campaign = CampaignFactory(title="Trees for Alameda", slug="trees-alameda")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    page.wait_for_selector(".sign-form #id_name")
    tab_to(page, "#id_name")
    page.keyboard.type("Ana")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example")  # the browser's type=email check passes it, the server's does not
    press_and_wait(page, "Enter")  # Enter in a text input submits the form
    page.wait_for_selector(".error-summary[role=alert]")
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby").split()
    assert "id_email_error" in described
    assert page.locator("#id_email_error").inner_text().strip()
    assert page.locator(".error-summary a[href='#id_email']").count() == 1
    assert not Signature.objects.filter(campaign=campaign).exists()


def test_rsvp_to_an_event_with_the_keyboard(browser, live_server):
    event = EventFactory(title="Tree planting in Monsanto", slug="tree-planting")
    person = UserFactory(display_name="Rui Resident")
    page = signed_in(browser, live_server, person)
    page.goto(f"{live_server.url}/events/{event.slug}/")
    tab_to(page, "form[action$='/rsvp/'] button[type=submit]")
    assert_focus_visible(page)
    press_and_wait(page, "Enter")
    assert RSVP.objects.filter(event=event, user=person, status=RSVP.Status.GOING).exists()


def test_post_in_a_group_thread_with_the_keyboard(browser, live_server):
    owner = UserFactory(display_name="Olga Organiser")
    group = GroupFactory(owner=owner, name="Alfama gardeners")
    member = UserFactory(display_name="Rui Resident")
    add_member(group, member)
    thread = thread_create(author=owner, group=group, title="Saturday tools", body="Who brings a rake?")
    page = signed_in(browser, live_server, member)
    page.goto(f"{live_server.url}/groups/{group.slug}/threads/{thread.pk}/")
    tab_to(page, "#reply-form textarea")
    assert_focus_visible(page)
    page.keyboard.type("I have a spare rake.")
    tab_to(page, "#reply-form button[type=submit]")
    assert_focus_visible(page)
    press_and_wait(page, "Enter")
    assert Post.objects.filter(thread=thread, author=member, body="I have a spare rake.").exists()


def test_the_account_menu_opens_closes_with_escape_and_lets_focus_out(browser, live_server):
    person = UserFactory(display_name="Mena Menu")
    page = signed_in(browser, live_server, person)
    page.goto(f"{live_server.url}/campaigns/")
    tab_to(page, ".menu summary")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.locator(".menu details").get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert active_matches(page, ".menu-items a")
    assert_focus_visible(page)
    # Escape closes it and focus goes back to the summary.
    page.keyboard.press("Escape")
    assert page.locator(".menu details").get_attribute("open") is None
    assert active_matches(page, ".menu summary")
    # Opened again, Tab walks through every item and out of the menu: no trap.
    page.keyboard.press("Enter")
    items = page.locator(".menu-items a, .menu-items button").count()
    for _ in range(items + 1):
        page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.closest('.menu')")


def test_moderate_a_flag_in_the_admin_with_the_keyboard(browser, live_server):
    moderator = staff_with_role(MODERATOR, email="mod@example.org")
    author = UserFactory(display_name="Spam Sam")
    campaign = CampaignFactory(title="Quiet streets", slug="quiet-streets")
    comment = CommentFactory(campaign=campaign, author=author, body="Buy cheap pills here")
    flag_create(reporter=UserFactory(), target=comment, reason="spam", note="an advert")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/moderation/flag/queue/")
    tab_to(page, "#id_username")
    page.keyboard.type(moderator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_and_wait(page, "Enter")
    page.wait_for_url(re.compile(r"/admin/moderation/flag/queue/$"))
    tab_to(page, "input[name=reason]")
    assert_focus_visible(page)
    page.keyboard.type("Advertising")
    tab_to(page, "button[value=hide]")
    assert_focus_visible(page)
    press_and_wait(page, "Enter")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert not Flag.objects.filter(object_id=comment.pk, resolved_at__isnull=True).exists()


def type_a_3d_secure_donation(page, url: str, amount: str, name: str) -> None:
    """Fill the donate form by keyboard (email: the name's first word @example.org) with a card
    that asks for 3-D Secure, and Tab to the Donate button."""
    page.goto(url)
    page.wait_for_selector("#card-element input")
    tab_to(page, "#id_amount")
    assert_focus_visible(page)
    page.keyboard.type(amount)
    tab_to(page, "#id_donor_name")
    page.keyboard.type(name)
    tab_to(page, "#id_email")
    page.keyboard.type(f"{name.split()[0].lower()}@example.org")
    for placeholder, value in (("number", "4000002500003155"), ("exp_month", "12"), ("exp_year", "34"),
                               ("cvc", "123"), ("postal_code", "10115")):  # fmt: skip
        tab_to(page, f"#card-element input[placeholder={placeholder}]")
        page.keyboard.type(value)
    tab_to(page, "#donate-submit")
    assert_focus_visible(page)


@pytest.mark.stripe
def test_donate_with_a_3d_secure_card_by_keyboard(browser, live_server, stripe_api):  # noqa: F811
    """localstripe's Stripe.js stand-in and its 3-D Secure dialog, reached and completed by keyboard."""
    requests.post(
        f"{stripe_api}/_config/webhooks/e2e",
        data={"url": f"{live_server.url}/stripe/webhook/", "secret": WEBHOOK_SECRET},
        timeout=5,
    ).raise_for_status()
    campaign = FundraisingCampaignFactory(title="Library books", slug="library-books", goal_minor=100_000)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    type_a_3d_secure_donation(page, f"{live_server.url}/donate/{campaign.slug}/", "12", "Kenji Sato")
    page.keyboard.press("Enter")
    page.locator("#donation-confirm").wait_for(state="visible", timeout=10_000)
    assert page.locator("#donation-confirm-text").inner_text() == "You will be charged €12.00."
    # Focus moved to the confirmation's button by itself (donate.js), so Enter is all it takes.
    assert active_matches(page, "#donate-confirm")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    # The bank's dialog: its button is reached with Tab, and Enter completes the challenge.
    page.get_by_role("button", name="Complete authentication").wait_for(timeout=10_000)
    tab_to(page, "text=Complete authentication")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks/", timeout=20_000)
    assert read_db(lambda: Donation.objects.get(email="kenji@example.org")).state == Donation.State.SUCCEEDED


@pytest.mark.stripe
def test_the_3d_secure_dialog_can_be_left_by_keyboard(browser, live_server, stripe_api):  # noqa: F811
    """The bank's dialog keeps focus while open (Escape does not drop it behind the dialog), is
    left with Tab + Enter on its cancel button, and focus then returns to the page: to the message
    saying nothing was taken, from where Tab goes on to the Donate button for another try.
    localstripe's stand-in has no Escape of its own; the real Stripe dialog is an iframe."""
    campaign = FundraisingCampaignFactory(title="Reading room", slug="reading-room", goal_minor=100_000)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    type_a_3d_secure_donation(page, f"{live_server.url}/donate/{campaign.slug}/", "9", "Leila Haddad")
    page.keyboard.press("Enter")
    page.locator("#donation-confirm").wait_for(state="visible", timeout=10_000)
    assert active_matches(page, "#donate-confirm")
    page.keyboard.press("Enter")
    dialog_button = page.get_by_role("button", name="Complete authentication")
    dialog_button.wait_for(timeout=10_000)
    assert active_matches(page, "text=Complete authentication")  # focus moved into the dialog

    page.keyboard.press("Escape")
    in_dialog = "text=Complete authentication"
    assert active_matches(page, in_dialog) or active_matches(page, "text=Fail authentication")

    tab_to(page, "text=Fail authentication")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    errors = page.locator("#donation-errors")
    errors.wait_for(state="visible", timeout=20_000)
    assert dialog_button.count() == 0
    assert "security check (3-D Secure) was not completed" in errors.inner_text()
    assert active_matches(page, "#donation-errors")  # focus came back to the page, at the message
    tab_to(page, "#donate-submit")
    assert page.locator("#donate-submit").is_enabled()
    assert read_db(lambda: Donation.objects.get(email="leila@example.org")).state == Donation.State.FAILED

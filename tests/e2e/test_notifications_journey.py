"""Notifications in headless Chromium against the live server: the bell shows the unread count
(htmx), the list links to the thing notified about and marks it read, the preferences page saves
per-kind choices, and a guest unsubscribes from an email's link without signing in."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import GuestOptOut, Notification, NotificationPreference
from causeweb.notifications.services import notify
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_bell_list_preferences_and_guest_unsubscribe(browser, live_server, artifacts_dir):
    amina = UserFactory(display_name="Amina Diallo")
    for i, (kind, title, url) in enumerate(
        [
            (Kind.CAMPAIGN_APPROVED, "Your campaign “Clean water for Bissau” is live", "/campaigns/"),
            (Kind.RSVP_CONFIRMATION, "You are going to the river clean-up", "/events/"),
            (Kind.THREAD_REPLY, "Jonas replied in “Weekend plans”", "/groups/"),
        ]
    ):
        notify(recipient=amina, kind=kind, context={"title": title, "body": "Details inside.", "url": url},
               dedupe_key=f"e2e:{i}")  # fmt: skip
    page, errors = signed_in_page(browser, live_server, amina)

    # 1. The bell shows 3 unread, loaded by htmx.
    page.goto(f"{live_server.url}/")
    badge = page.locator(".bell .badge")
    badge.wait_for()
    assert badge.locator("[aria-hidden=true]").inner_text() == "3"
    # A screen reader hears the link's name and the count in words, not a bare digit.
    assert page.get_by_role("link", name="Notifications 3 unread notifications").count() == 1
    page.screenshot(path=str(artifacts_dir / "notifications-1-bell.png"))

    # 2. The list; mark one read.
    page.get_by_role("link", name="Notifications").first.click()
    page.wait_for_url(re.compile(r".*/notifications/$"))
    assert "3 unread" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "notifications-2-list.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"Mark read\W*Jonas replied")).click()
    assert "2 unread" in page.locator("main").inner_text()

    # 3. Following a notification's link marks it read and lands on the thing.
    page.get_by_role("link", name=re.compile("river clean-up")).click()
    page.wait_for_url(re.compile(r".*/events/$"))
    assert Notification.objects.filter(recipient=amina, read_at__isnull=True).count() == 1
    page.goto(f"{live_server.url}/")
    page.locator(".bell .badge").wait_for()
    assert page.locator(".bell .badge [aria-hidden=true]").inner_text() == "1"

    # 4. Preferences: no more mention emails, thread replies as a daily digest.
    page.goto(f"{live_server.url}/notifications/preferences/")
    page.get_by_label("Email me: Mentions of you").uncheck()
    page.get_by_label("Daily digest instead: Replies in discussions you take part in").check()
    assert "Always emailed" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "notifications-3-preferences.png"), full_page=True)
    page.get_by_role("button", name="Save preferences").click()
    assert "Your email preferences are saved" in page.locator(".messages").inner_text()
    assert NotificationPreference.objects.get(user=amina, kind=Kind.MENTION).email_enabled is False
    assert NotificationPreference.objects.get(user=amina, kind=Kind.THREAD_REPLY).daily_digest is True
    assert errors == []

    # 5. A guest who RSVPed by email unsubscribes from reminders from the email's link.
    mail.outbox.clear()
    notify(email="walker@example.org", kind=Kind.EVENT_REMINDER,
           context={"title": "Tomorrow: river clean-up", "url": "/events/"}, dedupe_key="e2e:guest")  # fmt: skip
    link = re.search(r"Unsubscribe from these emails: (\S+)", mail.outbox[0].body).group(1)
    guest = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    guest.goto(link.replace(settings.SITE_URL, live_server.url))
    assert "Stop emails about event reminders" in guest.locator("main").inner_text()
    guest.screenshot(path=str(artifacts_dir / "notifications-4-unsubscribe-confirm.png"), full_page=True)
    guest.get_by_role("button", name="Unsubscribe").click()
    guest.get_by_role("heading", name="You are unsubscribed").wait_for()
    guest.screenshot(path=str(artifacts_dir / "notifications-5-unsubscribed.png"), full_page=True)
    assert GuestOptOut.objects.filter(email="walker@example.org", kind=Kind.EVENT_REMINDER).exists()

"""Trust and safety in headless Chromium against the live server: a Moderator resolves a flag on
an event by hiding it and suspending its host; the host, signing in, sees why and until when,
and appeals from the notice; the decision is on the public transparency page."""

import re

import pytest
from allauth.account.models import EmailAddress

from causeweb.moderation.models import Appeal, Suspension
from causeweb.moderation.roles import MODERATOR
from causeweb.moderation.services import flag_create
from causeweb.notifications.models import Notification
from tests.events.factories import EventFactory
from tests.factories import UserFactory, staff_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple 7"


def _with_password(person):
    person.set_password(PASSWORD)
    person.save()
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    return person


def test_hide_suspend_notice_appeal_and_transparency(browser, live_server, artifacts_dir):
    base = live_server.url
    moderator = _with_password(staff_with_role(MODERATOR, email="mod@example.org"))
    host = _with_password(UserFactory(email="host@example.org", display_name="Harry Host"))
    event = EventFactory(host=host, title="Miracle pill giveaway")
    flag_create(reporter=UserFactory(email="reporter@example.org"), target=event, reason="spam", note="sells pills")
    errors = []

    # 1. The Moderator resolves the flag from the queue: hide, and suspend the host for 7 days.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/admin/login/?next=/admin/moderation/flag/queue/")
    page.fill("#id_username", moderator.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/moderation/flag/queue/"))
    item = page.locator(f"#item-events\\.event-{event.pk}")
    assert "Miracle pill giveaway" in item.inner_text() and "sells pills" in item.inner_text()
    item.locator("input[name=reason]").fill("Advertising pills")
    item.locator("select[name=suspend_days]").select_option("7")
    page.screenshot(path=str(artifacts_dir / "moderation-1-queue.png"), full_page=True)
    item.get_by_role("button", name="Hide and suspend the author").click()
    page.wait_for_load_state()
    assert "Hid it and suspended its author" in page.content()
    event.refresh_from_db()
    suspension = Suspension.objects.get(user=host)
    assert event.hidden_at is not None and suspension.rule == "spam" and suspension.ends_at is not None
    context.close()

    # 2. The host tries to sign in: refused, with the rule, the end date and an appeal link.
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", host.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Your account is suspended" in main and "Spam or advertising" in main
    assert suspension.ends_at.strftime("%B %Y").split()[0] in main and "Advertising pills" in main
    page.screenshot(path=str(artifacts_dir / "moderation-2-suspended-sign-in.png"), full_page=True)
    assert Notification.objects.filter(recipient=host, title="Your account is suspended").exists()

    # 3. The notice about the event links to its appeal; the host appeals, signed out.
    notice = Notification.objects.get(recipient=host, title="A moderator hid your event")
    page.goto(f"{base}{notice.url}")
    assert "Content hidden" in page.locator("main").inner_text()
    page.fill("textarea[name=statement]", "It was a health fair with a pharmacist, not advertising.")
    page.screenshot(path=str(artifacts_dir / "moderation-3-appeal-form.png"), full_page=True)
    page.get_by_role("button", name="Send my appeal").click()
    page.wait_for_load_state()
    assert "Your appeal was sent" in page.locator("main").inner_text()
    assert Appeal.objects.get().appellant == host
    # A second appeal on the same decision is refused with a clear message.
    page.goto(f"{base}{notice.url}")
    assert "You appealed this decision" in page.locator("main").inner_text()
    assert page.locator("textarea[name=statement]").count() == 0

    # 4. The public transparency page shows both decisions, and nobody's name.
    page.goto(f"{base}/moderation/")
    table = page.locator("main").inner_text()
    assert "Content hidden" in table and "Account suspended" in table and "Waiting for a moderator" in table
    assert "Miracle pill giveaway" not in table and "host@example.org" not in table and "Harry Host" not in table
    page.screenshot(path=str(artifacts_dir / "moderation-4-transparency.png"), full_page=True)
    context.close()
    assert errors == []

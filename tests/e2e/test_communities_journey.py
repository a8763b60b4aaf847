"""Community groups in headless Chromium against the live server: an organiser starts a by-request
group with a code of conduct, someone asks to join, the organiser approves, they talk in a thread
(a reply and a nested reply) and react through htmx without a page reload."""

import re

import pytest
from django.conf import settings
from django.test import Client

from communities.models import Group, JoinRequest, Membership, Post, Reaction
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_request_group_join_approve_talk_and_react(browser, live_server, artifacts_dir):
    olga = UserFactory(display_name="Olga Organiser")
    rui = UserFactory(display_name="Rui Resident", email="rui@example.org")
    organiser, organiser_errors = signed_in_page(browser, live_server, olga)
    resident, resident_errors = signed_in_page(browser, live_server, rui)

    # 1. Olga starts a request-only group with a code of conduct.
    organiser.goto(f"{live_server.url}/groups/")
    organiser.get_by_role("link", name="Start a group").click()
    organiser.fill("#id_name", "Alfama Street Gardens")
    organiser.fill("#id_description", "We turn **empty corners** into gardens.\n\nTools shared, no experience needed.")
    organiser.fill("#id_location", "Lisbon")
    organiser.get_by_label(re.compile("By request")).check()
    organiser.fill("#id_code_of_conduct", "- Be kind\n- Share the tools\n- Leave no litter")
    organiser.screenshot(path=str(artifacts_dir / "communities-1-create.png"), full_page=True)
    organiser.get_by_role("button", name="Create the group").click()
    organiser.wait_for_url(re.compile(r".*/groups/alfama-street-gardens/$"))
    assert "Your group is ready" in organiser.locator(".messages").inner_text()
    group = Group.objects.get(slug="alfama-street-gardens")
    assert group.visibility == "request"

    # 2. Rui finds it, reads the code of conduct and asks to join.
    resident.goto(f"{live_server.url}/groups/?q=garden")
    resident.get_by_role("link", name=re.compile("Alfama Street Gardens")).click()
    assert "discussions are open to its members" in resident.locator("main").inner_text()
    resident.get_by_role("link", name="Ask to join").click()
    assert "Share the tools" in resident.locator("main").inner_text()
    resident.fill("#id_message", "I live on Rua dos Remédios and have a spare rake.")
    resident.get_by_role("button", name="Send my request").click()
    assert "accept the group's code of conduct" in resident.locator(".form-errors, .error").first.inner_text()
    resident.get_by_label("I have read and accept the group's code of conduct").check()
    resident.get_by_role("button", name="Send my request").click()
    resident.wait_for_url(re.compile(r".*/groups/alfama-street-gardens/$"))
    assert "waiting for the moderators" in resident.locator("main").inner_text()
    resident.screenshot(path=str(artifacts_dir / "communities-2-requested.png"), full_page=True)
    assert JoinRequest.objects.get(group=group, user=rui).status == "pending"

    # 3. Olga approves from the request queue.
    organiser.goto(f"{live_server.url}/groups/alfama-street-gardens/")
    organiser.get_by_role("link", name="Requests").click()
    assert "spare rake" in organiser.locator("main").inner_text()
    organiser.screenshot(path=str(artifacts_dir / "communities-3-queue.png"), full_page=True)
    organiser.get_by_role("button", name="Approve Rui Resident").click()
    assert "request was approved" in organiser.locator(".messages").inner_text()
    assert Membership.objects.filter(group=group, user=rui, role="member").exists()

    # 4. Rui, now a member, starts a discussion.
    resident.goto(f"{live_server.url}/groups/alfama-street-gardens/")
    resident.get_by_role("link", name="Start a discussion").click()
    resident.fill("#id_title", "First planting day")
    resident.fill("#id_body", "How about **Saturday 10:00** at the corner of Rua de São Miguel?")
    resident.get_by_role("button", name="Post").click()
    resident.wait_for_url(re.compile(r".*/threads/\d+/$"))
    thread_url = resident.url

    # 5. Olga replies; Rui answers her reply (nested one level).
    organiser.goto(thread_url)
    organiser.fill("#id_body", "Perfect. I'll bring seedlings — @rui can you bring the rake?")
    organiser.get_by_role("button", name="Post reply").click()
    organiser.wait_for_url(re.compile(r".*#post-\d+$"))
    resident.goto(thread_url)
    resident.locator(".reply-box summary").first.click()
    resident.get_by_label("Reply to Olga Organiser").fill("Yes, rake and gloves!")
    resident.get_by_role("button", name="Send reply").first.click()
    resident.wait_for_url(re.compile(r".*#post-\d+$"))
    nested = resident.locator("ol.replies.nested .post")
    assert nested.count() == 1 and "rake and gloves" in nested.inner_text()

    # 6. Olga reacts to Rui's opening post through htmx: the counts update in place.
    organiser.goto(thread_url)
    organiser.evaluate("window.__noReload = true")
    opening = organiser.locator(".post.opening")
    opening.locator("button[data-kind=support]").click()
    organiser.wait_for_selector(".post.opening button[data-kind=support][aria-pressed=true]")
    assert organiser.evaluate("window.__noReload") is True  # no full page load happened
    assert opening.locator("button[data-kind=support] .count").inner_text() == "1"
    opening.locator("button[data-kind=celebrate]").click()
    organiser.wait_for_selector(".post.opening button[data-kind=celebrate][aria-pressed=true]")
    organiser.screenshot(path=str(artifacts_dir / "communities-4-thread.png"), full_page=True)
    opening_post = Post.objects.get(thread__group=group, is_opening=True)
    assert set(Reaction.objects.filter(post=opening_post).values_list("kind", flat=True)) == {"support", "celebrate"}

    # 7. Rui sees the reactions, the nesting and his notifications (approval, reply, mention).
    resident.goto(thread_url)
    assert resident.locator(".post.opening button[data-kind=support] .count").inner_text() == "1"
    resident.screenshot(path=str(artifacts_dir / "communities-5-member-view.png"), full_page=True)
    from causeweb.notifications.models import Notification

    # Rui was mentioned in Olga's reply, so he hears of it once, as a mention; Olga hears of his reply.
    assert {"join_request_decided", "mention"} <= set(
        Notification.objects.filter(recipient=rui).values_list("kind", flat=True)
    )
    assert {"join_request", "thread_reply"} <= set(
        Notification.objects.filter(recipient=olga).values_list("kind", flat=True)
    )
    assert not organiser_errors and not resident_errors

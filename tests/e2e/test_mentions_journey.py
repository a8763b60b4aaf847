"""Typing "@" in a group reply box offers members by name; the keyboard picks one; the posted
reply shows the mention marked and the member is told."""

import pytest

from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from communities.services.discussions import thread_create
from tests.communities.factories import GroupFactory, add_member
from tests.e2e.test_communities_journey import signed_in_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mention_a_member_from_the_keyboard(browser, live_server, artifacts_dir):
    amina = UserFactory(display_name="Amina Diallo")
    bo = UserFactory(display_name="Bo Chen")
    group = GroupFactory(owner=amina, name="Alfama Street Gardens")
    add_member(group, bo)
    thread = thread_create(author=amina, group=group, title="Saturday", body="Who brings tools?")
    page, errors = signed_in_page(browser, live_server, bo)
    page.goto(f"{live_server.url}/groups/{group.slug}/threads/{thread.pk}/")

    box = page.locator("#reply-form textarea")
    box.click()
    box.press_sequentially("I will, @Ami", delay=20)
    option = page.get_by_role("option", name="Amina Diallo (@AminaDiallo)")
    option.wait_for()
    # A textarea may not carry aria-expanded (axe aria-allowed-attr): the highlighted option is its
    # aria-activedescendant.
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    page.screenshot(path=str(artifacts_dir / "mentions-1-suggestions.png"))
    box.press("Enter")
    assert box.input_value() == "I will, @AminaDiallo "
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator(".mention", has_text="@AminaDiallo").count() == 1
    assert Notification.objects.filter(recipient=amina, kind=Kind.MENTION).count() == 1
    assert errors == []

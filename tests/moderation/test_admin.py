"""The moderation admin: the flag queue, its uphold/dismiss actions, and the read-only audit trail."""

import pytest
from django.contrib.messages import get_messages

from causeweb.moderation import registry, services
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.roles import MODERATOR
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db

FLAGS = "/admin/moderation/flag/"
AUDIT = "/admin/moderation/moderationaction/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _act(client, action, flags):
    return client.post(FLAGS, {"action": action, "_selected_action": [f.pk for f in flags]}, follow=True)


def test_flag_changelist_shows_open_flags_with_counts_per_target(admin_client, django_assert_max_num_queries):
    campaigns = [CampaignFactory(title=f"River cleanup {n}") for n in range(5)]
    for campaign in campaigns:
        for _ in range(2):
            services.flag_create(reporter=UserFactory(), target=campaign, reason="spam")
    with django_assert_max_num_queries(25):
        response = admin_client.get(FLAGS)
    assert response.status_code == 200
    page = response.content.decode()
    for campaign in campaigns:
        assert campaign.title in page
    rows = response.context["cl"].result_list
    assert len(rows) == 10
    assert {flag.flags_on_target_count for flag in rows} == {2}


def test_uphold_action_hides_through_the_registry_closes_all_flags_and_audits(admin_client):
    campaign = CampaignFactory(title="Fake charity")
    outsider = UserFactory()
    assert registry.can_view_for_flagging(campaign, outsider)
    first = services.flag_create(reporter=UserFactory(), target=campaign, reason="fraud")
    services.flag_create(reporter=UserFactory(), target=campaign, reason="spam")
    response = _act(admin_client, "uphold_and_hide", [first])
    assert response.status_code == 200
    assert "Hid 1 flagged item(s)." in _messages(response)
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.UPHELD}
    campaign.refresh_from_db()
    assert not registry.can_view_for_flagging(campaign, outsider)  # taken down: the public no longer sees it
    action = ModerationAction.objects.get()
    assert (action.action, action.object_id) == ("hide", campaign.pk)


@pytest.fixture
def events_without_hide():
    """A content type registered without hide/restore (every app's own types now have them)."""
    previous = dict(registry._registry)
    registry.register_moderatable("events.event", can_view=lambda target, user: True)
    yield
    registry._registry.clear()
    registry._registry.update(previous)


def test_uphold_on_a_type_without_hide_says_so_and_keeps_the_flag_open(admin_client, events_without_hide):
    event = EventFactory()
    flag = services.flag_create(reporter=UserFactory(), target=event, reason="spam")
    response = _act(admin_client, "uphold_and_hide", [flag])
    texts = _messages(response)
    assert any("cannot be hidden from here" in text and str(flag) in text for text in texts)
    assert "Hid 0 flagged item(s)." in texts
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    assert not ModerationAction.objects.exists()


def test_dismiss_action_keeps_the_content_and_closes_its_flags(admin_client):
    campaign = CampaignFactory()
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="abuse")
    response = _act(admin_client, "dismiss", [flag])
    assert "Dismissed flags on 1 flagged item(s)." in _messages(response)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert registry.can_view_for_flagging(campaign, UserFactory())  # still public
    assert ModerationAction.objects.get().action == "dismiss_flags"


def test_actions_skip_flags_that_are_already_closed(admin_client):
    flag = services.flag_create(reporter=UserFactory(), target=CampaignFactory(), reason="spam")
    Flag.objects.filter(pk=flag.pk).update(status=Flag.Status.DISMISSED)
    response = _act(admin_client, "uphold_and_hide", [flag])
    assert "Hid 0 flagged item(s)." in _messages(response)
    assert Flag.objects.get().status == Flag.Status.DISMISSED
    assert not ModerationAction.objects.exists()


def test_staff_without_the_moderation_permission_cannot_open_the_queue(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(FLAGS).status_code == 403


def test_flags_cannot_be_added_from_the_admin(admin_client):
    assert admin_client.get(FLAGS + "add/").status_code == 403


def test_audit_trail_is_listed_and_read_only(admin_client):
    moderator = staff_with_role(MODERATOR)
    services.user_suspend(
        user=UserFactory(email="spammer@example.org"), moderator=moderator, rule="spam", note="spam waves"
    )
    entry = ModerationAction.objects.get()
    listing = admin_client.get(AUDIT)
    assert listing.status_code == 200
    assert "spam waves" in listing.content.decode()
    assert admin_client.get(AUDIT + "add/").status_code == 403
    detail = admin_client.get(f"{AUDIT}{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="reason"' not in detail.content.decode()  # shown, not editable
    assert admin_client.post(f"{AUDIT}{entry.pk}/change/", {"reason": "rewritten"}).status_code == 403
    assert admin_client.post(f"{AUDIT}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(AUDIT, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.reason == "spam waves"
    assert ModerationAction.objects.count() == 1


def test_user_admin_suspend_action_suspends_and_reports_refusals(admin_client):
    target = UserFactory(email="troll@example.org")
    boss = UserFactory(is_superuser=True, is_staff=True, email="boss@example.org")
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "suspend", "_selected_action": [target.pk, boss.pk]}
    )
    assert response.status_code == 302  # to the suspend form: the rule and the period are asked
    form_url = response["Location"]
    page = admin_client.get(form_url).content.decode()
    assert "troll@example.org" in page and "boss@example.org" in page
    response = admin_client.post(form_url, {"rule": "abuse", "duration_days": "7", "note": "threats"}, follow=True)
    texts = _messages(response)
    assert "Suspended 1 account(s); they have been emailed." in texts
    assert any(text.startswith("boss@example.org:") and "Administrators" in text for text in texts)
    target.refresh_from_db()
    boss.refresh_from_db()
    assert (target.is_active, boss.is_active) == (False, True)
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "reinstate", "_selected_action": [target.pk]}, follow=True
    )
    assert "Reinstated 1 account(s)." in _messages(response)
    target.refresh_from_db()
    assert target.is_active

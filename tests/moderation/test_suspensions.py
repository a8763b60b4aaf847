"""Suspensions: a rule and a period, no sign-in (allauth and admin, with a clear message), sessions
and API tokens end, public content hidden in one action, the person told; lifting it or its end
(the beat task) restores access and tells them."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from causeweb.accounts.services import api_token_create
from causeweb.core.exceptions import PermissionDenied, ValidationError
from causeweb.moderation import services, tasks
from causeweb.moderation.appeal_links import read_appeal_token
from causeweb.moderation.models import ModerationAction, Suspension
from causeweb.notifications.models import Notification
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.moderation.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _suspend(member, moderator, days=7, **kwargs):
    ends_at = timezone.now() + timedelta(days=days) if days else None
    return services.user_suspend(
        user=member, moderator=moderator, rule="abuse", note="threats", ends_at=ends_at, **kwargs
    )


def test_suspension_records_the_rule_and_period_audits_and_tells_them(member, moderator):
    suspension = _suspend(member, moderator, days=7)
    member.refresh_from_db()
    assert member.is_active is False
    assert suspension.is_active and not suspension.is_permanent
    decision = ModerationAction.objects.get(action="suspend_user")
    assert (decision.moderator, decision.subject, decision.rule, decision.reason) == (
        moderator, member, "abuse", "threats"
    )  # fmt: skip
    assert decision.target == suspension
    assert decision.before == {"suspended": False}
    assert decision.after["suspended"] is True and decision.after["ends_at"] == suspension.ends_at.isoformat()
    notice = Notification.objects.get(recipient=member)
    assert notice.title == "Your account is suspended"
    assert "Harassment or hate" in notice.body and "until" in notice.body and "appeal" in notice.body
    assert notice.kind == "security"  # mandatory: emailed whatever their preferences
    token = notice.url.rstrip("/").rsplit("/", 1)[1]
    assert read_appeal_token(token) == (decision.pk, member.pk)


def test_a_second_suspension_while_one_runs_changes_nothing(member, moderator):
    assert _suspend(member, moderator) is not None
    assert _suspend(member, moderator) is None
    assert Suspension.objects.count() == 1


def test_the_end_must_be_in_the_future_and_the_rule_known(member, moderator):
    with pytest.raises(ValidationError):
        services.user_suspend(user=member, moderator=moderator, rule="abuse", ends_at=timezone.now())
    with pytest.raises(ValidationError):
        services.user_suspend(user=member, moderator=moderator, rule="rudeness")
    member.refresh_from_db()
    assert member.is_active and not Suspension.objects.exists()


def test_finance_and_plain_staff_cannot_suspend(member, finance):
    with pytest.raises(PermissionDenied):
        _suspend(member, finance)
    with pytest.raises(PermissionDenied):
        _suspend(member, UserFactory(is_staff=True))
    member.refresh_from_db()
    assert member.is_active


def test_sessions_end_at_once_and_are_deleted(client, member, moderator, django_capture_on_commit_callbacks):
    client.force_login(member)
    other_browser = client.__class__()
    other_browser.force_login(member)
    assert client.get("/me/").status_code == 200
    assert Session.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        _suspend(member, moderator)
    assert Session.objects.count() == 0
    assert client.get("/me/").status_code == 302  # signed out: back to sign-in


def test_the_session_task_leaves_other_people_signed_in(client, member, moderator):
    client.force_login(moderator)
    other = client.__class__()
    other.force_login(member)
    assert tasks.end_sessions(member.pk) == 1
    assert Session.objects.count() == 1
    assert client.get("/admin/").status_code == 200


def test_api_tokens_end(member, moderator):
    token, _ = api_token_create(user=member, name="My phone", scope="read")
    _suspend(member, moderator)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_allauth_sign_in_is_refused_with_the_reason_and_end_date(client, member, moderator):
    suspension = _suspend(member, moderator, days=7)
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account is suspended" in page
    assert "Harassment or hate" in page and "threats" in page
    assert f"{suspension.ends_at:%Y}" in page and suspension.ends_at.strftime("%B") in page
    assert "/moderation/appeal/" in page
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_learns_nothing_about_the_suspension(client, member, moderator):
    _suspend(member, moderator)
    page = client.post("/accounts/login/", {"login": member.email, "password": "wrong"}).content.decode()
    assert "suspended" not in page.lower()


def test_permanent_suspension_says_so(client, member, moderator):
    _suspend(member, moderator, days=None)
    page = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD}).content.decode()
    assert "permanent" in page


def test_admin_sign_in_is_refused_with_the_reason(client, moderator):
    staff = UserFactory(is_staff=True, email="staff@example.org")
    staff.set_password(PASSWORD)
    staff.save()
    services.user_suspend(user=staff, moderator=moderator, rule="fraud", ends_at=timezone.now() + timedelta(days=3))
    page = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD}).content.decode()
    assert "This account is suspended until" in page and "Fraud or scam" in page
    wrong = client.post("/admin/login/", {"username": staff.email, "password": "nope"}).content.decode()
    assert "suspended" not in wrong


def test_hiding_all_their_public_content_in_one_action(member, moderator):
    events = [EventFactory(host=member), EventFactory(host=member)]
    campaign = CampaignFactory(organizer=member, status="published")
    bystander = EventFactory()
    _suspend(member, moderator, hide_content=True)
    for event in events:
        event.refresh_from_db()
        assert event.hidden_at is not None
    campaign.refresh_from_db()
    bystander.refresh_from_db()
    assert not campaign.is_public and bystander.hidden_at is None
    hides = ModerationAction.objects.filter(action="hide", subject=member)
    assert hides.count() == 3
    decision = ModerationAction.objects.get(action="suspend_user")
    assert sorted(decision.after["hidden"]) == sorted(
        [["events.event", events[0].pk], ["events.event", events[1].pk], ["campaigns.campaign", campaign.pk]]
    )


def test_lifting_restores_access_tells_them_and_keeps_tokens_revoked(member, moderator, notices):
    token, _ = api_token_create(user=member, name="My phone", scope="read")
    suspension = _suspend(member, moderator)
    assert services.user_reinstate(user=member, moderator=moderator, reason="mistake") is True
    assert services.user_reinstate(user=member, moderator=moderator) is False
    member.refresh_from_db()
    suspension.refresh_from_db()
    token.refresh_from_db()
    assert member.is_active and suspension.lifted_by == moderator and not suspension.is_active
    assert token.revoked_at is not None
    assert notices(member) == ["Your account is suspended", "You can sign in again"]
    lift = ModerationAction.objects.get(action="lift_suspension")
    assert (lift.before["suspended"], lift.after, lift.reason) == (True, {"suspended": False}, "mistake")


def test_finance_cannot_lift(member, moderator, finance):
    _suspend(member, moderator)
    with pytest.raises(PermissionDenied):
        services.user_reinstate(user=member, moderator=finance)


def test_the_period_ending_restores_access_once(member, moderator, notices):
    suspension = _suspend(member, moderator, days=7)
    permanent = _suspend(UserFactory(), moderator, days=None)
    assert services.suspensions_end_expired(now=timezone.now() + timedelta(days=6)) == 0
    assert services.suspensions_end_expired(now=timezone.now() + timedelta(days=8)) == 1
    assert services.suspensions_end_expired(now=timezone.now() + timedelta(days=8)) == 0
    member.refresh_from_db()
    suspension.refresh_from_db()
    permanent.refresh_from_db()
    assert member.is_active and suspension.lifted_at is not None and suspension.lifted_by is None
    assert permanent.lifted_at is None
    assert notices(member)[-1] == "You can sign in again"
    ended = ModerationAction.objects.get(action="suspension_ended")
    assert ended.moderator is None and ended.subject == member


def test_the_beat_runs_the_expiry_task():
    from causeweb.celery import app

    entry = tasks.BEAT_SCHEDULE["moderation-end-expired-suspensions"]
    assert entry["task"] == "causeweb.moderation.tasks.end_expired_suspensions"
    assert entry["task"] in app.tasks
    assert "moderation-end-expired-suspensions" in app.conf.beat_schedule


def test_admin_suspend_form_for_moderators_only(client, member, moderator, finance):
    url = f"/admin/moderation/suspension/suspend/?users={member.pk}"
    client.force_login(finance)
    assert client.get(url).status_code == 403
    assert client.post(url, {"rule": "spam", "duration_days": "7"}).status_code == 403
    client.force_login(moderator)
    assert "member@example.org" in client.get(url).content.decode()
    response = client.post(url, {"rule": "spam", "duration_days": "30", "note": "ads", "hide_content": "on"})
    assert response.status_code == 302
    suspension = Suspension.objects.get(user=member)
    assert suspension.rule == "spam" and 29 <= (suspension.ends_at - timezone.now()).days <= 30
    member.refresh_from_db()
    assert not member.is_active


def test_suspensions_admin_is_read_only_and_lift_is_for_moderators(client, member, moderator, finance):
    suspension = _suspend(member, moderator)
    url = "/admin/moderation/suspension/"
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    assert client.get(url + "add/").status_code == 403
    assert client.post(f"{url}{suspension.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(url, {"action": "lift", "_selected_action": [suspension.pk]})
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None
    client.force_login(finance)
    assert client.get(url).status_code == 403


def test_is_active_is_not_a_second_way_to_suspend(admin_client, member):
    page = admin_client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert 'name="is_active"' not in page


def test_the_queue_suspends_for_the_chosen_period(client, moderator):
    event = EventFactory()
    services.flag_create(reporter=UserFactory(), target=event, reason="abuse")
    client.force_login(moderator)
    client.post(
        "/admin/moderation/flag/queue/",
        {"content_type": "events.event", "object_id": event.pk, "resolution": "hide_and_suspend", "suspend_days": "7"},
    )
    suspension = Suspension.objects.get(user=event.host)
    assert suspension.rule == "abuse" and 6 <= (suspension.ends_at - timezone.now()).days <= 7


def test_the_queue_refuses_a_made_up_period(client, moderator):
    event = EventFactory()
    services.flag_create(reporter=UserFactory(), target=event, reason="abuse")
    client.force_login(moderator)
    response = client.post(
        "/admin/moderation/flag/queue/",
        {"content_type": "events.event", "object_id": event.pk, "resolution": "hide_and_suspend", "suspend_days": "3"},
        follow=True,
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.hidden_at is None and not Suspension.objects.exists()

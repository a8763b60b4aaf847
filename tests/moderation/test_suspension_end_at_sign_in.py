"""A suspension whose period has passed ends when its person signs in (allauth or the admin), even
if the periodic job has not run yet: they get in, the suspension is marked lifted (audited as
ended, no moderator) and they are told. The wrong password, or a running suspension, changes
nothing."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from causeweb.moderation import services
from causeweb.moderation.models import ModerationAction, Suspension
from tests.factories import UserFactory
from tests.moderation.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _suspend_and_let_it_pass(person, moderator) -> Suspension:
    suspension = services.user_suspend(
        user=person, moderator=moderator, rule="abuse", note="threats", ends_at=timezone.now() + timedelta(days=7)
    )
    Suspension.objects.filter(pk=suspension.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    return suspension


def test_allauth_sign_in_after_the_period_ends_it_and_signs_them_in(client, member, moderator, notices):
    suspension = _suspend_and_let_it_pass(member, moderator)
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(member.pk)
    suspension.refresh_from_db()
    member.refresh_from_db()
    assert member.is_active and suspension.lifted_at is not None and suspension.lifted_by is None
    assert notices(member)[-1] == "You can sign in again"
    assert "Your suspension has ended. Welcome back." in [str(m) for m in get_messages(response.wsgi_request)]
    ended = ModerationAction.objects.get(action="suspension_ended")
    assert ended.moderator is None and ended.subject == member
    assert services.suspensions_end_expired() == 0  # the job finds nothing left to do


def test_admin_sign_in_after_the_period_ends_it(client, moderator):
    staff = UserFactory(is_staff=True, email="staff@example.org")
    staff.set_password(PASSWORD)
    staff.save()
    suspension = _suspend_and_let_it_pass(staff, moderator)
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None


def test_the_wrong_password_ends_nothing(client, member, moderator):
    suspension = _suspend_and_let_it_pass(member, moderator)
    page = client.post("/accounts/login/", {"login": member.email, "password": "wrong"}).content.decode()
    assert "suspended" not in page.lower()
    suspension.refresh_from_db()
    member.refresh_from_db()
    assert suspension.lifted_at is None and not member.is_active
    assert "_auth_user_id" not in client.session


def test_a_running_suspension_still_refuses(client, member, moderator):
    services.user_suspend(
        user=member, moderator=moderator, rule="abuse", note="threats", ends_at=timezone.now() + timedelta(days=7)
    )
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 403
    assert not ModerationAction.objects.filter(action="suspension_ended").exists()
    member.refresh_from_db()
    assert not member.is_active


def test_ended_at_sign_in_only_once_with_two_expired(member, moderator):
    first = _suspend_and_let_it_pass(member, moderator)
    Suspension.objects.create(user=member, rule="spam", ends_at=timezone.now() - timedelta(hours=1))
    assert services.user_end_expired_suspensions(user_id=member.pk) == 2
    assert services.user_end_expired_suspensions(user_id=member.pk) == 0
    member.refresh_from_db()
    first.refresh_from_db()
    assert member.is_active and first.lifted_at is not None

import pytest

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation import registry, services
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.roles import MODERATOR
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return staff_with_role(MODERATOR)


@pytest.fixture
def hidden_log(monkeypatch):
    """A registered hide/restore pair for campaigns that records calls (the real one lives in campaigns)."""
    calls = []
    previous = dict(registry._registry)
    registry.register_moderatable(
        "campaigns.campaign",
        can_view=previous["campaigns.campaign"].can_view,  # flaggable as before: only hide/restore are recorded
        hide=lambda target, moderator, reason: calls.append(("hide", target.pk)),
        restore=lambda target, moderator: calls.append(("restore", target.pk)),
    )
    yield calls
    registry._registry.clear()
    registry._registry.update(previous)


def test_flag_once_per_reporter(user):
    campaign = CampaignFactory()
    services.flag_create(reporter=user, target=campaign, reason="spam")
    with pytest.raises(Conflict):
        services.flag_create(reporter=user, target=campaign, reason="abuse")
    assert Flag.objects.count() == 1


def test_flag_needs_sign_in_and_a_known_reason(user):
    from django.contrib.auth.models import AnonymousUser

    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        services.flag_create(reporter=AnonymousUser(), target=campaign, reason="spam")
    with pytest.raises(ValidationError):
        services.flag_create(reporter=user, target=campaign, reason="because")


def test_uphold_hides_closes_all_flags_and_audits(moderator, hidden_log):
    campaign = CampaignFactory()
    first = services.flag_create(reporter=UserFactory(), target=campaign, reason="spam")
    services.flag_create(reporter=UserFactory(), target=campaign, reason="fraud")
    assert services.flag_uphold(flag=first, moderator=moderator) == 2
    assert hidden_log == [("hide", campaign.pk)]
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.UPHELD}
    assert ModerationAction.objects.filter(action="hide", moderator=moderator).count() == 1
    # A second moderator acting on the same flag changes nothing.
    assert services.flag_uphold(flag=first, moderator=moderator) == 0
    assert hidden_log == [("hide", campaign.pk)]


def test_only_site_moderators_resolve_flags(user, hidden_log):
    flag = services.flag_create(reporter=UserFactory(), target=CampaignFactory(), reason="spam")
    with pytest.raises(PermissionDenied):
        services.flag_uphold(flag=flag, moderator=user)
    with pytest.raises(PermissionDenied):
        services.flag_dismiss(flag=flag, moderator=user)
    assert hidden_log == []
    assert Flag.objects.get().status == Flag.Status.OPEN


def test_dismiss_keeps_content(moderator, hidden_log):
    flag = services.flag_create(reporter=UserFactory(), target=CampaignFactory(), reason="spam")
    assert services.flag_dismiss(flag=flag, moderator=moderator) == 1
    assert hidden_log == []
    assert Flag.objects.get().status == Flag.Status.DISMISSED


def test_suspend_and_reinstate_are_audited_and_idempotent(moderator, user):
    assert services.user_suspend(user=user, moderator=moderator, rule="spam", note="spam waves") is not None
    assert services.user_suspend(user=user, moderator=moderator, rule="spam", note="again") is None
    user.refresh_from_db()
    assert user.is_active is False
    assert services.user_reinstate(user=user, moderator=moderator) is True
    user.refresh_from_db()
    assert user.is_active is True
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "suspend_user",
        "lift_suspension",
    ]


def test_suspend_requires_moderator_and_a_rule(moderator, user, other_user):
    with pytest.raises(PermissionDenied):
        services.user_suspend(user=other_user, moderator=user, rule="spam")
    with pytest.raises(ValidationError):
        services.user_suspend(user=other_user, moderator=moderator, rule="  ")
    with pytest.raises(ValidationError):
        services.user_suspend(user=moderator, moderator=moderator, rule="spam")
    other_user.refresh_from_db()
    assert other_user.is_active


def test_suspended_session_is_signed_out(client, moderator, user):
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    services.user_suspend(user=user, moderator=moderator, rule="abuse")
    response = client.get("/me/")
    assert response.status_code == 302  # back to the login page


def test_flag_queue_admin_lists_and_upholds(client, hidden_log):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    campaign = CampaignFactory()
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="spam")
    client.force_login(admin_user)
    response = client.get("/admin/moderation/flag/")
    assert response.status_code == 200
    assert campaign.title in response.content.decode()
    response = client.post(
        "/admin/moderation/flag/", {"action": "uphold_and_hide", "_selected_action": [flag.pk]}, follow=True
    )
    assert response.status_code == 200
    assert hidden_log == [("hide", campaign.pk)]

"""Staff roles (causeweb/moderation/roles.py): the groups the data migration creates, and least
privilege proven both ways: a Moderator cannot touch money, Finance cannot touch content, in the
admin, the services and the API."""

import pytest
from django.contrib.auth.models import Group, Permission

from causeweb.core.exceptions import PermissionDenied
from causeweb.moderation import registry, roles, services
from causeweb.moderation.models import Flag
from causeweb.moderation.roles import ADMIN, FINANCE, MODERATOR
from fundraising.models import Donation, Refund
from fundraising.services import refunds
from tests.factories import CampaignFactory, UserFactory, staff_with_role
from tests.fundraising.factories import DonationFactory

pytestmark = pytest.mark.django_db

DONATIONS = "/admin/fundraising/donation/"
FLAGS = "/admin/moderation/flag/"


def _codenames(group_name):
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def moderator():
    return staff_with_role(MODERATOR)


@pytest.fixture
def finance():
    return staff_with_role(FINANCE)


@pytest.fixture
def refundable_donation():
    return DonationFactory(state=Donation.State.SUCCEEDED, stripe_payment_intent_id="pi_test_123")


def test_migration_creates_the_three_roles_with_least_privilege():
    moderator, finance = _codenames(MODERATOR), _codenames(FINANCE)
    assert {"moderation.change_flag", "moderation.suspend_user", "campaigns.change_campaign"} <= moderator
    assert not {code for code in moderator if code.startswith("fundraising.")}
    assert "accounts.change_user" not in moderator  # no role or password edits
    assert {"fundraising.refund_donation", "fundraising.view_donation"} <= finance
    content = {
        "moderation.change_flag",
        "moderation.suspend_user",
        "campaigns.change_campaign",
        "campaigns.change_comment",
        "communities.moderate_any_group",
    }
    assert not content & finance
    assert Group.objects.get(name=ADMIN).permissions.count() == Permission.objects.count()


def test_sync_is_idempotent_and_only_adds():
    before = {name: _codenames(name) for name in roles.ROLE_PERMISSIONS}
    extra = Permission.objects.get(codename="add_tag")
    Group.objects.get(name=MODERATOR).permissions.add(extra)
    held = roles.staff_roles_sync(group_model=Group, permission_model=Permission)
    assert _codenames(MODERATOR) == before[MODERATOR] | {"campaigns.add_tag"}
    assert _codenames(FINANCE) == before[FINANCE]
    assert held[FINANCE] == len(before[FINANCE])


def test_moderator_cannot_refund_in_admin(client, moderator, refundable_donation):
    client.force_login(moderator)
    assert client.get(DONATIONS).status_code == 403
    response = client.post(DONATIONS, {"action": "refund_in_full", "_selected_action": [refundable_donation.pk]})
    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_moderator_cannot_refund_through_the_service(moderator, refundable_donation):
    with pytest.raises(PermissionDenied):
        refunds.donation_refund(actor=moderator, donation_id=refundable_donation.pk, amount_minor=100)
    assert not Refund.objects.exists()


def test_moderator_sees_no_one_elses_donation_in_the_api(client, moderator, refundable_donation):
    client.force_login(moderator)
    listing = client.get("/api/v1/donations/")
    assert listing.status_code == 200
    assert listing.json()["results"] == []
    assert client.get(f"/api/v1/donations/{refundable_donation.public_id}/").status_code == 404


def test_finance_can_open_the_donations_admin(client, finance, refundable_donation):
    client.force_login(finance)
    response = client.get(DONATIONS)
    assert response.status_code == 200
    assert refundable_donation.donor_name in response.content.decode()


def test_finance_cannot_hide_content_in_admin(client, finance):
    campaign = CampaignFactory(title="Looks like a scam")
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="fraud")
    client.force_login(finance)
    assert client.get(FLAGS).status_code == 403
    response = client.post(FLAGS, {"action": "uphold_and_hide", "_selected_action": [flag.pk]})
    assert response.status_code == 403
    assert client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").status_code == 403
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    assert registry.can_view_for_flagging(campaign, UserFactory())  # still public


def test_finance_cannot_hide_restore_or_suspend_through_the_services(finance):
    campaign = CampaignFactory()
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="spam")
    with pytest.raises(PermissionDenied):
        services.flag_uphold(flag=flag, moderator=finance)
    with pytest.raises(PermissionDenied):
        services.content_restore(target=campaign, moderator=finance)
    with pytest.raises(PermissionDenied):
        services.user_suspend(user=UserFactory(), moderator=finance, rule="spam")


def test_finance_cannot_suspend_from_the_user_admin(client, finance):
    target = UserFactory()
    client.force_login(finance)
    response = client.post("/admin/accounts/user/", {"action": "suspend", "_selected_action": [target.pk]})
    assert response.status_code == 403  # no view_user either
    target.refresh_from_db()
    assert target.is_active


def test_moderator_hides_flagged_content_and_suspends_in_admin(client, moderator):
    campaign = CampaignFactory()
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="fraud")
    client.force_login(moderator)
    client.post(FLAGS, {"action": "uphold_and_hide", "_selected_action": [flag.pk]})
    flag.refresh_from_db()
    assert flag.status == Flag.Status.UPHELD
    target = UserFactory()
    response = client.post("/admin/accounts/user/", {"action": "suspend", "_selected_action": [target.pk]})
    client.post(response["Location"], {"rule": "fraud", "duration_days": "30"})
    target.refresh_from_db()
    assert not target.is_active


def test_staff_without_suspend_permission_do_not_get_the_suspend_action(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    target = UserFactory()
    client.force_login(viewer)
    page = client.get("/admin/accounts/user/").content.decode()
    assert 'value="suspend"' not in page
    client.post("/admin/accounts/user/", {"action": "suspend", "_selected_action": [target.pk]})
    target.refresh_from_db()
    assert target.is_active

import pytest

from communities.models import Group, Membership
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(display_name="Olga Owner")


@pytest.fixture
def public_group(owner):
    return GroupFactory(owner=owner, visibility=Group.Visibility.PUBLIC)


@pytest.fixture
def request_group(owner):
    return GroupFactory(owner=owner, visibility=Group.Visibility.REQUEST, code_of_conduct="Be **kind**.")


@pytest.fixture
def private_group(owner):
    return GroupFactory(owner=owner, visibility=Group.Visibility.PRIVATE)


def site_group_moderator(**kwargs):
    """Staff holding `communities.moderate_any_group`: moderators of every group, audited."""
    from django.contrib.auth.models import Permission

    person = UserFactory(is_staff=True, **kwargs)
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="communities", codename="moderate_any_group")
    )
    return type(person).objects.get(pk=person.pk)  # fresh permission cache


@pytest.fixture
def people(db):
    """One person per role, for a group built by `cast`. Plain `staff` has no power in groups;
    `site_moderator` is staff with the explicit permission."""
    return {
        "non_member": UserFactory(display_name="Nadia Outsider"),
        "member": UserFactory(display_name="Mo Member"),
        "moderator": UserFactory(display_name="Mia Moderator"),
        "banned": UserFactory(display_name="Bob Banned"),
        "staff": UserFactory(display_name="Sam Staff", is_staff=True),
        "site_moderator": site_group_moderator(display_name="Sol Sitemod"),
    }


@pytest.fixture
def cast(people, owner):
    """Give a group its member, moderator and banned person; returns the actors by role name."""

    def _cast(group):
        add_member(group, people["member"])
        add_member(group, people["moderator"], role=Membership.Role.MODERATOR)
        add_member(group, people["banned"])
        membership_services.member_ban(actor=owner, group=group, user=people["banned"])
        group.refresh_from_db()
        return {"visitor": None, "owner": owner, **people}

    return _cast


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per person; the permission matrix makes hundreds of people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

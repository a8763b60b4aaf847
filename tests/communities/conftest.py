import pytest

from communities.models import Group, Membership
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


@pytest.fixture
def people(db):
    """One person per role, for a group built by `cast`."""
    return {
        "non_member": UserFactory(display_name="Nadia Outsider"),
        "member": UserFactory(display_name="Mo Member"),
        "moderator": UserFactory(display_name="Mia Moderator"),
        "banned": UserFactory(display_name="Bob Banned"),
        "staff": UserFactory(display_name="Sam Staff", is_staff=True),
    }


@pytest.fixture
def cast(people, owner):
    """Give a group its member, moderator and banned person; returns the actors by role name."""
    from communities import services

    def _cast(group):
        add_member(group, people["member"])
        add_member(group, people["moderator"], role=Membership.Role.MODERATOR)
        add_member(group, people["banned"])
        services.member_ban(actor=owner, group=group, user=people["banned"])
        group.refresh_from_db()
        return {"visitor": None, "owner": owner, **people}

    return _cast


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password per person; the permission matrix makes hundreds of people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

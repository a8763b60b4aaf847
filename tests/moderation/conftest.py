import pytest
from allauth.account.models import EmailAddress

from causeweb.moderation.roles import FINANCE, MODERATOR
from causeweb.notifications.models import Notification
from tests.factories import UserFactory, staff_with_role

# The password of `member`, a signed-up person with a verified address (the suspension tests sign in as them).
PASSWORD = "a long and quiet river 42"


@pytest.fixture
def member():
    person = UserFactory(email="member@example.org")
    person.set_password(PASSWORD)
    person.save()
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    return person


@pytest.fixture
def moderator(db):
    return staff_with_role(MODERATOR)


@pytest.fixture
def second_moderator(db):
    return staff_with_role(MODERATOR)


@pytest.fixture
def finance(db):
    return staff_with_role(FINANCE)


@pytest.fixture
def notices():
    """The titles of the notifications `user` got, oldest first."""

    def titles(user):
        return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))

    return titles

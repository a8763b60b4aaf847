import pytest

from causeweb.moderation.roles import FINANCE, MODERATOR
from causeweb.notifications.models import Notification
from tests.factories import staff_with_role


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

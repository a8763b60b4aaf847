import pytest

from tests.events.factories import EventFactory


@pytest.fixture
def host(db):
    from tests.factories import UserFactory

    return UserFactory(display_name="Hana Host")


@pytest.fixture
def event(host):
    return EventFactory(host=host, capacity=10)


@pytest.fixture
def small_event(host):
    return EventFactory(host=host, capacity=2)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

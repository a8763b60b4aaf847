import pytest

from tests.notifications.backends import FailingBackend


@pytest.fixture
def failing_backend(settings):
    """Route email through FailingBackend; set `failing_backend.error` to make sends fail."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    FailingBackend.error = None
    FailingBackend.sent = []
    FailingBackend.only_for = set()
    yield FailingBackend
    FailingBackend.error = None
    FailingBackend.sent = []
    FailingBackend.only_for = set()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the email enqueue) inside the test transaction."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; these tests are about notifications, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

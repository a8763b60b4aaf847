"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL + Redis in CI
(DATABASE_URL / REDIS_URL set by .ci/run). Tests marked `postgres` need real row locks and
concurrent connections: they skip on SQLite locally but fail in CI if Postgres is missing."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = "/usr/bin/chromium"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in Spanish leaves Spanish active
    in the test's thread (LocaleMiddleware activates and never resets), and the next test's
    services would write Spanish (a gift's language, a stored message)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _needs_real_stack(request):
    """`postgres` / `redis` tests skip locally without the service, and fail in CI without it."""
    missing = []
    if "postgres" in request.keywords and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("PostgreSQL (set DATABASE_URL)")
    if "redis" in request.keywords and not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL)")
    if missing:
        if IN_CI:
            pytest.fail(f"CI must run this test on the real stack; missing {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run inline in tests, except where a test brings a real worker (`redis` marker)."""
    from celery._state import _set_task_join_will_block

    from causeweb.celery import app

    # Eager tasks run from several threads at once (concurrency tests) save and restore Celery's
    # process-wide "inside a task" flag out of order, which can leave it set; clear it per test.
    _set_task_join_will_block(False)
    eager = "redis" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Most tests change rows inside a transaction that never commits, so the invalidation (sent
    on commit) never comes: the page cache is off except in its own tests
    (tests/foundation/test_page_cache.py turns it on)."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    """Each test gets a clean local-memory cache (rate limits, click de-duplication...)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def browser():
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("Chromium is not installed; CI must run the browser journeys")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        watched = CSPWatchedBrowser(chromium)
        yield watched
        chromium.close()
    # Every page the journey opened: the Content-Security-Policy refused nothing (Chromium logs
    # each violation to the console as "Refused to ... because it violates ... Content Security Policy").
    assert not watched.csp_violations, watched.csp_violations


class CSPWatchedBrowser:
    """The Playwright browser, with a console listener on every context and page it opens."""

    def __init__(self, browser):
        self._browser = browser
        self.csp_violations: list[str] = []

    def _watch(self, target):
        target.on("console", self._record)
        return target

    def _record(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def new_context(self, *args, **kwargs):
        return self._watch(self._browser.new_context(*args, **kwargs))

    def new_page(self, *args, **kwargs):
        page = self._browser.new_page(*args, **kwargs)
        return self._watch(page)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def artifacts_dir():
    """Where browser journeys save screenshots to look at."""
    path = settings.BASE_DIR / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _stripe_breaker_closed():
    """A Stripe outage simulated by one test must not fail the next one fast."""
    from fundraising import gateway

    gateway.breaker_reset()
    yield
    gateway.breaker_reset()

"""Schemathesis against the live OpenAPI schema of /api/v1/, through the WSGI app (no network):
bounded examples per operation with a fixed seed, anonymously and with a personal API token, on
random ids and slugs (a few rows exist behind the list endpoints). Zero 5xx, zero responses that
differ from the schema, zero valid requests rejected."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from causeweb.accounts.services import api_token_create
from causeweb.core import localstripe
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.timeout(240)]

EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture
def wsgi_app():
    """The real WSGI app, minus closing the connection after each request (the test's transaction
    is rolled back at its end; the test client disconnects the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def stripe(settings):
    """A local Stripe (localstripe), so that donation intents reach the gateway as in production."""
    port = localstripe.free_port()
    process = localstripe.start(port)
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    settings.STRIPE_SECRET_KEY = "sk_test_causeweb_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_causeweb_localstripe"
    settings.STRIPE_TEST_MODE = True
    yield
    localstripe.stop(process)


def _known_rows(user):
    """Rows that exist, so that part of the examples reach past the 404. The campaign takes
    donations (it has a goal), so a schema-valid donation intent is created for real."""
    campaign = CampaignFactory(slug="clean-water", goal_minor=500_000)
    event = EventFactory(slug="rally", campaign=campaign)
    group = GroupFactory(name="Clean air", owner=user)
    notification = NotificationFactory(recipient=user)
    return {"slug": {"campaigns": campaign.slug, "events": event.slug, "groups": group.slug}, "id": notification.pk}


def _with_rules_the_schema_cannot_state(operation, strategy, known):
    """OpenAPI 3.0 cannot say "lat only with lng", nor which campaign slugs exist: the generator is
    told, and those rejections are tested on their own (tests/foundation/test_api_contract.py)."""
    if operation.label == "GET /api/v1/events/":
        return strategy.filter(lambda case: ("lat" in (case.query or {})) == ("lng" in (case.query or {})))
    if operation.label == "POST /api/v1/donations/":

        def known_campaign(case):
            if isinstance(case.body, dict):
                case.body["campaign"] = known["slug"]["campaigns"]
            return case

        return strategy.map(known_campaign)
    return strategy


def _fuzz(schema, headers, known):
    """Every operation; a list of failures (operation, case, message) rather than the first one."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_with_rules_the_schema_cannot_state(operation, operation.as_strategy(), known))
        def run(case):
            cache.clear()  # throttles and rate limits would otherwise answer 429 to later examples
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # collect all, report together
                failures.append((operation.label, str(exc)[:1500]))

        run()
    return failures


def _schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


def _report(failures):
    seen = {}
    for label, message in failures:
        seen.setdefault((label, message.splitlines()[0] if message else ""), message)
    return "\n\n".join(f"{label}\n{message}" for (label, _), message in seen.items())


def test_api_fuzz_anonymous(wsgi_app):
    user = UserFactory()
    known = _known_rows(user)
    failures = _fuzz(_schema(wsgi_app), headers={}, known=known)
    assert not failures, _report(failures)


def test_api_fuzz_with_a_token(wsgi_app, stripe):
    user = UserFactory()
    known = _known_rows(user)
    _, secret = api_token_create(user=user, name="Schemathesis", scope="write")  # a personal token, write scope
    failures = _fuzz(_schema(wsgi_app), headers={"Authorization": f"Bearer {secret}"}, known=known)
    assert not failures, _report(failures)

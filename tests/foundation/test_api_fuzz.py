"""Schemathesis against the live OpenAPI schema of /api/v1/, through the WSGI app (no network):
bounded examples per operation with a fixed seed, anonymously and with a personal API token, on
random ids and slugs (a few rows exist behind the list endpoints). Zero 5xx, zero responses that
differ from the schema, zero valid requests rejected."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
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
from fundraising import rules
from fundraising.services import funding_model
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


def _known_rows(user, *, card: str = ""):
    """Rows that exist, so that part of the examples reach past the 404. The campaign takes
    donations (it has a goal), so a schema-valid donation intent is created for real; the
    all-or-nothing one takes pledges."""
    campaign = CampaignFactory(slug="clean-water", goal_minor=500_000)
    all_or_nothing = CampaignFactory(slug="new-roof", goal_minor=500_000, deadline=timezone.now() + timedelta(days=30))
    funding_model.campaign_funding_model_set(
        campaign=all_or_nothing, actor=all_or_nothing.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    own = CampaignFactory(slug="our-campaign", organizer=user)
    event = EventFactory(slug="rally", campaign=campaign)
    group = GroupFactory(name="Clean air", owner=user)
    notification = NotificationFactory(recipient=user)
    return {
        "card": card,
        "slug": {"campaigns": campaign.slug, "events": event.slug, "groups": group.slug},
        "all_or_nothing": all_or_nothing.slug,
        "cause": campaign.cause.slug,
        "own_campaign": own.slug,
        "id": notification.pk,
    }


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), (20, 120, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


_A_PNG = _png()


def _a_card() -> str:
    """A card localstripe knows (what Stripe's SDK makes of it: card_...; localstripe charges one
    card again and again), for a donation's `payment_method_id`."""
    import requests
    from django.conf import settings as django_settings

    card = {"card[number]": "4242424242424242", "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123"}
    token = requests.post(
        f"{django_settings.STRIPE_API_BASE}/v1/tokens", data={**card, "key": "pk_test_causeweb_localstripe"}, timeout=5
    )
    return token.json()["card"]["id"]


def _rows_that_exist(case, known):
    """A body naming a row (a campaign, cause or group by slug) names one that exists."""
    if not isinstance(case.body, dict):
        return case
    if "campaign" in case.body and case.body["campaign"] is not None:
        pledges = case.operation.label == "POST /api/v1/pledges/"
        # A host puts an event under their own campaign (someone else's must be opened to hosts).
        hosting = case.operation.label.startswith(("POST /api/v1/me/events/", "PATCH /api/v1/me/events/"))
        if pledges:
            case.body["campaign"] = known["all_or_nothing"]
        elif hosting:
            case.body["campaign"] = known["own_campaign"]
        else:
            case.body["campaign"] = known["slug"]["campaigns"]
    if "cause" in case.body and case.body["cause"] is not None:
        case.body["cause"] = known["cause"]
    if "payment_method_id" in case.body and case.body["payment_method_id"] is not None:
        # A card Stripe's SDK made: a random one is a 400 (tested in tests/fundraising/test_api.py).
        if known["card"]:
            case.body["payment_method_id"] = known["card"]
        else:
            case.body.pop("payment_method_id")
    if "group" in case.body and case.body["group"] is not None:
        case.body["group"] = known["slug"]["groups"]
    return case


def _an_event_that_can_happen(case):
    """What the host form checks across fields and against the clock: it starts in the future and
    ends after it starts, deadlines come before the start, a place or a link, lat with lng, a
    minimum turnout with its commitment deadline and within the capacity."""
    body = case.body
    if not isinstance(body, dict):
        return case
    start = timezone.now() + timedelta(days=2)
    body["starts_at"], body["ends_at"] = start.isoformat(), (start + timedelta(hours=2)).isoformat()
    for deadline in ("rsvp_deadline", "commitment_deadline"):
        if body.get(deadline) is not None:
            body[deadline] = (start - timedelta(days=1)).isoformat()
    if body.get("turnout_minimum") is not None:
        body["commitment_deadline"] = (start - timedelta(days=1)).isoformat()
        if body.get("capacity") is not None:
            body["turnout_minimum"] = min(body["turnout_minimum"], body["capacity"])
    elif body.get("commitment_deadline") is not None:
        body.pop("commitment_deadline")
    if body.get("online_url") or body.get("kind") == "online":
        body["online_url"] = "https://meet.example.org/rally"
    if not body.get("online_url"):
        body["address"] = "1 Main Street"
    return _latitude_with_longitude(case)


def _latitude_with_longitude(case):
    """Coordinates come in pairs (a place), or not at all."""
    body = case.body
    if isinstance(body, dict) and (body.get("latitude") is None) != (body.get("longitude") is None):
        body.pop("latitude", None)
        body.pop("longitude", None)
    return case


def _with_rules_the_schema_cannot_state(operation, strategy, known):
    """OpenAPI 3.0 cannot say "lat only with lng", which slugs exist, or "in the future": the
    generator is told, and those rejections are tested on their own (test_api_contract.py and the
    apps' test_api*.py)."""
    if operation.label == "GET /api/v1/events/":
        return strategy.filter(lambda case: ("lat" in (case.query or {})) == ("lng" in (case.query or {})))
    if operation.method.upper() in ("POST", "PATCH"):
        strategy = strategy.map(lambda case: _rows_that_exist(case, known))
    if operation.label == "POST /api/v1/me/events/":
        strategy = strategy.map(_an_event_that_can_happen)
    if operation.label in ("POST /api/v1/me/groups/", "PATCH /api/v1/me/groups/{slug}/"):
        strategy = strategy.map(_latitude_with_longitude)
    if operation.label == "POST /api/v1/me/webhooks/":

        def own_campaign_and_a_url(case):
            if isinstance(case.body, dict):
                case.body["campaign"] = known["own_campaign"]
                case.body["url"] = f"http://127.0.0.1:9/hooks/{abs(hash(str(case.body))) % 10**6}"  # distinct
            return case

        strategy = strategy.map(own_campaign_and_a_url)
    if operation.label == "PUT /api/v1/me/campaigns/{slug}/cover/":

        def an_image(case):
            # "binary" in OpenAPI is any bytes; what Pillow reads is tested in tests/campaigns/test_api_cover.py.
            if isinstance(case.body, dict):
                case.body["cover"] = _A_PNG
            return case

        strategy = strategy.map(an_image)
    if operation.label == "POST /api/v1/me/campaigns/":

        def deadline_ahead(case):
            if isinstance(case.body, dict) and case.body.get("deadline") is not None:
                case.body["deadline"] = (timezone.now() + timedelta(days=30)).isoformat()
            return case

        strategy = strategy.map(deadline_ahead)
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
    known = _known_rows(user, card=_a_card())
    _, secret = api_token_create(user=user, name="Schemathesis", scope="write")  # a personal token, write scope
    failures = _fuzz(_schema(wsgi_app), headers={"Authorization": f"Bearer {secret}"}, known=known)
    assert not failures, _report(failures)

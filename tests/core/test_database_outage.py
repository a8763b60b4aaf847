"""Postgres down: people get a 503 page with Retry-After, the API a JSON 503, the Stripe webhook a
503 so Stripe retries; never a 500 (causeweb/core/outage.py, docs/reliability.md).

The outage is made the way Django meets it: opening a connection or running a query raises
`django.db.OperationalError` (what psycopg's "connection refused" becomes)."""

import contextlib
import json

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from tests.factories import UserFactory
from tests.fundraising.conftest import sign, stripe_event

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down(monkeypatch, error=OperationalError):
    def refuse(*args, **kwargs):
        raise error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
        patch.setattr(CursorWrapper, "execute", refuse)
        patch.setattr(CursorWrapper, "executemany", refuse)
        yield


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # as in production: the handler's answer, not the traceback
    return client


def _assert_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/campaigns/"])
def test_a_page_is_a_503_page_with_retry_after(client, monkeypatch, path):
    with database_down(monkeypatch):
        response = client.get(path)
    _assert_503(response)
    assert response["Content-Type"].startswith("text/html")
    assert b"briefly unavailable" in response.content


def test_the_503_page_reloads_itself_after_a_get_but_never_reposts(client, monkeypatch):
    with database_down(monkeypatch):
        got = client.get("/campaigns/")
        posted = client.post("/donate/any-campaign/start/", {"amount": "5"})
    assert b'<meta http-equiv="refresh" content="30">' in got.content
    _assert_503(posted)
    assert b"http-equiv" not in posted.content


def test_an_interface_error_is_a_503_too(client, monkeypatch):
    with database_down(monkeypatch, error=InterfaceError):
        response = client.get("/campaigns/")
    _assert_503(response)


def test_a_signed_in_visitor_whose_session_cannot_load_gets_the_503_page(client, monkeypatch):
    """The first query runs in a middleware (the session behind request.user), not in a view:
    Django's handler500 gets it, and answers 503 too."""
    client.force_login(UserFactory())
    with database_down(monkeypatch):
        response = client.get("/campaigns/")
    _assert_503(response)
    assert b"briefly unavailable" in response.content


def test_the_api_answers_a_json_503(client, monkeypatch):
    with database_down(monkeypatch):
        response = client.get("/api/v1/campaigns/")
    _assert_503(response)
    body = response.json()
    assert body["code"] == "database_unavailable" and body["errors"] == {}
    assert "unavailable" in body["detail"]


def test_a_json_caller_such_as_donate_js_gets_json(client, monkeypatch):
    with database_down(monkeypatch):
        response = client.get("/campaigns/", HTTP_ACCEPT="application/json")
    _assert_503(response)
    assert response.json()["code"] == "database_unavailable"


def test_the_stripe_webhook_answers_503_so_stripe_retries(client, monkeypatch, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    body = json.dumps(stripe_event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"}))
    with database_down(monkeypatch):
        response = client.post(
            "/stripe/webhook/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body, secret="whsec_test"),
        )
    _assert_503(response)
    assert response["Content-Type"].startswith("text/plain")


def test_the_503_page_renders_without_touching_the_database(monkeypatch):
    """Rendered on its own: no context processor, so nothing that would need the database."""
    from django.test import RequestFactory

    from causeweb.core import outage

    request = RequestFactory().get("/campaigns/")
    with database_down(monkeypatch):
        response = outage.database_unavailable_response(request, OperationalError("down"))
    _assert_503(response)
    assert b"<h1>Causeweb is briefly unavailable</h1>" in response.content


def test_recovery_is_automatic(client, monkeypatch):
    with database_down(monkeypatch):
        assert client.get("/campaigns/").status_code == 503
    assert client.get("/campaigns/").status_code == 200


def test_other_errors_are_still_a_500(client, monkeypatch):
    """Only the database being unreachable is a 503; a bug stays a 500 (and is reported)."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/campaigns/")
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_at_a_closed_port_is_a_503_and_recovers(client):
    """The real thing: the connection pointed at a port nothing listens on (psycopg's "connection
    refused"), then back at the database."""
    import time

    from django.db import connection

    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        started = time.monotonic()
        page = client.get("/campaigns/")
        api = client.get("/api/v1/campaigns/")
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
    _assert_503(page)
    assert b"briefly unavailable" in page.content
    _assert_503(api)
    assert api.json()["code"] == "database_unavailable"
    assert elapsed < 5  # refused at once, answered at once
    assert client.get("/campaigns/").status_code == 200  # recovery needs nothing

"""Request ids (X-Request-ID in and out, on every log line), JSON logs, and Sentry when SENTRY_DSN is set."""

import json
import logging

import pytest
import sentry_sdk
from django.http import HttpResponse

from causeweb.core import observability
from causeweb.core.request_id import JsonLogFormatter, RequestIdLogFilter, RequestIdMiddleware
from tests.foundation.test_settings import PRODUCTION, clean_environment

pytestmark = pytest.mark.django_db


def test_each_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="caddy-1234abcd")["X-Request-ID"] == "caddy-1234abcd"
    # Not a token (header injection, a 10 kB value): replaced, not echoed.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x y<script>" * 50)["X-Request-ID"]
    assert "<" not in forged and len(forged) == 32
    assert client.get("/no-such-page/")["X-Request-ID"]  # error pages too


def test_log_lines_of_a_request_carry_its_id(rf):
    logger = logging.getLogger("causeweb.test")
    records = []
    capture = logging.Handler(level=logging.INFO)
    capture.emit = records.append
    capture.addFilter(RequestIdLogFilter())
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("inside the request")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="req-abcdef12"))
        logger.info("outside")
    finally:
        logger.removeHandler(capture)
    assert response["X-Request-ID"] == "req-abcdef12"
    assert [(r.getMessage(), r.request_id) for r in records] == [
        ("inside the request", "req-abcdef12"),
        ("outside", "-"),
    ]


def test_json_log_lines_are_one_object_each():
    record = logging.LogRecord("causeweb.x", logging.WARNING, __file__, 1, "broker %s", ("down",), None)
    RequestIdLogFilter().filter(record)
    line = json.loads(JsonLogFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "broker down" and line["request_id"] == "-"
    assert line["time"].endswith("Z")


def test_sentry_is_initialised_with_the_dsn_and_without_personal_data(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    observability.init_sentry(dsn="https://key@o1.ingest.sentry.io/2", environment="production")
    assert calls[0]["dsn"] == "https://key@o1.ingest.sentry.io/2"
    assert calls[0]["send_default_pii"] is False
    assert {type(i).__name__ for i in calls[0]["integrations"]} >= {"DjangoIntegration", "CeleryIntegration"}


def test_settings_start_sentry_only_when_sentry_dsn_is_set():
    import subprocess
    import sys

    from django.conf import settings

    probe = (
        "import django, json, sentry_sdk; django.setup(); c = sentry_sdk.get_client();"
        "print(json.dumps([bool(c.is_active()), c.dsn, c.options.get('send_default_pii')]))"
    )

    def run(**env):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=settings.BASE_DIR,
            env=clean_environment(**env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    dsn = "https://key@o1.ingest.sentry.io/2"
    assert run(**PRODUCTION, SENTRY_DSN=dsn) == [True, dsn, False]
    assert run(**PRODUCTION)[0] is False

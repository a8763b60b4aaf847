"""The database is down: answer 503 with `Retry-After`, never a 500.

Postgres unreachable (restart, failover, network) surfaces as Django's `OperationalError` or
`InterfaceError` wherever the first query runs: a view, a middleware (sessions, auth), DRF. Every
path that can meet it ends here:

- `DatabaseUnavailableMiddleware` (first in `MIDDLEWARE`): `process_exception` for views (DRF's
  handler hands database errors back to Django for this) and a catch around the whole stack;
- `causeweb.core.views.server_error` (handler500) for what a middleware raised and Django already
  turned into a 500.

The answer depends on who asked: people get `503.html`, rendered without a request (no context
processor, so no query: the database is the thing that is down); `/api/` and JSON callers
(donate.js) get the API's error body; the Stripe webhook gets a bare 503 so Stripe retries the
event later (it retries any non-2xx for three days). Recovery needs nothing: the next request opens
a new connection (`CONN_HEALTH_CHECKS`)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from causeweb.core.api_errors import json_error

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# In the active language (LocaleMiddleware has run by the time a query can fail).
MESSAGE = _("The site is briefly unavailable; please try again in a minute.")


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or accept.startswith("application/json")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _is_webhook(request) -> bool:
    try:
        return request.path == reverse("stripe_webhook")
    except NoReverseMatch:
        return False


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    logger.error("database unavailable, answering 503: %s %s: %r", request.method, request.path, exc)
    if _is_webhook(request):
        response = HttpResponse("database unavailable; retry later", status=503, content_type="text/plain")
    elif _wants_json(request):
        response = json_error(503, MESSAGE, code="database_unavailable")
    else:
        # No request passed: no context processor runs, so nothing here touches the database. A
        # page asked for with GET reloads itself when the wait is over (a POST is never re-sent).
        context = {"retry_seconds": RETRY_AFTER_SECONDS if request.method == "GET" else None}
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Outermost middleware: a database outage is a 503 with `Retry-After`, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as exc:
            return database_unavailable_response(request, exc)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return database_unavailable_response(request, exception)
        return None

"""Request body limits: an oversized body is a 413 with a clear message, never a 500 or a bare 400.

Two limits, checked from `Content-Length` before anything reads the body (so a 60 MB upload is not
read whole to be refused):

- uploads (`multipart/form-data`): `UPLOAD_MAX_BODY_SIZE`, 12 MB by default: a cover image is at
  most 5 MB (`FILE_UPLOAD_MAX_MEMORY_SIZE`, checked by the forms), with room for the other fields;
- every other body (forms, JSON to the API, webhooks): `DATA_UPLOAD_MAX_MEMORY_SIZE`, 10 MB.

The proxy (deploy/Caddyfile, `request_body max_size 12MB`) refuses bigger bodies before they reach
us; these limits hold without it (a body without `Content-Length` is not read under WSGI). Django's
own check while parsing (`RequestDataTooBig`: a multipart body whose non-file fields pass 10 MB) is
a 400 by default; `bad_request` (handler400) answers it with the same 413.

People get `413.html`; `/api/` and JSON callers get the API's error body with
`code: "request_too_large"` (also from the API's exception handler, for a body DRF parses inside
a view). Tests: tests/foundation/test_body_limits.py.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views.defaults import bad_request as default_bad_request

from causeweb.core.api_errors import json_error
from causeweb.core.request_limits import body_limit, too_large_message

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("Accept", "").startswith("application/json")
        or request.META.get("CONTENT_TYPE", "").startswith("application/json")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def too_large_response(request, limit: int | None) -> HttpResponse:
    # Answered before LocaleMiddleware: the language from the browser's Accept-Language.
    with translation.override(translation.get_language_from_request(request)):
        message = too_large_message(request, limit)
        if _wants_json(request):
            response = json_error(413, message, code="request_too_large")
        else:
            # Rendered without the request: no context processor, no session, no query.
            response = HttpResponse(loader.get_template("413.html").render({"message": message}), status=413)
    response["Cache-Control"] = "no-store"
    logger.warning(
        "request body too large: %s %s (%s bytes, limit %s)",
        request.method,
        request.path,
        request.META.get("CONTENT_LENGTH"),
        limit,
    )
    return response


class RequestBodyLimitMiddleware:
    """Near the top of MIDDLEWARE: refuse a body over its limit from `Content-Length` alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request)
        if limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads a malformed length as no body
            if length > limit:
                return too_large_response(request, limit)
        return self.get_response(request)


def bad_request(request, exception):
    """handler400: Django's RequestDataTooBig (found while parsing) is a 413 like the above."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request, body_limit(request))
    return default_bad_request(request, exception)

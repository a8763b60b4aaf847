"""One error body for every /api/ answer that is not a success:

    {"detail": "One sentence for people.", "errors": {"field": ["..."]}, "code": "stable_code"}

`errors` is always there (empty when no field is to blame; "non_field_errors" for the request as a
whole). The DRF exception handler maps DRF's exceptions and the domain errors of services
(causeweb.core.exceptions) onto it: 400 / 401 / 403 / 404 / 405 / 409 / 415 / 429; anything else
is logged and answered as a JSON 500. `json_error` gives the same body to the resolver's 404 and
the server-error handler under /api/ (causeweb.core.views), and to a payment outage (502)."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from causeweb.core.exceptions import Conflict, RateLimited
from causeweb.core.request_limits import body_limit, too_large_message

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"

_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(detail: str, *, code: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "errors": errors or {}, "code": code}


def json_error(status_code: int, detail: str, *, code: str, errors: dict | None = None) -> JsonResponse:
    """The error body as a plain Django response, for code outside DRF's views."""
    return JsonResponse(error_body(detail, code=code, errors=errors), status=status_code)


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, inner in value.items() for message in _flatten(inner)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _flatten(item)]
    return [str(value)]


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's ValidationError detail (a dict, a list, nested for many=True) as field -> messages."""
    if isinstance(detail, dict):
        return {str(field): _flatten(messages) for field, messages in detail.items()}
    return {NON_FIELD: _flatten(detail)}


def _validation_response(errors: dict[str, list[str]]) -> Response:
    if set(errors) == {NON_FIELD} and errors[NON_FIELD]:
        detail = errors[NON_FIELD][0]
    else:
        detail = _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(sorted(errors))}
    return Response(error_body(detail, code="invalid", errors=errors), status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    set_rollback()  # like DRF's handler: an error undoes the request's atomic block
    if isinstance(exc, OperationalError | InterfaceError):
        # Postgres is down: handed back to Django (returning None re-raises), where
        # causeweb.core.outage answers 503 + Retry-After for every kind of request.
        return None
    if isinstance(exc, RequestDataTooBig):
        # Django's limit met while DRF parsed the body (a multipart body's fields over 10 MB).
        request = context["request"]._request
        detail = too_large_message(request, body_limit(request))
        return Response(error_body(detail, code="request_too_large"), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        else:
            errors = {NON_FIELD: [str(m) for m in exc.messages]}
        return _validation_response(errors)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(_field_errors(exc.detail))
    if isinstance(exc, RateLimited):
        response = Response(error_body(exc.message, code="rate_limited"), status=status.HTTP_429_TOO_MANY_REQUESTS)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Conflict):
        return Response(error_body(exc.message, code=exc.code or "conflict"), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.APIException):
        code = next((code for cls, code in _CODES.items() if isinstance(exc, cls)), None)
        detail = exc.detail
        if isinstance(detail, dict | list):
            detail = "; ".join(_flatten(detail))
        response = Response(
            error_body(detail, code=code or getattr(exc.detail, "code", None) or exc.default_code),
            status=exc.status_code,
        )
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(int(exc.wait))
        return response
    # Not a client's error: logged with the traceback, answered in the same JSON shape.
    logger.exception("Unhandled API error", exc_info=exc)
    return Response(
        error_body(_("Something went wrong on our side; please try again."), code="server_error"),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )

"""The small set of domain errors services raise. Views turn them into form errors or messages,
the API into 4xx responses (see causeweb.core.api_errors); a 500 is always a bug.

Services use Django's own `ValidationError` (bad input, optionally per field) and `PermissionDenied`
(who may do it); `Conflict` says "this is already done" (a second signature, a duplicate RSVP).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

__all__ = ["DOMAIN_ERRORS", "Conflict", "PermissionDenied", "RateLimited", "ValidationError", "error_messages"]


class Conflict(Exception):
    """The action was already taken (or contradicts the current state); nothing changed."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


# What a service may raise for a person's mistake or a rule they hit: views and the API turn these
# into messages and 4xx answers (causeweb.core.boundary, causeweb.core.api_errors).
DOMAIN_ERRORS: tuple[type[Exception], ...] = (ValidationError, PermissionDenied, Conflict)


def error_messages(exc: Exception) -> list[str]:
    """Human-readable messages of a domain error, flattened."""
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    message = getattr(exc, "message", None) or str(exc)
    return [message or _("You are not allowed to do that.")]


class RateLimited(PermissionDenied):
    """Too many of this action for now (see causeweb.core.ratelimits). A PermissionDenied, so every
    view that already turns a service's refusal into a form error or message handles it too; the
    API answers 429 and an uncaught one renders the 429 page (never a 500)."""

    def __init__(self, message: str, *, limit: str, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.retry_after = retry_after

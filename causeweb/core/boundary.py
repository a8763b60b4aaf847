"""Where a view or an admin action calls a service: domain errors become form errors or flash
messages, once, here, instead of a try/except in every view.

    with form_errors(form) as call:
        campaign = services.campaign_create(organizer=request.user, **form.service_kwargs())
    if call.ok:
        return redirect(campaign)

    with flash_errors(request, success="Submitted."):
        services.campaign_submit_for_review(campaign=campaign, actor=request.user)
    return redirect(...)

Only the domain errors (`DOMAIN_ERRORS`, plus any `also=` a caller names, such as a payment
gateway's error) are caught; anything else is a bug and propagates to a 500 and the error log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django import forms
from django.contrib import messages

from causeweb.core.exceptions import DOMAIN_ERRORS, error_messages
from causeweb.core.forms import add_service_error


@dataclass
class ServiceCall:
    """What a guarded service call came to: `ok`, or the domain `error` it raised."""

    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Guard(ABC):
    def __init__(self, *, also: tuple[type[Exception], ...] = ()):
        self.catch = DOMAIN_ERRORS + tuple(also)
        self.call = ServiceCall()

    def __enter__(self) -> ServiceCall:
        return self.call

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            self.on_success()
            return False
        if not isinstance(exc, self.catch):
            return False
        self.call.error = exc
        self.on_error(exc)
        return True

    def on_success(self) -> None:  # noqa: B027 - optional: most guards have nothing to say on success
        return None

    @abstractmethod
    def on_error(self, exc: Exception) -> None:
        """What the caller sees of a domain error (a form error, a flash message)."""


class form_errors(_Guard):  # noqa: N801 - used as a context manager, reads as a phrase
    """Attach a service's domain error to `form` (per field where the service named the field)."""

    def __init__(self, form: forms.Form, **kwargs):
        super().__init__(**kwargs)
        self.form = form

    def on_error(self, exc: Exception) -> None:
        add_service_error(self.form, exc)


class flash_errors(_Guard):  # noqa: N801 - used as a context manager, reads as a phrase
    """Show a service's domain error as a flash message (for buttons and admin actions); show
    `success` when the call went through. `prefix` names the object in bulk actions."""

    def __init__(
        self,
        request,
        *,
        success: str | None = None,
        prefix: str | None = None,
        level: int = messages.ERROR,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.request = request
        self.success = success
        self.prefix = prefix
        self.level = level

    def on_success(self) -> None:
        if self.success:
            messages.success(self.request, self.success)

    def on_error(self, exc: Exception) -> None:
        texts = error_messages(exc)
        if self.prefix:
            texts = [f"{self.prefix}: {' '.join(texts)}"]
        for text in texts:
            messages.add_message(self.request, self.level, text)

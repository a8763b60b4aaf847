"""Helpers that let thin views hand a service's domain error back to the form that caused it."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError, error_messages


def add_service_error(form: forms.Form, exc: Exception) -> None:
    """Attach a service's error to the form: per-field where the service named the field."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc)
    elif isinstance(exc, Conflict):
        form.add_error(None, exc.message)
    elif isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("You are not allowed to do that."))
    else:
        raise exc


def message_service_error(request, exc: Exception) -> None:
    """For actions without a form (buttons): show the service's error as a flash message."""
    for text in error_messages(exc):
        messages.error(request, text)

"""The request body limits and their message (the middleware and the 413 responses:
causeweb/core/body_limits.py). Kept apart so the API's exception handler can use them too."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext


def is_upload(request) -> bool:
    return request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")


def body_limit(request) -> int | None:
    """The largest body this request may send, in bytes (None: no limit)."""
    return settings.UPLOAD_MAX_BODY_SIZE if is_upload(request) else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(request, limit: int | None) -> str:
    if is_upload(request):
        message = gettext("This upload is too large: files and form together can be at most %(size)s.")
    else:
        message = gettext("This request is too large: it can be at most %(size)s.")
    return message % {"size": filesizeformat(limit or 0)}

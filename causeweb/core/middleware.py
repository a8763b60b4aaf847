import zoneinfo

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from causeweb.core.api_errors import json_error


class UserTimezoneMiddleware:
    """Show times in the viewer's zone: the signed-in user's setting, else the `tz` cookie that
    static/js/site.js sets from the browser, else UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = getattr(getattr(request, "user", None), "timezone", "") or request.COOKIES.get("tz", "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person's saved language (`User.language`, chosen in the header's switcher or on
    the profile) wins over the language cookie and the browser's Accept-Language, which
    LocaleMiddleware has already read: the choice follows them to a new browser or device.
    Blank = keep what LocaleMiddleware chose. Sits after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(getattr(request, "user", None), "language", "")
        current = getattr(request, "LANGUAGE_CODE", None)
        if language and language != current and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class NulCharacterMiddleware:
    """A NUL character in the path or the query string never reaches a view: PostgreSQL refuses it
    in any text value, so a slug or filter carrying one was a 500 ("A string literal cannot
    contain NUL"). In the path nothing can match (404); in the query it is a 400, JSON under
    /api/ with the parameter named (found by Schemathesis against PostgreSQL, docs/api.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404  # handler404: JSON under /api/, the page elsewhere
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            names = sorted({key for key, values in request.GET.lists() if "\x00" in key + "".join(values)})
            if names:
                message = gettext("Null characters are not allowed.")
                if request.path.startswith("/api/"):
                    return json_error(
                        400,
                        gettext("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(names)},
                        code="invalid",
                        errors={name.replace("\x00", "\\u0000"): [message] for name in names},
                    )
                raise BadRequest(message)
        return self.get_response(request)

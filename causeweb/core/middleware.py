import zoneinfo

from django.utils import timezone, translation


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

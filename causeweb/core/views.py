import logging
import sys

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found as default_page_not_found
from django.views.defaults import server_error as default_server_error

from causeweb.core import outage, page_cache
from causeweb.core.api_errors import json_error
from causeweb.core.hooks import home_page_sections

logger = logging.getLogger(__name__)


@require_safe
@page_cache.cached_page
def home(request):
    # Each app's section shows its list's figures (causeweb/core/page_cache.py).
    page_cache.depends_on("campaigns", "events", "groups")
    return render(request, "home.html", {"sections": home_page_sections.sections(request=request)})


@never_cache
@require_safe
def healthz(request):
    """The process is up and serving; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("readiness: database unreachable")
        return False


def _cache_ready() -> bool:
    from django.conf import settings

    if not settings.REDIS_URL:
        return True
    try:
        cache.set("readyz", "1", timeout=5)
        return cache.get("readyz") == "1"
    except Exception:
        logger.exception("readiness: redis unreachable")
        return False


@never_cache
@require_safe
def readyz(request):
    """Ready to take traffic: the database and, where configured, Redis answer."""
    checks = {"database": _database_ready(), "redis": _cache_ready()}
    ready = all(checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def page_not_found(request, exception):
    """404 for every URL the resolver does not know. Under /api/ a program gets the API's one error
    body (a malformed id such as `1.5` never reaches a viewset); people get the page."""
    if request.path.startswith("/api/"):
        return json_error(404, _("Not found."), code="not_found")
    return default_page_not_found(request, exception)


def server_error(request):
    """500 outside DRF's handler (middleware, the resolver): JSON under /api/, the page elsewhere.
    A database outage that a middleware met (sessions, auth) is a 503 instead (outage.py)."""
    exc = sys.exc_info()[1]  # Django calls handler500 while handling the exception
    if outage.is_database_outage(exc):
        return outage.database_unavailable_response(request, exc)
    if request.path.startswith("/api/"):
        return json_error(500, _("Something went wrong on our side; please try again."), code="server_error")
    return default_server_error(request)

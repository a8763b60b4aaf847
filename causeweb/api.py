"""/api/v1/: one router; each app adds its viewsets in its own api.py `register(router)`."""

from importlib import import_module

from django.conf import settings
from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
extra_urlpatterns = []


def _register_app_apis() -> None:
    for local_app in settings.LOCAL_APPS:
        try:
            module = import_module(f"{local_app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{local_app}.api":
                raise
            continue
        module.register(router)
        extra_urlpatterns.extend(getattr(module, "urlpatterns", []))


_register_app_apis()

urlpatterns = [*extra_urlpatterns, path("", include(router.urls))]

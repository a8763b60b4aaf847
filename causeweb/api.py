"""/api/v1/: one router; each app adds its viewsets in its own api.py `register(router)`, and in
`api_<concept>.py` modules beside it (api_organizer.py, ...) once api.py grows past one concept."""

import pkgutil
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
        package = import_module(local_app)
        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("api_"))
        modules = [module, *(import_module(f"{local_app}.{name}") for name in names)]
        for each in modules:
            each.register(router)
            extra_urlpatterns.extend(getattr(each, "urlpatterns", []))


_register_app_apis()

urlpatterns = [*extra_urlpatterns, path("", include(router.urls))]

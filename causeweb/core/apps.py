from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "causeweb.core"
    label = "core"
    verbose_name = "Platform core"

    def ready(self):
        from causeweb.core import (
            checks,  # noqa: F401 - registers the deploy checks
            converters,  # noqa: F401 - registers the <id:...> URL converter
        )

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "causeweb.core"
    label = "core"
    verbose_name = "Platform core"

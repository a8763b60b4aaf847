from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "causeweb.moderation"
    label = "moderation"
    verbose_name = "Moderation"

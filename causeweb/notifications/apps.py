from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "causeweb.notifications"
    label = "notifications"
    verbose_name = "Notifications"

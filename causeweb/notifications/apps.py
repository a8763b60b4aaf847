from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "causeweb.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from causeweb.core.hooks import admin_attention
        from causeweb.notifications import integrations

        admin_attention.register("notifications-failed", integrations.admin_attention, order=40)

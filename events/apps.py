from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Event mobilization"

    def ready(self):
        from causeweb.moderation.registry import register_flaggable
        from events import selectors

        register_flaggable("events.event", can_view=selectors.event_visible_to)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event mobilization")

    def ready(self):
        from campaigns.hooks import (
            campaign_message_segments,
            campaign_page_sections,
            campaign_update_audiences,
            share_link_targets,
        )
        from causeweb.core.hooks import home_page_sections, my_activity_sections
        from causeweb.moderation.registry import register_moderatable
        from communities.hooks import group_page_sections
        from events import integrations, page_scopes, policies
        from events.services import moderation

        home_page_sections.register("events", integrations.home_section, order=20)
        my_activity_sections.register("events", integrations.my_activity_section, order=20)
        page_scopes.watch_pages()  # the page cache's invalidation (causeweb/core/page_cache.py)
        campaign_page_sections.register("events", integrations.campaign_events_section, order=20)
        group_page_sections.register("events", integrations.group_events_section, order=10)
        register_moderatable(
            "events.event",
            can_view=policies.can_view_event,
            hide=moderation.event_hide_by_site_moderator,
            restore=moderation.event_restore_by_site_moderator,
            author=moderation.event_author,
            authored_by=moderation.events_visible_by_host,
        )
        share_link_targets.register("events", integrations.share_link_target)
        campaign_update_audiences.register("events", integrations.campaign_update_audience)
        campaign_message_segments.register("events", integrations.campaign_message_segments, order=20)

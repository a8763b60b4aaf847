from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Awareness campaigns")

    def ready(self):
        from campaigns import integrations, page_scopes, policies
        from campaigns.services import moderation
        from causeweb.core.hooks import (
            admin_attention,
            home_page_sections,
            my_activity_sections,
            public_profile_sections,
        )
        from causeweb.moderation.registry import register_moderatable

        home_page_sections.register("campaigns", integrations.home_section, order=10)
        my_activity_sections.register("campaigns", integrations.my_activity_section, order=10)
        public_profile_sections.register("campaigns", integrations.public_profile_section, order=10)
        admin_attention.register("campaigns-review", integrations.admin_attention, order=20)
        page_scopes.watch_pages()  # the page cache's invalidation (causeweb/core/page_cache.py)

        # One registration per content type: who can see it (so who can flag it), and how site
        # moderators hide and restore it when they uphold a flag.
        register_moderatable(
            "campaigns.comment",
            can_view=policies.can_view_comment,
            hide=moderation.comment_hide_by_site_moderator,
            restore=moderation.comment_restore_by_site_moderator,
            author=moderation.comment_author,
            authored_by=moderation.comments_visible_by_author,
        )
        register_moderatable(
            "campaigns.campaignupdate",
            can_view=policies.can_view_update,
            hide=moderation.update_hide_by_site_moderator,
            restore=moderation.update_restore_by_site_moderator,
            author=moderation.update_author,
            authored_by=moderation.updates_visible_by_author,
        )
        register_moderatable(
            "campaigns.campaign",
            can_view=policies.can_view_campaign,
            hide=moderation.campaign_hide_by_site_moderator,
            restore=moderation.campaign_restore_by_site_moderator,
            author=moderation.campaign_author,
            authored_by=moderation.campaigns_public_by_organizer,
        )

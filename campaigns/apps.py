from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness campaigns"

    def ready(self):
        from campaigns import integrations, policies
        from campaigns.services import moderation
        from causeweb.core.hooks import home_page_sections
        from causeweb.moderation.registry import register_flaggable, register_moderatable

        register_flaggable("campaigns.campaign", can_view=policies.can_view_campaign)
        register_flaggable("campaigns.comment", can_view=policies.can_view_comment)

        home_page_sections.register("campaigns", integrations.home_section, order=10)

        register_moderatable(
            "campaigns.comment",
            hide=moderation.comment_hide_by_site_moderator,
            restore=moderation.comment_restore_by_site_moderator,
        )
        register_moderatable(
            "campaigns.campaign",
            hide=moderation.campaign_hide_by_site_moderator,
            restore=moderation.campaign_restore_by_site_moderator,
        )

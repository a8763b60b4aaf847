from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness campaigns"

    def ready(self):
        from campaigns import integrations, policies, services
        from causeweb.core.hooks import home_page_sections
        from causeweb.moderation.registry import register_flaggable, register_moderatable

        register_flaggable("campaigns.campaign", can_view=policies.can_view_campaign)
        register_flaggable("campaigns.comment", can_view=policies.can_view_comment)

        home_page_sections.register("campaigns", integrations.home_section, order=10)

        register_moderatable(
            "campaigns.comment",
            hide=services.comment_hide_by_site_moderator,
            restore=services.comment_restore_by_site_moderator,
        )
        register_moderatable(
            "campaigns.campaign",
            hide=services.campaign_hide_by_site_moderator,
            restore=services.campaign_restore_by_site_moderator,
        )

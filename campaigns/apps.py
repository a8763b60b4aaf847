from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness campaigns"

    def ready(self):
        from campaigns import integrations, policies, services
        from causeweb.core.hooks import home_page_sections
        from causeweb.moderation.registry import register_moderatable

        home_page_sections.register("campaigns", integrations.home_section, order=10)

        # One registration per content type: who can see it (so who can flag it), and how site
        # moderators hide and restore it when they uphold a flag.
        register_moderatable(
            "campaigns.comment",
            can_view=policies.can_view_comment,
            hide=services.comment_hide_by_site_moderator,
            restore=services.comment_restore_by_site_moderator,
        )
        register_moderatable(
            "campaigns.campaign",
            can_view=policies.can_view_campaign,
            hide=services.campaign_hide_by_site_moderator,
            restore=services.campaign_restore_by_site_moderator,
        )

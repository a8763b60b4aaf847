from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness campaigns"

    def ready(self):
        from campaigns import services
        from causeweb.moderation.registry import register_moderatable

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

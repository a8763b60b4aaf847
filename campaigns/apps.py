from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness campaigns"

    def ready(self):
        from campaigns import integrations, policies
        from campaigns.services import moderation
        from causeweb.core.hooks import home_page_sections
        from causeweb.moderation.registry import register_moderatable

        home_page_sections.register("campaigns", integrations.home_section, order=10)

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
            "campaigns.campaign",
            can_view=policies.can_view_campaign,
            hide=moderation.campaign_hide_by_site_moderator,
            restore=moderation.campaign_restore_by_site_moderator,
            author=moderation.campaign_author,
            authored_by=moderation.campaigns_public_by_organizer,
        )

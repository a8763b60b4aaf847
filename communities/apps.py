from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Community groups"

    def ready(self):
        from causeweb.moderation.registry import register_moderatable
        from communities import services

        # Site moderators upholding a flag on a group post hide it the same way group moderators do.
        register_moderatable(
            "communities.post",
            hide=services.post_hide_by_site_moderator,
            restore=services.post_restore_by_site_moderator,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Community groups")

    def ready(self):
        from campaigns.hooks import campaign_page_sections, share_link_targets
        from causeweb.core.hooks import home_page_sections, my_activity_sections, public_profile_sections
        from causeweb.moderation.registry import register_moderatable
        from communities import integrations, page_scopes, selectors
        from communities.services import site_moderation

        home_page_sections.register("communities", integrations.home_section, order=30)
        my_activity_sections.register("communities", integrations.my_activity_section, order=30)
        public_profile_sections.register("communities", integrations.public_profile_section, order=30)
        page_scopes.watch_pages()  # the page cache's invalidation (causeweb/core/page_cache.py)
        campaign_page_sections.register("groups", integrations.campaign_groups_section, order=30)
        # Site moderators upholding a flag hide a group, thread or post; threads and posts the same
        # way group moderators do.
        register_moderatable(
            "communities.group",
            can_view=selectors.group_visible_to,
            hide=site_moderation.group_hide_by_site_moderator,
            restore=site_moderation.group_restore_by_site_moderator,
            author=site_moderation.group_author,
            authored_by=site_moderation.groups_visible_by_creator,
        )
        register_moderatable(
            "communities.thread",
            can_view=selectors.thread_visible_to,
            hide=site_moderation.thread_hide_by_site_moderator,
            restore=site_moderation.thread_restore_by_site_moderator,
            author=site_moderation.thread_author,
            authored_by=site_moderation.threads_visible_by_author,
            related=("group",),  # its page link
        )
        share_link_targets.register("communities", integrations.share_link_target)
        register_moderatable(
            "communities.post",
            can_view=selectors.post_visible_to,
            hide=site_moderation.post_hide_by_site_moderator,
            restore=site_moderation.post_restore_by_site_moderator,
            author=site_moderation.post_author,
            authored_by=site_moderation.posts_visible_by_author,
            related=("thread__group",),  # its page link
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Organizer insights")

    def ready(self):
        from campaigns.hooks import campaign_page_sections
        from insights import integrations

        # Last on the page: the page-view beacon, an <img> that costs the page render nothing.
        campaign_page_sections.register("insights", integrations.page_view_beacon_section, order=90)
        campaign_page_sections.register("insights-link", integrations.dashboard_link_section, order=5)

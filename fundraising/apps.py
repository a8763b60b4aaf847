from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Crowdfunding"

    def ready(self):
        from campaigns.hooks import (
            campaign_currency_locks,
            campaign_embed_sections,
            campaign_message_segments,
            campaign_page_sections,
            campaign_update_audiences,
        )
        from fundraising import integrations

        campaign_page_sections.register("funding", integrations.campaign_funding_section, order=10)
        campaign_embed_sections.register("funding", integrations.campaign_embed_funding_section, order=10)
        campaign_currency_locks.register("donations", integrations.campaign_currency_locked)
        campaign_message_segments.register("donors", integrations.campaign_message_segments, order=10)
        campaign_update_audiences.register("fundraising", integrations.campaign_update_audience)

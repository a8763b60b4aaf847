from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Crowdfunding"

    def ready(self):
        from campaigns.hooks import (
            campaign_currency_locks,
            campaign_embed_sections,
            campaign_form_sections,
            campaign_message_segments,
            campaign_page_sections,
            campaign_update_audiences,
        )
        from causeweb.core.hooks import admin_attention, my_activity_sections
        from fundraising import integrations, monthly_selectors, page_scopes, pledge_selectors, selectors

        campaign_page_sections.register("funding", integrations.campaign_funding_section, order=10)
        my_activity_sections.register("giving", integrations.my_activity_section, order=40)
        page_scopes.watch_pages()  # the page cache's invalidation (causeweb/core/page_cache.py)
        campaign_embed_sections.register("funding", integrations.campaign_embed_funding_section, order=10)
        campaign_currency_locks.register("donations", integrations.campaign_currency_locked)
        campaign_form_sections.register("funding_model", integrations.campaign_form_funding_section, order=10)
        if pledge_selectors.pledge_giving_section not in selectors.MY_GIVING_SECTIONS:
            selectors.MY_GIVING_SECTIONS.append(pledge_selectors.pledge_giving_section)
        if monthly_selectors.monthly_giving_section not in selectors.MY_GIVING_SECTIONS:
            selectors.MY_GIVING_SECTIONS.append(monthly_selectors.monthly_giving_section)
        admin_attention.register("fundraising", integrations.admin_attention, order=30)
        campaign_message_segments.register("donors", integrations.campaign_message_segments, order=10)
        campaign_update_audiences.register("fundraising", integrations.campaign_update_audience)

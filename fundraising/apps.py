from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Crowdfunding"

    def ready(self):
        from campaigns.hooks import campaign_currency_locks, campaign_embed_sections, campaign_page_sections
        from fundraising import integrations, page_scopes

        campaign_page_sections.register("funding", integrations.campaign_funding_section, order=10)
        page_scopes.watch_pages()  # the page cache's invalidation (causeweb/core/page_cache.py)
        campaign_embed_sections.register("funding", integrations.campaign_embed_funding_section, order=10)
        campaign_currency_locks.register("donations", integrations.campaign_currency_locked)

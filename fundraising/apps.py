from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Crowdfunding"

    def ready(self):
        from campaigns.hooks import campaign_currency_locks, campaign_embed_sections, campaign_page_sections
        from fundraising import integrations, monthly_selectors, selectors

        campaign_page_sections.register("funding", integrations.campaign_funding_section, order=10)
        campaign_embed_sections.register("funding", integrations.campaign_embed_funding_section, order=10)
        campaign_currency_locks.register("donations", integrations.campaign_currency_locked)
        if monthly_selectors.monthly_giving_section not in selectors.MY_GIVING_SECTIONS:
            selectors.MY_GIVING_SECTIONS.append(monthly_selectors.monthly_giving_section)

"""What campaigns lets higher apps plug into (see causeweb.core.hooks and docs/architecture.md).

- `campaign_page_sections`: providers `(campaign, viewer) -> PageSection | None`; slot "aside" (the
  column with signing and sharing) or "main" (below the story). Fundraising adds the funding panel,
  events the upcoming events, communities the groups behind the campaign.
- `campaign_embed_sections`: providers `(campaign, absolute_url) -> PageSection | None` for the
  embeddable widget (`absolute_url(path)` makes a full address, the widget lives on other sites).
  Fundraising adds raised/goal and a Donate button.
- `campaign_currency_locks`: providers `(campaign_id) -> bool`; the currency cannot change once any
  says True (fundraising: the campaign has donations in that currency).
"""

from causeweb.core.hooks import Hook

campaign_page_sections = Hook("campaign page sections")
campaign_currency_locks = Hook("campaign currency locks")
campaign_embed_sections = Hook("campaign embed sections")

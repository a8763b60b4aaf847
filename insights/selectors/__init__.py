"""Insights' reads: every figure of the dashboard (docs/insights.md). Split by concept:
- activity: per-day series of one campaign (or all), totals and the funnel
- attribution: share-link generations, credit per sharer and generation, top advocates
- dashboard: the campaign dashboard's figures together
- site: staff's site-wide totals and the fastest-growing campaigns
"""

from insights.selectors.activity import (  # noqa: F401 - the package's public reads
    DateRange,
    campaign_activity,
    campaign_funnel,
)
from insights.selectors.attribution import (  # noqa: F401, I001
    MAX_GENERATIONS,
    campaign_attribution,
    share_link_ancestry,
    top_advocates,
)
from insights.selectors.dashboard import campaign_dashboard, campaign_for_insights, dashboard_scopes  # noqa: F401
from insights.selectors.site import fastest_growing_campaigns, site_totals  # noqa: F401

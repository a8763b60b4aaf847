"""Insights' only write: the daily page-view counter."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from campaigns.services.sharing import is_link_preview_bot
from insights.models import CampaignDailyViews


def page_view_record(*, campaign_id: int, user_agent: str, day: date | None = None) -> bool:
    """Count one view of a campaign's page today; link-preview bots and crawlers (the share code's
    detection) are not counted. One UPDATE in the common case; the day's first view inserts the
    row (a concurrent first insert falls back to the UPDATE). Returns True when counted."""
    if is_link_preview_bot(user_agent):
        return False
    day = day or timezone.localdate()
    rows = CampaignDailyViews.objects.filter(campaign_id=campaign_id, day=day)
    if rows.update(views=F("views") + 1):
        return True
    try:
        with transaction.atomic():
            CampaignDailyViews.objects.create(campaign_id=campaign_id, day=day, views=1)
    except IntegrityError:  # another request inserted the day's row first
        rows.update(views=F("views") + 1)
    return True

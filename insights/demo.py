"""Demo data for the dashboard (run by seed_demo after the lower apps): daily page views of every
public campaign over the last five weeks, a two-generation share chain, and some signatures that
came through it. Idempotent."""

import random
from datetime import timedelta

from django.utils import timezone

from campaigns.models import Campaign, ShareLink, Signature
from insights.models import CampaignDailyViews


def seed(stdout):
    today = timezone.localdate()
    campaigns = Campaign.objects.filter(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED]).order_by("pk")
    for campaign in campaigns:
        rng = random.Random(campaign.pk)
        base = rng.randint(20, 120)
        for back in range(35):
            day = today - timedelta(days=back)
            # A launch bump a few weeks ago, a weekly rhythm, some noise.
            views = int(base * (1 + 2.5 * (back in range(18, 22))) * (0.6 if day.weekday() >= 5 else 1))
            views += rng.randint(0, base // 2)
            CampaignDailyViews.objects.update_or_create(campaign=campaign, day=day, defaults={"views": views})
        links = list(ShareLink.objects.filter(campaign=campaign, created_by__isnull=False).order_by("pk")[:2])
        if len(links) < 2:
            continue
        first, second = links
        if second.parent_id is None:
            ShareLink.objects.filter(pk=second.pk).update(parent=first)
        type(first.created_by).objects.filter(pk=first.created_by_id).update(show_as_advocate=True)
        unattributed = Signature.objects.filter(campaign=campaign, share_link__isnull=True).order_by("pk")
        direct = list(unattributed.values_list("pk", flat=True)[:6])
        Signature.objects.filter(pk__in=direct).update(share_link=first)
        through = list(unattributed.values_list("pk", flat=True)[:9])
        Signature.objects.filter(pk__in=through).update(share_link=second)
    stdout.write(f"Insights: page views for {campaigns.count()} campaigns.")

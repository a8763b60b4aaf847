from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignDailyViews(models.Model):
    """How many times a campaign's page was viewed on one day (server-side, bots excluded): one
    row per campaign and day, upserted with F() by the page-view beacon."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = _("campaign daily views")
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="campaigndailyviews_one_per_day")]

    def __str__(self):
        return f"{self.campaign_id} on {self.day}: {self.views}"

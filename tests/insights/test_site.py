"""Staff's site-wide insights."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import CampaignDailyViews
from insights.selectors import DateRange, fastest_growing_campaigns, site_totals
from tests.campaigns.factories import DraftCampaignFactory, SignatureFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def _seed():
    now = timezone.now()
    steady, rising, draft = CampaignFactory(title="Steady"), CampaignFactory(title="Rising"), DraftCampaignFactory()
    SignatureFactory.create_batch(5, campaign=steady, confirmed_at=now - timedelta(days=2))
    SignatureFactory.create_batch(6, campaign=steady, confirmed_at=now - timedelta(days=10))
    SignatureFactory.create_batch(3, campaign=rising, confirmed_at=now - timedelta(days=1))
    SignatureFactory.create_batch(9, campaign=draft, confirmed_at=now - timedelta(days=1))
    CampaignDailyViews.objects.create(campaign=steady, day=timezone.localdate(), views=12)
    CampaignDailyViews.objects.create(campaign=rising, day=timezone.localdate(), views=8)
    return steady, rising


def test_fastest_growing_ranks_by_gain_over_last_week():
    steady, rising = _seed()
    ranked = fastest_growing_campaigns()
    assert [(c.pk, c.this_week, c.last_week, c.growth) for c in ranked] == [
        (rising.pk, 3, 0, 3),
        (steady.pk, 5, 6, -1),
    ]  # the draft is not listed


def test_site_totals_add_up_every_campaign():
    _seed()
    today = timezone.localdate()
    totals = site_totals(period=DateRange(today - timedelta(days=6), today))
    assert (totals["page_views"], totals["signatures"]) == (20, 17)


def test_site_view_is_for_staff_only(client):
    _seed()
    client.force_login(UserFactory())
    assert client.get(reverse("insights:site")).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    html = client.get(reverse("insights:site")).content.decode()
    assert "Rising" in html and "<strong>20</strong> page views" in html

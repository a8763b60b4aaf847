import io

import pytest

from campaigns import demo
from campaigns.models import Campaign, Signature

pytestmark = pytest.mark.django_db


def test_demo_seed_is_realistic_and_idempotent():
    out = io.StringIO()
    demo.seed(stdout=out)
    public = Campaign.objects.filter(status__in=["published", "closed"])
    assert public.count() == 12
    assert public.values("cause").distinct().count() >= 8
    assert Campaign.objects.filter(status="pending_review").count() == 1
    for campaign in public:
        assert campaign.cover and campaign.cover.name.endswith(".jpg")
        assert (
            campaign.signature_count == Signature.objects.filter(campaign=campaign, confirmed_at__isnull=False).count()
        )
        assert campaign.signature_count > 0 and campaign.comments.exists() and campaign.tags.exists()
        assert campaign.share_links.exists()
    assert sum(1 for c in public if c.updates.exists()) >= 8
    counts = (Campaign.objects.count(), Signature.objects.count())
    demo.seed(stdout=out)
    assert (Campaign.objects.count(), Signature.objects.count()) == counts
    assert "Campaigns: 0 created" in out.getvalue().splitlines()[-1]

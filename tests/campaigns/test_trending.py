"""The precomputed trending score: counted by the services as activity happens, recomputed exactly
(so a week-old signature ages out) by the periodic job, and what the list sorts by."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Campaign
from campaigns.services import trending
from campaigns.services.comments import comment_create
from campaigns.services.lifecycle import campaign_approve
from campaigns.services.signatures import signature_create
from campaigns.tasks import refresh_trending_scores
from tests.campaigns.factories import (
    CampaignFactory,
    CommentFactory,
    DraftCampaignFactory,
    PendingCampaignFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def score(campaign) -> int:
    return Campaign.objects.values_list("trending_score", flat=True).get(pk=campaign.pk)


def test_a_signed_in_signature_and_a_comment_count_at_once(user, other_user):
    campaign = CampaignFactory()
    signature_create(campaign=campaign, user=user, name="")
    assert score(campaign) == 1
    comment_create(campaign=campaign, author=other_user, body="Count me in")
    assert score(campaign) == 2


def test_an_unconfirmed_guest_signature_does_not_count_until_confirmed():
    campaign = CampaignFactory()
    signature_create(campaign=campaign, name="Guest", email="guest@example.com")
    assert score(campaign) == 0


def test_the_refresh_is_exact_over_the_window_and_ages_old_activity_out(settings):
    settings.TRENDING_NEW_CAMPAIGN_BOOST = 0  # counted activity only; the boost has its own test
    now = timezone.now()
    campaign = CampaignFactory()
    SignatureFactory.create_batch(2, campaign=campaign, confirmed_at=now - timedelta(days=1))
    SignatureFactory(campaign=campaign, confirmed_at=now - timedelta(days=8))  # outside the window
    SignatureFactory(campaign=campaign, confirmed_at=None)  # unconfirmed
    CommentFactory(campaign=campaign)
    CommentFactory(campaign=campaign, deleted_at=now)  # deleted comments do not count
    Campaign.objects.filter(pk=campaign.pk).update(trending_score=99)  # drifted counter
    assert trending.campaign_trending_refresh(now=now) >= 1
    assert score(campaign) == 3
    # A week later all of it has aged out.
    trending.campaign_trending_refresh(now=now + timedelta(days=8))
    assert score(campaign) == 0


def test_the_refresh_zeroes_campaigns_no_longer_public_and_is_idempotent():
    draft = DraftCampaignFactory()
    Campaign.objects.filter(pk=draft.pk).update(trending_score=5)
    refresh_trending_scores()
    refresh_trending_scores()
    assert score(draft) == 0


def test_the_list_sorts_by_the_score_then_latest_activity():
    now = timezone.now()
    quiet = CampaignFactory(last_activity_at=now)
    busy = CampaignFactory(last_activity_at=now - timedelta(days=3))
    busier = CampaignFactory(last_activity_at=now - timedelta(days=4))
    Campaign.objects.filter(pk=busy.pk).update(trending_score=2)
    Campaign.objects.filter(pk=busier.pk).update(trending_score=7)
    order = [c.slug for c in selectors.campaign_search(sort="trending")]
    assert order[:3] == [busier.slug, busy.slug, quiet.slug]


def test_a_newly_approved_campaign_is_on_the_first_page_of_the_default_list(django_capture_on_commit_callbacks):
    busy = [CampaignFactory(trending_score=3) for _ in range(13)]
    fresh = PendingCampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_approve(campaign=fresh, moderator=UserFactory(is_staff=True, is_superuser=True))
    first_page = list(selectors.campaign_search(sort="")[:12])
    assert fresh in first_page

    # The exact refresh keeps the boost while the campaign is new, then drops it.
    trending.campaign_trending_refresh()
    fresh.refresh_from_db()
    assert fresh.trending_score >= 25
    trending.campaign_trending_refresh(now=timezone.now() + timedelta(days=4))
    fresh.refresh_from_db()
    assert fresh.trending_score == 0
    assert first_page[0] == fresh and len(busy) == 13

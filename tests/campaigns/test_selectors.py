from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from campaigns import selectors
from campaigns.models import Campaign, Tag
from campaigns.services import trending
from campaigns.services.follows import campaign_follow
from campaigns.services.sharing import REFERRAL_SESSION_KEY, share_click_record, share_link_get_or_create
from campaigns.services.signatures import signature_create
from tests.campaigns.factories import (
    CampaignFactory,
    CauseFactory,
    CommentFactory,
    DraftCampaignFactory,
    PendingCampaignFactory,
    SignatureFactory,
)

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return [c.slug for c in queryset]


def test_featured_and_public_get_hide_unpublished():
    published = CampaignFactory(title="Open one")
    DraftCampaignFactory(title="Draft one")
    PendingCampaignFactory(title="Pending one")
    closed = CampaignFactory(title="Closed one", status=Campaign.Status.CLOSED)
    assert slugs(selectors.campaign_list_featured(limit=6)) == [published.slug]
    assert selectors.campaign_get_public(slug=closed.slug) == closed
    assert selectors.campaign_get_public(slug="draft-one") is None
    assert selectors.campaign_get_public(slug="pending-one") is None


def test_search_matches_title_summary_story_and_location():
    air = CampaignFactory(title="Clean air for schools", summary="Filters in classrooms", location="Milan")
    water = CampaignFactory(title="River cleanup", summary="Plastic out of the Tagus", story="Volunteers every Sunday")
    DraftCampaignFactory(title="Clean air draft")
    assert slugs(selectors.campaign_search(query="air")) == [air.slug]
    assert slugs(selectors.campaign_search(query="plastic")) == [water.slug]
    assert slugs(selectors.campaign_search(query="volunteers")) == [water.slug]
    assert slugs(selectors.campaign_search(query="milan")) == [air.slug]
    assert slugs(selectors.campaign_search(query="nothing-like-this")) == []


def test_search_ranks_title_matches_first_on_postgres():
    from django.db import connection

    story_only = CampaignFactory(title="Community gardens", summary="Green space", story="We also talk about bees.")
    title_hit = CampaignFactory(title="Save the bees", summary="Pollinators need help", story="Flowers.")
    result = slugs(selectors.campaign_search(query="bees"))
    assert set(result) == {story_only.slug, title_hit.slug}
    if connection.vendor == "postgresql":
        assert result[0] == title_hit.slug


def test_filters_cause_tag_location_status():
    climate, housing = CauseFactory(name="Climate"), CauseFactory(name="Housing")
    a = CampaignFactory(cause=climate, location="Berlin")
    b = CampaignFactory(cause=housing, location="Lisbon")
    c = CampaignFactory(cause=housing, location="Berlin", status=Campaign.Status.CLOSED)
    tag = Tag.objects.create(name="rent", slug="rent")
    b.tags.add(tag)
    c.tags.add(tag)
    assert set(slugs(selectors.campaign_search(cause_slug="housing"))) == {b.slug, c.slug}
    assert set(slugs(selectors.campaign_search(tag_slug="rent"))) == {b.slug, c.slug}
    assert set(slugs(selectors.campaign_search(location="berl"))) == {a.slug, c.slug}
    assert set(slugs(selectors.campaign_search(status="open"))) == {a.slug, b.slug}
    assert slugs(selectors.campaign_search(status="closed")) == [c.slug]
    assert slugs(selectors.campaign_search(cause_slug="housing", tag_slug="rent", status="open")) == [b.slug]


def test_sorts(settings):
    settings.TRENDING_NEW_CAMPAIGN_BOOST = 0  # the new-campaign boost is tested in test_trending.py
    now = timezone.now()
    old = CampaignFactory(published_at=now - timedelta(days=30), signature_count=500)
    new = CampaignFactory(published_at=now - timedelta(days=1), signature_count=3)
    closing = CampaignFactory(published_at=now - timedelta(days=10), deadline=now + timedelta(days=2))
    later = CampaignFactory(published_at=now - timedelta(days=5), deadline=now + timedelta(days=20))
    # trending: recent confirmed signatures and comments
    SignatureFactory.create_batch(3, campaign=later)
    CommentFactory(campaign=closing)
    SignatureFactory(campaign=old, confirmed_at=now - timedelta(days=20))  # too old to count
    # The factories write rows directly; the periodic job scores them (the services count as they go).
    trending.campaign_trending_refresh()
    assert slugs(selectors.campaign_search(sort="newest"))[:2] == [new.slug, later.slug]
    assert slugs(selectors.campaign_search(sort="supported"))[0] == old.slug
    assert slugs(selectors.campaign_search(sort="closing"))[:2] == [closing.slug, later.slug]
    assert slugs(selectors.campaign_search(sort="trending"))[:2] == [later.slug, closing.slug]
    assert slugs(selectors.campaign_search(sort="nonsense"))[:2] == [later.slug, closing.slug]


def test_campaign_page_collects_comments_replies_updates_and_viewer_state(user, other_user):
    campaign = CampaignFactory()
    top = CommentFactory(campaign=campaign)
    CommentFactory(campaign=campaign, parent=top)
    CommentFactory(campaign=campaign, parent=top)
    SignatureFactory(campaign=campaign, name="Public Person")
    SignatureFactory(campaign=campaign, name="Private Person", is_public=False)
    SignatureFactory(campaign=campaign, name="Unconfirmed Person", confirmed_at=None)
    campaign_follow(campaign=campaign, user=other_user)
    signature_create(campaign=campaign, user=other_user, name="")
    page = selectors.campaign_page(campaign=campaign, viewer=other_user)
    assert [c.pk for c in page.comments] == [top.pk]
    assert len(page.comments[0].reply_list) == 2
    assert page.comment_total == 1
    names = {s.name for s in page.recent_signers}
    assert "Public Person" in names and "Private Person" not in names and "Unconfirmed Person" not in names
    assert page.is_following and page.my_signature is not None
    stranger = selectors.campaign_page(campaign=campaign, viewer=user)
    assert not stranger.is_following and stranger.my_signature is None


def test_manager_lookup_is_for_organizer_and_moderators_only(user, other_user, staff_user):
    draft = DraftCampaignFactory(organizer=user)
    assert selectors.campaign_get_for_manager(slug=draft.slug, user=user) == draft
    assert selectors.campaign_get_for_manager(slug=draft.slug, user=staff_user) == draft
    assert selectors.campaign_get_for_manager(slug=draft.slug, user=other_user) is None


def test_referral_share_link_id_contract():
    campaign = CampaignFactory()
    link = share_link_get_or_create(campaign=campaign)
    session = SessionStore()
    assert selectors.referral_share_link_id(session=session, campaign_id=campaign.pk) is None
    share_click_record(share_link=link, channel="x", visitor="v", session=session)
    assert selectors.referral_share_link_id(session=session, campaign_id=campaign.pk) == link.pk
    assert selectors.referral_share_link_id(session=session, campaign_id=campaign.pk + 1) is None
    assert selectors.referral_share_link_id(session=None, campaign_id=campaign.pk) is None
    session[REFERRAL_SESSION_KEY] = {str(campaign.pk): "garbage"}
    assert selectors.referral_share_link_id(session=session, campaign_id=campaign.pk) is None


def test_share_stats_counts_channels_and_referred_signatures():
    campaign = CampaignFactory()
    link = share_link_get_or_create(campaign=campaign)
    share_click_record(share_link=link, channel="x", visitor="a")
    share_click_record(share_link=link, channel="x", visitor="b")
    share_click_record(share_link=link, channel="email", visitor="c")
    SignatureFactory(campaign=campaign, share_link=link)
    SignatureFactory(campaign=campaign, share_link=link, confirmed_at=None)
    stats = selectors.share_stats(campaign=campaign)
    assert stats["clicks_by_channel"] == {"x": 2, "email": 1}
    assert stats["clicks"] == 3 and stats["referred_signatures"] == 1
    assert ("X / Twitter", 2) in stats["channels"] and ("Facebook", 0) in stats["channels"]
    assert [(link.click_count, link.signatures_brought) for link in stats["links"]] == [(3, 1)]


@pytest.mark.postgres
def test_search_uses_the_gin_index_on_postgres():
    from django.db import connection

    template = CampaignFactory()
    Campaign.objects.bulk_create(
        [
            Campaign(
                organizer_id=template.organizer_id,
                cause_id=template.cause_id,
                title=f"Neighbourhood campaign {n}",
                slug=f"neighbourhood-campaign-{n}",
                summary="Street trees and benches",
                story="Lorem ipsum " * 20,
                status="published",
                published_at=timezone.now(),
            )
            for n in range(3000)
        ]
    )
    CampaignFactory(title="Zebra crossings near schools")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_campaign")
    queryset = selectors.campaign_search(query="zebra", sort="newest")
    assert "campaign_search_document" in queryset.explain()
    assert [c.title for c in queryset] == ["Zebra crossings near schools"]

"""Per-day activity and the funnel, with known data and exact numbers."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ShareClick
from campaigns.services.sharing import share_link_get_or_create
from events.services.rsvps import rsvp_create
from fundraising import rules
from fundraising.models import Donation, Pledge
from fundraising.services import funding_model
from fundraising.services.pledges import pledge_create
from insights.models import CampaignDailyViews
from insights.selectors import DateRange, campaign_activity, campaign_funnel
from tests.campaigns.factories import CommentFactory, FollowFactory, SignatureFactory
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _at(day, hour=12):
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + timedelta(hours=hour)


def _seed(campaign, d1, d2):
    CampaignDailyViews.objects.create(campaign=campaign, day=d1, views=40)
    CampaignDailyViews.objects.create(campaign=campaign, day=d2, views=10)
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    ShareClick.objects.create(share_link=link, channel="whatsapp", visitor="a", day=d1)
    ShareClick.objects.create(share_link=link, channel="whatsapp", visitor="b", day=d2)
    ShareClick.objects.create(share_link=link, channel="x", visitor="c", day=d2)
    SignatureFactory.create_batch(3, campaign=campaign, confirmed_at=_at(d1))
    SignatureFactory(campaign=campaign, confirmed_at=_at(d2))
    SignatureFactory(campaign=campaign, confirmed_at=None)  # unconfirmed guest: not counted
    for amount in (1000, 3000):
        DonationFactory(campaign=campaign, amount_minor=amount, state=Donation.State.SUCCEEDED, succeeded_at=_at(d2))
    DonationFactory(campaign=campaign, amount_minor=7000, state=Donation.State.PENDING)
    Pledge.objects.create(
        campaign=campaign, backer=UserFactory(), backer_name="P", email="p@example.org", amount_minor=2500,
        currency="EUR", state=Pledge.State.ACTIVE,
    )  # fmt: skip
    event = EventFactory(campaign=campaign)
    RSVPFactory(event=event, checked_in_at=timezone.now())
    RSVPFactory(event=event)
    RSVPFactory(event=event, status="cancelled")
    FollowFactory(campaign=campaign)
    CommentFactory(campaign=campaign)


def test_activity_per_day_and_totals():
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    d1, d2 = today - timedelta(days=1), today
    _seed(campaign, d1, d2)
    FundraisingCampaignFactory()  # another campaign's data never leaks in
    activity = campaign_activity(campaign_id=campaign.pk, period=DateRange(d1, d2))
    assert activity["days"] == [d1, d2]
    series = activity["series"]
    assert series["page_views"] == [40, 10]
    assert series["share_clicks"] == [1, 2]
    assert series["signatures"] == [3, 1]
    assert series["donations"] == [0, 2] and series["donated_minor"] == [0, 4000]
    assert activity["totals"]["pledges"] == 1 and activity["totals"]["pledged_minor"] == 2500
    assert activity["totals"]["rsvps"] == 2 and activity["totals"]["check_ins"] == 1
    assert activity["totals"]["follows"] == 1 and activity["totals"]["comments"] == 1
    assert activity["clicks_by_channel"] == {"whatsapp": 2, "x": 1}
    assert activity["average_donation_minor"] == 2000


def test_funnel():
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today - timedelta(days=1), today)
    funnel = campaign_funnel(campaign_id=campaign.pk, period=DateRange(today - timedelta(days=1), today))
    assert funnel == [("Visitors", 50), ("Signers", 4), ("Donors", 3), ("RSVPs", 2), ("Attended", 1)]


def test_activity_query_count_is_flat(django_assert_num_queries):
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today - timedelta(days=1), today)
    SignatureFactory.create_batch(20, campaign=campaign)
    with django_assert_num_queries(10):
        campaign_activity(campaign_id=campaign.pk, period=DateRange(today - timedelta(days=30), today))


def test_rsvp_keeps_the_referral_only_for_a_campaign_event():
    campaign = FundraisingCampaignFactory()
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    on_campaign = rsvp_create(
        event_id=EventFactory(campaign=campaign).pk, user=UserFactory(), referral_share_link_id=link.pk
    )
    standalone = rsvp_create(event_id=EventFactory().pk, user=UserFactory(), referral_share_link_id=link.pk)
    assert (on_campaign.referral_share_link_id, standalone.referral_share_link_id) == (link.pk, None)


def test_rsvp_view_reads_the_session_referral(client):
    campaign = FundraisingCampaignFactory()
    event = EventFactory(campaign=campaign)
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    client.get(link.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox/130")
    client.force_login(UserFactory())
    client.post(reverse("events:rsvp", args=[event.slug]), {"guests": 0})
    assert list(event.rsvps.values_list("referral_share_link_id", flat=True)) == [link.pk]


def test_pledge_keeps_the_referral_and_a_reused_pledge_takes_the_last_touch():
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    funding_model.campaign_funding_model_set(
        campaign=campaign, actor=campaign.organizer, funding_model=rules.ALL_OR_NOTHING
    )
    first = share_link_get_or_create(campaign=campaign, user=UserFactory())
    second = share_link_get_or_create(campaign=campaign, user=UserFactory())
    backer = UserFactory()
    pledge = pledge_create(campaign=campaign, actor=backer, amount_minor=5000, referral_share_link_id=first.pk)
    assert pledge.referral_share_link_id == first.pk
    again = pledge_create(campaign=campaign, actor=backer, amount_minor=6000, referral_share_link_id=second.pk)
    assert again.pk == pledge.pk and again.referral_share_link_id == second.pk

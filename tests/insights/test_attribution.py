"""Attribution across generations, with known data and exact numbers (docs/insights.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import selectors as campaign_selectors
from campaigns.services.sharing import share_click_record, share_link_get_or_create
from fundraising.models import Donation, Pledge
from insights.selectors import DateRange, campaign_attribution, share_link_ancestry, top_advocates
from tests.campaigns.factories import SignatureFactory
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _today():
    today = timezone.localdate()
    return DateRange(today - timedelta(days=6), today)


def _arrive(link, session):
    """A visitor clicks `link`: the share service keeps it as the session's referral."""
    share_click_record(share_link=link, channel="whatsapp", visitor=f"v{id(session)}-{link.pk}", session=session)


def _chain(campaign):
    """Ana shares; Bo arrives through Ana's link and shares; Cy arrives through Bo's and shares."""
    ana, bo, cy = UserFactory(display_name="Ana", show_as_advocate=True), UserFactory(display_name="Bo"), UserFactory()
    ana_link = share_link_get_or_create(campaign=campaign, user=ana)
    bo_session, cy_session = {}, {}
    _arrive(ana_link, bo_session)
    bo_link = share_link_get_or_create(
        campaign=campaign,
        user=bo,
        referral_link_id=campaign_selectors.referral_share_link_id(session=bo_session, campaign_id=campaign.pk),
    )
    _arrive(bo_link, cy_session)
    cy_link = share_link_get_or_create(
        campaign=campaign,
        user=cy,
        referral_link_id=campaign_selectors.referral_share_link_id(session=cy_session, campaign_id=campaign.pk),
    )
    return ana_link, bo_link, cy_link


def test_a_link_made_by_a_referred_visitor_records_its_parent():
    campaign = FundraisingCampaignFactory()
    ana_link, bo_link, cy_link = _chain(campaign)
    assert (ana_link.parent_id, bo_link.parent_id, cy_link.parent_id) == (None, ana_link.pk, bo_link.pk)
    # The parent is set when the link is made, never rewritten by a later visit.
    later = {}
    _arrive(cy_link, later)
    again = share_link_get_or_create(campaign=campaign, user=bo_link.created_by, referral_link_id=cy_link.pk)
    assert again.pk == bo_link.pk and again.parent_id == ana_link.pk


def test_parent_is_ignored_from_another_campaign_or_for_the_anonymous_link():
    campaign, other = FundraisingCampaignFactory(), FundraisingCampaignFactory()
    foreign = share_link_get_or_create(campaign=other, user=UserFactory())
    mine = share_link_get_or_create(campaign=campaign, user=UserFactory(), referral_link_id=foreign.pk)
    anonymous = share_link_get_or_create(campaign=campaign, referral_link_id=mine.pk)
    assert mine.parent_id is None and anonymous.parent_id is None


def test_ancestry_walks_three_generations_and_stops():
    campaign = FundraisingCampaignFactory()
    ana_link, bo_link, cy_link = _chain(campaign)
    dee_link = share_link_get_or_create(campaign=campaign, user=UserFactory(), referral_link_id=cy_link.pk)
    rows = set(share_link_ancestry(campaign_id=campaign.pk))
    assert (cy_link.pk, ana_link.pk, 2) in rows
    assert (dee_link.pk, bo_link.pk, 2) in rows
    assert not any(link == dee_link.pk and ancestor == ana_link.pk for link, ancestor, _ in rows)  # 4th generation
    assert len(rows) == 4 + 3 + 2  # 4 links themselves, 3 with a parent, 2 with a grandparent


def test_three_generation_chain_credits_every_action_to_each_generation():
    campaign = FundraisingCampaignFactory()
    ana_link, bo_link, cy_link = _chain(campaign)
    now = timezone.now()
    SignatureFactory.create_batch(2, campaign=campaign, share_link=ana_link)
    SignatureFactory.create_batch(3, campaign=campaign, share_link=bo_link)
    SignatureFactory.create_batch(4, campaign=campaign, share_link=cy_link)
    SignatureFactory(campaign=campaign, share_link=None)  # not attributed
    DonationFactory(
        campaign=campaign, amount_minor=5000, state=Donation.State.SUCCEEDED, succeeded_at=now,
        referral_share_link_id=cy_link.pk,
    )  # fmt: skip
    DonationFactory(campaign=campaign, amount_minor=999, state=Donation.State.FAILED, referral_share_link_id=cy_link.pk)
    Pledge.objects.create(
        campaign=campaign, backer=UserFactory(), backer_name="P", email="p@example.org", amount_minor=3000,
        currency="EUR", state=Pledge.State.ACTIVE, referral_share_link_id=bo_link.pk,
    )  # fmt: skip
    event = EventFactory(campaign=campaign)
    RSVPFactory(event=event, referral_share_link_id=cy_link.pk, checked_in_at=now)
    RSVPFactory(event=event, referral_share_link_id=cy_link.pk)

    credits = {c.link_id: c for c in campaign_attribution(campaign_id=campaign.pk, period=_today())}
    ana = credits[ana_link.pk]
    assert [ana.by_generation[g]["signatures"] for g in (1, 2, 3)] == [2, 3, 4]
    assert (ana.direct_signatures, ana.indirect_signatures) == (2, 7)
    assert ana.by_generation[3]["donations"] == 1 and ana.by_generation[3]["donated_minor"] == 5000
    assert ana.by_generation[2]["pledges"] == 1 and ana.by_generation[2]["pledged_minor"] == 3000
    assert (ana.by_generation[3]["rsvps"], ana.by_generation[3]["check_ins"]) == (2, 1)
    bo = credits[bo_link.pk]
    assert [bo.by_generation[g]["signatures"] for g in (1, 2, 3)] == [3, 4, 0]
    cy = credits[cy_link.pk]
    assert [cy.by_generation[g]["signatures"] for g in (1, 2, 3)] == [4, 0, 0]
    assert cy.by_generation[1]["donations"] == 1  # the failed gift is not counted
    assert [c.link_id for c in credits.values()] == [ana_link.pk, bo_link.pk, cy_link.pk]  # by score


def test_a_visitor_through_two_links_is_credited_to_the_last_one():
    campaign = FundraisingCampaignFactory()
    first = share_link_get_or_create(campaign=campaign, user=UserFactory())
    second = share_link_get_or_create(campaign=campaign, user=UserFactory())
    session = {}
    _arrive(first, session)
    _arrive(second, session)
    referral = campaign_selectors.referral_share_link_id(session=session, campaign_id=campaign.pk)
    assert referral == second.pk  # last touch
    SignatureFactory(campaign=campaign, share_link_id=referral)
    credits = {c.link_id: c for c in campaign_attribution(campaign_id=campaign.pk, period=_today())}
    assert credits[second.pk].direct_signatures == 1
    assert first.pk not in credits


def test_actions_outside_the_period_are_not_credited():
    campaign = FundraisingCampaignFactory()
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    SignatureFactory(campaign=campaign, share_link=link, confirmed_at=timezone.now() - timedelta(days=30))
    assert campaign_attribution(campaign_id=campaign.pk, period=_today()) == []


def test_top_advocates_name_only_those_who_opted_in():
    campaign = FundraisingCampaignFactory()
    ana_link, bo_link, _cy_link = _chain(campaign)
    SignatureFactory.create_batch(2, campaign=campaign, share_link=bo_link)
    anonymous_link = share_link_get_or_create(campaign=campaign)
    SignatureFactory.create_batch(5, campaign=campaign, share_link=anonymous_link)
    advocates = top_advocates(campaign_id=campaign.pk, period=_today())
    assert [(a.link_id, a.sharer_name, a.shows_name) for a in advocates] == [
        (ana_link.pk, "Ana", True),
        (bo_link.pk, "", False),  # Bo did not opt in: anonymous
    ]
    assert all(a.score == 2 for a in advocates)


def test_attribution_query_count_is_flat_as_data_grows(django_assert_num_queries):
    campaign = FundraisingCampaignFactory()
    links = _chain(campaign)
    for n, link in enumerate(links * 5):
        SignatureFactory(campaign=campaign, share_link=link, email=f"s{n}@example.org")
        DonationFactory(
            campaign=campaign, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now(),
            referral_share_link_id=link.pk,
        )  # fmt: skip
    # CTE, signatures, donations, pledges, RSVPs, links
    with django_assert_num_queries(6):
        credits = campaign_attribution(campaign_id=campaign.pk, period=_today())
    assert credits[0].total("signatures") == 15

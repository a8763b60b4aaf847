"""Signatures, pledges, RSVPs and check-ins credited to the channel of the last click on their
referral link before them (as gifts are; approximate)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ShareClick, Signature
from campaigns.services.sharing import share_link_get_or_create
from events.models import RSVP
from fundraising.models import Pledge
from insights.selectors import DateRange
from insights.selectors.channels import campaign_actions_by_channel
from insights.selectors.money import NO_CHANNEL
from tests.campaigns.factories import SignatureFactory
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _at(day, hour):
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + timedelta(hours=hour)


def _click(link, channel, visitor, when):
    click = ShareClick.objects.create(share_link=link, channel=channel, visitor=visitor, day=when.date())
    ShareClick.objects.filter(pk=click.pk).update(created_at=when)


def _stamp(row, when):
    type(row).objects.filter(pk=row.pk).update(created_at=when)


def _seed(campaign, today):
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    _click(link, "whatsapp", "v1", _at(today, 8))
    _click(link, "email", "v2", _at(today, 12))
    _stamp(SignatureFactory(campaign=campaign, share_link=link, confirmed_at=_at(today, 10)), _at(today, 9))
    _stamp(SignatureFactory(campaign=campaign, share_link=link, confirmed_at=_at(today, 14)), _at(today, 13))
    _stamp(SignatureFactory(campaign=campaign, share_link=link, confirmed_at=_at(today, 7)), _at(today, 7))
    SignatureFactory(campaign=campaign, share_link=None)  # through no link: not listed
    SignatureFactory(campaign=campaign, share_link=link, confirmed_at=None)  # unconfirmed: not counted
    pledge = Pledge.objects.create(
        campaign=campaign, backer=UserFactory(), backer_name="P", email="p@example.org", amount_minor=2500,
        currency=campaign.currency, state=Pledge.State.ACTIVE, referral_share_link_id=link.pk,
    )  # fmt: skip
    _stamp(pledge, _at(today, 13))
    event = EventFactory(campaign=campaign)
    going = RSVPFactory(event=event, referral_share_link_id=link.pk, checked_in_at=_at(today, 18))
    _stamp(going, _at(today, 9))
    _stamp(RSVPFactory(event=event, referral_share_link_id=link.pk, status=RSVP.Status.CANCELLED), _at(today, 9))
    return link


def test_actions_are_credited_to_the_channel_of_the_last_click_before_them():
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today)
    credit = campaign_actions_by_channel(campaign_id=campaign.pk, period=DateRange(today, today))
    assert credit == {
        "whatsapp": {"signatures": 1, "rsvps": 1, "check_ins": 1},
        "email": {"signatures": 1, "pledges": 1},
        NO_CHANNEL: {"signatures": 1},  # signed before any click on the link
    }
    assert Signature.objects.filter(campaign=campaign).count() == 5


def test_the_dashboard_shows_actions_by_channel_and_its_csv(client):
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today)
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])
    assert "Other actions by share channel" in client.get(url).content.decode()
    rows = b"".join(client.get(url + "?csv=action_channels").streaming_content).decode().splitlines()
    assert rows == [
        "channel,signatures,pledges,rsvps,check_ins",
        "WhatsApp,1,0,1,1",
        "Email,1,1,0,0",
        "No click before it,1,0,0,0",
    ]

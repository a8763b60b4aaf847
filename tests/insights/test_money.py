"""The funnel's money: gifts split into one-time / monthly / collected pledges, and credited to the
share channel of the last click on the donor's link before they gave (approximate)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ShareClick
from campaigns.services.sharing import share_link_get_or_create
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan, Pledge
from insights.selectors import DateRange
from insights.selectors.money import NO_CHANNEL, campaign_gifts, campaign_gifts_by_channel
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _at(day, hour=12):
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()) + timedelta(hours=hour)


def _paid(campaign, amount, when, **fields):
    fields.setdefault("state", Donation.State.SUCCEEDED)
    return DonationFactory(campaign=campaign, amount_minor=amount, succeeded_at=when, **fields)


def _monthly(campaign, first, *later):
    plan = MonthlyPlan.objects.create(
        campaign=campaign, donor_name="M", email=first.email, amount_minor=first.amount_minor,
        currency=campaign.currency, anchor_day=5, next_period="2027-02", next_charge_at=timezone.now(),
        first_donation=first, state=MonthlyPlan.State.ACTIVE,
    )  # fmt: skip
    MonthlyCharge.objects.create(plan=plan, period="2026-01", donation=first, state="succeeded", attempts=1)
    for n, donation in enumerate(later, start=2):
        MonthlyCharge.objects.create(plan=plan, period=f"2026-{n:02d}", donation=donation, state="succeeded")
    return plan


def _seed(campaign, today):
    _paid(campaign, 1000, _at(today))
    _paid(campaign, 3000, _at(today), state=Donation.State.PARTIALLY_REFUNDED, refunded_minor=500)
    _paid(campaign, 9999, _at(today - timedelta(days=40)))  # before the period
    DonationFactory(campaign=campaign, amount_minor=7000, state=Donation.State.PENDING)  # not paid
    first = _paid(campaign, 500, _at(today))
    second = _paid(campaign, 500, _at(today))
    _monthly(campaign, first, second)
    collected = _paid(campaign, 2500, _at(today))
    Pledge.objects.create(
        campaign=campaign, backer=UserFactory(), backer_name="P", email="p@example.org", amount_minor=2500,
        currency=campaign.currency, state=Pledge.State.COLLECTED, donation=collected,
    )  # fmt: skip


def test_gifts_split_by_kind_with_counts_and_amounts_in_minor_units():
    campaign = FundraisingCampaignFactory()
    other = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today)
    _paid(other, 777, _at(today))  # another campaign's gift never leaks in
    period = DateRange(today - timedelta(days=29), today)
    gifts = campaign_gifts(campaign_id=campaign.pk, currency=campaign.currency, period=period)
    by_kind = {k["kind"]: (k["count"], k["amount_minor"]) for k in gifts["kinds"]}
    assert by_kind == {"one_time": (2, 4000), "monthly": (2, 1000), "pledged": (1, 2500)}
    assert (gifts["count"], gifts["amount_minor"], gifts["currency"]) == (5, 7500, campaign.currency)
    empty = campaign_gifts(campaign_id=other.pk, currency=other.currency, period=DateRange(today, today))
    assert [k["kind"] for k in empty["kinds"]] == ["one_time", "monthly", "pledged"]  # zeros kept


def test_gift_split_is_one_query(django_assert_num_queries):
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today)
    with django_assert_num_queries(1):
        campaign_gifts(campaign_id=campaign.pk, currency=campaign.currency, period=DateRange(today, today))
    with django_assert_num_queries(1):
        campaign_gifts_by_channel(campaign_id=campaign.pk, period=DateRange(today, today))


def _click(link, channel, visitor, when):
    click = ShareClick.objects.create(share_link=link, channel=channel, visitor=visitor, day=when.date())
    ShareClick.objects.filter(pk=click.pk).update(created_at=when)


def _gift(campaign, amount, link, started, paid):
    donation = _paid(campaign, amount, paid, referral_share_link_id=link.pk if link else None)
    Donation.objects.filter(pk=donation.pk).update(created_at=started)
    return donation


def test_each_gift_is_credited_to_the_channel_of_the_last_click_before_it():
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    ana = share_link_get_or_create(campaign=campaign, user=UserFactory())
    bo = share_link_get_or_create(campaign=campaign, user=UserFactory())
    _click(ana, "whatsapp", "v1", _at(today, 8))
    _click(ana, "facebook", "v2", _at(today, 10))
    _click(ana, "x", "v3", _at(today, 15))  # after both of Ana's gifts were started: not theirs
    _click(bo, "email", "v4", _at(today, 9))
    _gift(campaign, 1000, ana, started=_at(today, 9), paid=_at(today, 9))  # whatsapp (08:00 the last)
    _gift(campaign, 2000, ana, started=_at(today, 11), paid=_at(today, 11))  # facebook
    _gift(campaign, 4000, ana, started=_at(today, 16), paid=_at(today, 16))  # x
    _gift(campaign, 500, bo, started=_at(today, 10), paid=_at(today, 10))  # email
    _gift(campaign, 300, None, started=_at(today, 10), paid=_at(today, 10))  # came through no share link
    early = share_link_get_or_create(campaign=campaign, user=UserFactory())
    _click(early, "qr", "v5", _at(today, 20))
    _gift(campaign, 50, early, started=_at(today, 7), paid=_at(today, 7))  # the only click came after
    credit = campaign_gifts_by_channel(campaign_id=campaign.pk, period=DateRange(today, today))
    assert credit == {
        "whatsapp": {"count": 1, "amount_minor": 1000},
        "facebook": {"count": 1, "amount_minor": 2000},
        "x": {"count": 1, "amount_minor": 4000},
        "email": {"count": 1, "amount_minor": 500},
        NO_CHANNEL: {"count": 2, "amount_minor": 350},
    }


def test_dashboard_and_csv_show_the_gift_split_and_channel_credit(client):
    campaign = FundraisingCampaignFactory()
    today = timezone.localdate()
    _seed(campaign, today)
    link = share_link_get_or_create(campaign=campaign, user=UserFactory())
    _click(link, "whatsapp", "v1", _at(today, 1))
    _gift(campaign, 1200, link, started=_at(today, 2), paid=_at(today, 2))
    client.force_login(campaign.organizer)
    url = reverse("insights:campaign", args=[campaign.slug])
    html = client.get(url).content.decode()
    assert 'data-kind="monthly"' in html and "Monthly gifts" in html and "Pledges collected" in html
    assert "WhatsApp" in html
    gifts_csv = b"".join(client.get(url + "?csv=gifts").streaming_content).decode().splitlines()
    assert gifts_csv[0] == "kind,gifts,amount_minor,currency"
    cur = campaign.currency
    assert gifts_csv[1:] == [
        f"One-time gifts,3,5200,{cur}",
        f"Monthly gifts,2,1000,{cur}",
        f"Pledges collected,1,2500,{cur}",
    ]
    channels_csv = b"".join(client.get(url + "?csv=gift_channels").streaming_content).decode().splitlines()
    assert channels_csv[1:] == [f"No share link,5,7500,{cur}", f"WhatsApp,1,1200,{cur}"]

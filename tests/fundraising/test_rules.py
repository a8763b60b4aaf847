"""fundraising.rules and fundraising.policies: the one place limits, fee, "accepts donations" and
who may see what are decided, and what the form, page and services show of them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from causeweb.core.exceptions import ValidationError
from causeweb.core.money import format_money
from fundraising import policies, rules, selectors
from fundraising.forms import DonationForm
from fundraising.services import donations
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "accepts"),
    [
        ({}, True),
        ({"deadline": None}, True),
        ({"deadline": timezone.now() - timedelta(minutes=1)}, False),
        ({"status": Campaign.Status.CLOSED}, False),
        ({"status": Campaign.Status.DRAFT}, False),
        ({"goal_minor": None}, False),
    ],
)
def test_accepts_donations_is_decided_once_and_everyone_follows_it(client, changes, accepts):
    campaign = FundraisingCampaignFactory(**changes)
    assert rules.campaign_accepts_donations(campaign) is accepts
    if campaign.goal_minor and campaign.is_public:
        assert selectors.campaign_funding_panel(campaign=campaign)["accepts_donations"] is accepts
        page = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug}))
        assert page.status_code == 200 and page.context["accepts_donations"] is accepts
    if not accepts:
        with pytest.raises(ValidationError):
            donations.donation_create(
                campaign=campaign, amount_minor=2500, cover_fee=False, donor_name="Ada",
                email="ada@example.org", visibility="name",
            )  # fmt: skip


def test_a_campaign_without_a_goal_has_no_donate_page(client):
    campaign = FundraisingCampaignFactory(goal_minor=None)
    assert rules.campaign_has_fundraising(campaign) is False
    assert client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})).status_code == 404


@pytest.mark.parametrize("currency", ["EUR", "JPY"])
def test_limits_are_the_same_for_form_rules_and_service(currency):
    low, high = rules.donation_limits(currency)
    assert rules.amount_within_limits(low, currency) and rules.amount_within_limits(high, currency)
    assert not rules.amount_within_limits(low - 1, currency) and not rules.amount_within_limits(high + 1, currency)
    assert not rules.amount_within_limits(float(low), currency)  # integers only
    options = selectors.donation_form_options(currency=currency, locale="en")
    assert (options["min_minor"], options["max_minor"]) == (low, high)
    assert [p["minor"] for p in options["presets"]] == list(rules.preset_amounts(currency))
    assert [p["fee_minor"] for p in options["presets"]] == [
        rules.processing_fee(amount_minor=a, currency=currency) for a in rules.preset_amounts(currency)
    ]
    campaign = FundraisingCampaignFactory(currency=currency)
    with pytest.raises(ValidationError) as refused:
        donations.donation_create(
            campaign=campaign, amount_minor=high + 1, cover_fee=False, donor_name="Ada",
            email="ada@example.org", visibility="name",
        )  # fmt: skip
    assert "amount" in refused.value.message_dict
    help_text = DonationForm(currency=currency).fields["amount"].help_text
    assert help_text == f"{format_money(low, currency)} to {format_money(high, currency)}"


def test_finance_staff_alone_refund_retry_and_see_anonymous_donors():
    organizer = UserFactory()
    campaign = FundraisingCampaignFactory(organizer=organizer)
    finance = UserFactory(is_staff=True)
    finance.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    plain_staff = UserFactory(is_staff=True)
    inactive_finance = UserFactory(is_staff=True, is_active=False)
    inactive_finance.user_permissions.add(Permission.objects.get(codename="refund_donation"))
    for user, is_finance in [
        (finance, True),
        (plain_staff, False),
        (inactive_finance, False),
        (AnonymousUser(), False),
    ]:
        assert policies.can_manage_refunds(user) is is_finance
        assert policies.can_see_anonymous_donors(user) is is_finance
        assert policies.can_retry_stripe_events(user) is is_finance
    assert policies.can_view_campaign_donations(campaign=campaign, user=organizer)
    assert policies.can_view_campaign_donations(campaign=campaign, user=finance)
    assert not policies.can_view_campaign_donations(campaign=campaign, user=plain_staff)
    assert not policies.can_view_campaign_donations(campaign=campaign, user=AnonymousUser())
    assert not policies.can_see_anonymous_donors(organizer)


def test_a_donation_is_visible_to_its_session_its_donor_and_finance_staff():
    donor = UserFactory()
    donation = DonationFactory(donor=donor)
    finance = UserFactory(is_staff=True, is_superuser=True)
    assert policies.donation_visible_to(donation=donation, user=AnonymousUser(), session_ids=[str(donation.public_id)])
    assert policies.donation_visible_to(donation=donation, user=donor, session_ids=[])
    assert policies.donation_visible_to(donation=donation, user=finance, session_ids=[])
    assert not policies.donation_visible_to(donation=donation, user=UserFactory(), session_ids=["other"])
    assert not policies.donation_visible_to(donation=donation, user=AnonymousUser(), session_ids=[])

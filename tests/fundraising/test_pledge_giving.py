"""Pledges on "My giving": amount, state, deadline and the right link for each state, in a
constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fundraising import rules
from fundraising.models import CampaignFunding, Pledge
from tests.fundraising.factories import FundraisingCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def pledge_on_new_campaign(backer, state, **extra):
    campaign = FundraisingCampaignFactory(goal_minor=10_000)
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", funding_model=rules.ALL_OR_NOTHING)
    return Pledge.objects.create(
        campaign=campaign,
        backer=backer,
        backer_name=backer.public_name,
        email=backer.email,
        amount_minor=2500,
        currency="EUR",
        state=state,
        **extra,
    )


def test_my_giving_lists_pledges_with_their_links(client, django_assert_max_num_queries):
    me = UserFactory()
    active = pledge_on_new_campaign(me, Pledge.State.ACTIVE)
    due = pledge_on_new_campaign(me, Pledge.State.PAYMENT_REQUIRED, payment_due_at=timezone.now() + timedelta(days=3))
    pledge_on_new_campaign(me, Pledge.State.SETTING_UP)  # card never saved: not shown
    pledge_on_new_campaign(UserFactory(), Pledge.State.ACTIVE)  # someone else's
    for _ in range(12):
        pledge_on_new_campaign(me, Pledge.State.RELEASED)
    client.force_login(me)

    with django_assert_max_num_queries(8):
        page = client.get(reverse("fundraising:my_giving")).content.decode()

    assert page.count("Released (goal missed)") == 12
    assert reverse("fundraising:pledge", kwargs={"public_id": active.public_id}) in page
    assert "Change or cancel" in page and "€25" in page and "Deadline" in page
    assert reverse("fundraising:pledge_pay", kwargs={"public_id": due.public_id}) in page and "Pay now" in page
    assert page.count("<tr>") == 1 + 14  # the header row, then my 14 shown pledges


def test_my_giving_shows_one_date_format(client):
    """QA: "Since" (the template's DATE_FORMAT) and the pledges' deadline and due date (a literal
    "05 Feb 2027" written in Python) were two formats on one page."""
    from django.utils import formats

    me = UserFactory()
    active = pledge_on_new_campaign(me, Pledge.State.ACTIVE)
    due_at = timezone.now() + timedelta(days=3)
    pledge_on_new_campaign(me, Pledge.State.PAYMENT_REQUIRED, payment_due_at=due_at)
    client.force_login(me)
    page = client.get(reverse("fundraising:my_giving")).content.decode()

    def shown(value):
        return formats.date_format(timezone.localtime(value), "DATE_FORMAT")

    assert f"<td>{shown(active.created_at)}</td>" in page
    assert f"Deadline {shown(active.campaign.deadline)}" in page
    assert f"Pay by {shown(due_at)}" in page

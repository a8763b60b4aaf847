"""My activity: one page with what a person signed, follows, attends, belongs to and gave, each part
from the app that owns it, and nothing of anyone else's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Group
from events.models import RSVP
from events.services.links import rsvp_manage_url
from fundraising.models import Donation
from tests.campaigns.factories import CampaignFactory, FollowFactory, SignatureFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory, RSVPFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def _activity_of(person, *, tag=""):
    signed = SignatureFactory(user=person, email=person.email, campaign=CampaignFactory(title=f"Clean air{tag}"))
    FollowFactory(user=person, campaign=CampaignFactory(title=f"Night pharmacy{tag}"))
    upcoming = RSVPFactory(user=person, email=person.email, event=EventFactory(title=f"Rally{tag}"))
    past_event = EventFactory(
        title=f"Last march{tag}",
        starts_at=timezone.now() - timedelta(days=9),
        ends_at=timezone.now() - timedelta(days=9, hours=-2),
    )
    RSVPFactory(user=person, email=person.email, event=past_event, checked_in_at=past_event.starts_at)
    group = GroupFactory(name=f"Tenants{tag}", visibility=Group.Visibility.PRIVATE)
    add_member(group, person)
    DonationFactory(
        donor=person, email=person.email, campaign=FundraisingCampaignFactory(title=f"School lunches{tag}"),
        state=Donation.State.SUCCEEDED, succeeded_at=timezone.now(),
    )  # fmt: skip
    return signed, upcoming


def test_my_activity_shows_each_part_with_its_links(client, user, other_user):
    _, upcoming = _activity_of(user)
    _activity_of(other_user, tag=" elsewhere")
    client.force_login(user)
    page = client.get(reverse("accounts:activity")).content.decode()

    for title in ("Clean air", "Night pharmacy", "Rally", "Last march", "Tenants", "School lunches"):
        assert title in page
    assert "elsewhere" not in page  # nothing of anyone else's
    assert rsvp_manage_url(upcoming) in page and reverse("events:ics", args=[upcoming.event.slug]) in page
    assert "you were there" in page
    assert "€25 to" in page
    assert reverse("fundraising:my_giving") in page


def test_a_cancelled_rsvp_and_a_hidden_campaign_are_not_listed(client, user):
    RSVPFactory(user=user, event=EventFactory(title="Cancelled plan"), status=RSVP.Status.CANCELLED)
    SignatureFactory(user=user, campaign=CampaignFactory(title="Taken down", status="draft"))
    client.force_login(user)
    page = client.get(reverse("accounts:activity")).content.decode()
    assert "Cancelled plan" not in page and "Taken down" not in page
    assert "You have not signed a petition yet" in page


def test_my_activity_needs_an_account(client):
    response = client.get(reverse("accounts:activity"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_my_activity_costs_the_same_queries_with_more_activity(client, user):
    _activity_of(user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:activity"))
    for n in range(5):
        _activity_of(user, tag=f" {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("accounts:activity")).content.decode()
    assert "Rally 4" in page
    assert len(many) == len(few)

""" "Keep me updated about this campaign" on an RSVP: the campaign's updates reach the attendee
(guests once they confirmed their address); nobody who did not tick it hears from it."""

import pytest
from django.core import mail

from campaigns.services.updates import campaign_update_create
from events.forms import RSVPForm
from events.services.rsvps import rsvp_create
from tests.campaigns.factories import CampaignFactory, FollowFactory
from tests.events.factories import EventFactory, confirm_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer():
    return UserFactory()


@pytest.fixture
def campaign_event(organizer):
    campaign = CampaignFactory(organizer=organizer)
    return EventFactory(host=organizer, campaign=campaign)


def _post_update(campaign, author, capture):
    mail.outbox.clear()
    with capture(execute=True):
        campaign_update_create(campaign=campaign, author=author, title="Big news", body="News.")
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_box_is_offered_unticked_only_for_an_event_under_a_campaign(campaign_event, organizer):
    assert RSVPForm(event=campaign_event).fields["keep_updated"].initial is False
    assert "keep_updated" not in RSVPForm(event=EventFactory(host=organizer)).fields


def test_opted_in_rsvps_get_the_campaigns_updates_and_others_do_not(
    campaign_event, organizer, django_capture_on_commit_callbacks
):
    member = UserFactory()
    rsvp_create(event_id=campaign_event.pk, user=member, keep_updated=True)
    rsvp_create(event_id=campaign_event.pk, user=UserFactory(), keep_updated=False)
    guest = rsvp_create(event_id=campaign_event.pk, name="Gus", email="gus@example.org", keep_updated=True)
    unconfirmed = rsvp_create(event_id=campaign_event.pk, name="Una", email="una@example.org", keep_updated=True)
    rsvp_create(event_id=campaign_event.pk, name="Nia", email="nia@example.org", keep_updated=False)
    confirm_email(guest)
    assert unconfirmed.email_confirmed_at is None
    assert _post_update(campaign_event.campaign, organizer, django_capture_on_commit_callbacks) == sorted(
        [member.email, "gus@example.org"]
    )


def test_an_rsvp_opt_in_does_not_leak_to_another_campaign(
    campaign_event, organizer, django_capture_on_commit_callbacks
):
    rsvp_create(event_id=campaign_event.pk, user=UserFactory(), keep_updated=True)
    other = CampaignFactory(organizer=organizer)
    assert _post_update(other, organizer, django_capture_on_commit_callbacks) == []


def test_one_email_per_person_however_many_ways_they_opted_in(
    campaign_event, organizer, django_capture_on_commit_callbacks
):
    follower = FollowFactory(campaign=campaign_event.campaign).user
    rsvp_create(event_id=campaign_event.pk, user=follower, keep_updated=True)
    guest = rsvp_create(event_id=campaign_event.pk, name="Gus", email="GUS@example.org", keep_updated=True)
    confirm_email(guest)
    second = EventFactory(host=organizer, campaign=campaign_event.campaign)
    confirm_email(rsvp_create(event_id=second.pk, name="Gus", email="gus@example.org", keep_updated=True))
    assert _post_update(campaign_event.campaign, organizer, django_capture_on_commit_callbacks) == sorted(
        [follower.email, "gus@example.org"]
    )


def test_rsvp_form_posts_the_choice(client, campaign_event):
    client.post(
        f"/events/{campaign_event.slug}/rsvp/",
        {"name": "Ana", "email": "ana@example.org", "guests": 0, "keep_updated": "on"},
    )
    assert campaign_event.rsvps.get().keep_updated is True

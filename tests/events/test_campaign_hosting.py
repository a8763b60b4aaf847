"""Distributed campaigns: the campaign page lists and maps all its actions with a place search;
an organizer opens the campaign to hosts; supporters' events wait for review (pending ->
approved / rejected by the organizer or a moderator) and appear nowhere public before approval."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from events.models import Event
from events.selectors import EventFilters, event_list_public
from events.services.campaign_hosting import campaign_hosting_set, event_campaign_review
from events.services.events import event_create, event_update
from events.services.rsvps import rsvp_create
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields(**overrides):
    start = timezone.now() + timedelta(days=10)
    data = {
        "title": "Door knocking for clean water",
        "description": "Bring water.",
        "kind": Event.Kind.CANVASS,
        "timezone": "Europe/Lisbon",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "venue_name": "Largo do Carmo",
        "address": "Largo do Carmo",
        "city": "Lisbon",
        "latitude": 38.712,
        "longitude": -9.14,
    }
    data.update(overrides)
    return data


@pytest.fixture
def campaign():
    return CampaignFactory()


def test_a_closed_campaign_takes_events_from_its_organizer_only(campaign):
    own = event_create(host=campaign.organizer, campaign=campaign, **fields())
    assert own.campaign_review == Event.CampaignReview.APPROVED
    with pytest.raises(ValidationError) as exc:
        event_create(host=UserFactory(), campaign=campaign, **fields())
    assert "campaign" in exc.value.message_dict


def test_an_open_campaigns_supporter_event_waits_for_review_and_is_not_public(campaign, client):
    campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
    supporter = UserFactory()
    event = event_create(host=supporter, campaign=campaign, **fields())
    assert event.campaign_review == Event.CampaignReview.PENDING
    assert list(event_list_public(filters=EventFilters())) == []
    assert client.get(event.get_absolute_url()).status_code == 404  # the public does not see it
    assert "Door knocking" not in client.get(campaign.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError):
        rsvp_create(event_id=event.pk, name="Early bird", email="early@example.org")
    client.force_login(supporter)
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200 and "Waiting for review" in page.content.decode()


def test_the_organizer_approves_and_the_event_appears_and_the_host_is_told(campaign, client):
    campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
    host = UserFactory()
    event = event_create(host=host, campaign=campaign, **fields())
    client.force_login(campaign.organizer)
    section = client.get(campaign.get_absolute_url()).content.decode()
    assert "Awaiting your review (1)" in section
    response = client.post(f"/events/{event.slug}/campaign-review/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"].endswith("#actions")
    event.refresh_from_db()
    assert event.campaign_review == Event.CampaignReview.APPROVED
    assert event.campaign_reviewed_by == campaign.organizer
    assert list(event_list_public(filters=EventFilters())) == [event]
    note = Notification.objects.get(recipient=host, kind=Kind.EVENT_REVIEWED)
    assert "approved" in note.title
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 200


def test_review_is_for_the_organizer_or_moderators_and_a_decision_stands(campaign):
    campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
    host = UserFactory()
    event = event_create(host=host, campaign=campaign, **fields())
    for outsider in (host, UserFactory()):
        with pytest.raises(PermissionDenied):
            event_campaign_review(event=event, actor=outsider, approve=True)
    rejected = event_campaign_review(event=event, actor=campaign.organizer, approve=False)
    assert rejected.campaign_review == Event.CampaignReview.REJECTED
    assert event_campaign_review(event=event, actor=campaign.organizer, approve=False) == rejected  # no-op
    with pytest.raises(Conflict):
        event_campaign_review(event=event, actor=campaign.organizer, approve=True)
    assert list(event_list_public(filters=EventFilters())) == []
    # The host takes the campaign off and publishes the event on its own.
    alone = event_update(event_id=event.pk, actor=host, campaign=None)
    assert alone.campaign_review == Event.CampaignReview.APPROVED
    assert list(event_list_public(filters=EventFilters())) == [alone]


def test_a_site_moderator_may_review(campaign):
    campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
    event = event_create(host=UserFactory(), campaign=campaign, **fields())
    moderator = UserFactory(is_staff=True, is_superuser=True)
    assert event_campaign_review(event=event, actor=moderator, approve=True).campaign_review == "approved"


def test_only_the_organizer_opens_the_campaign_and_only_when_published(client):
    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        campaign_hosting_set(campaign=campaign, actor=UserFactory(), open_to_anyone=True)
    client.force_login(UserFactory())
    assert client.post(f"/events/for-campaign/{campaign.slug}/hosting/", {"open_to_anyone": "1"}).status_code == 404
    draft = CampaignFactory(status="draft")
    with pytest.raises(ValidationError):
        campaign_hosting_set(campaign=draft, actor=draft.organizer, open_to_anyone=True)
    client.force_login(campaign.organizer)
    response = client.post(f"/events/for-campaign/{campaign.slug}/hosting/", {"open_to_anyone": "1"})
    assert response.status_code == 302
    assert event_create(host=UserFactory(), campaign=campaign, **fields()).campaign_review == "pending"
    client.post(f"/events/for-campaign/{campaign.slug}/hosting/", {"open_to_anyone": "0"})
    with pytest.raises(ValidationError):
        event_create(host=UserFactory(), campaign=campaign, **fields())


def test_campaign_page_maps_and_lists_all_its_actions_with_a_place_search(campaign, client):
    titles = [f"Action {n}" for n in range(7)]  # more than the old five-event teaser
    for title in titles:
        EventFactory(host=campaign.organizer, campaign=campaign, title=title)
    EventFactory(title="Someone else's rally")
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Find an action near you" in html
    markers = json.loads(re.search(r'id="results-map-markers" type="application/json">(.*?)</script>', html).group(1))
    assert sorted(m["title"] for m in markers) == titles
    assert all(title in html for title in titles) and "Someone else" not in html
    assert f'name="campaign" value="{campaign.pk}"' in html and 'action="/events/"' in html
    found = client.get("/events/", {"campaign": campaign.pk, "place": "Lisbon"}).content.decode()
    assert "Action 3" in found and "Someone else" not in found


def test_host_an_action_button_only_when_open(campaign, client):
    EventFactory(host=campaign.organizer, campaign=campaign)
    assert "Host an action for this campaign" not in client.get(campaign.get_absolute_url()).content.decode()
    campaign_hosting_set(campaign=campaign, actor=campaign.organizer, open_to_anyone=True)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert f"/events/new/?campaign={campaign.pk}" in html
    client.force_login(UserFactory())
    form = client.get(f"/events/new/?campaign={campaign.pk}").content.decode()
    assert re.search(rf'<option value="{campaign.pk}" selected', form)

"""The event list's campaign filter is a bounded <select>: campaigns with upcoming events (at most
CAMPAIGN_FILTER_CHOICES), plus the one a link chose, never every published campaign."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors
from events.forms import EventFilterForm
from tests.campaigns.factories import DraftCampaignFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def options(form) -> list:
    return [value for value, _label in form.fields["campaign"].widget.choices]


def test_only_campaigns_with_upcoming_public_events_are_offered(host):
    with_event = CampaignFactory(title="Has an event")
    past_only = CampaignFactory(title="Only a past event")
    CampaignFactory.create_batch(5)  # no events at all
    EventFactory(host=host, campaign=with_event)
    EventFactory(
        host=host, campaign=past_only, starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )  # fmt: skip
    EventFactory(host=host, campaign=with_event)  # offered once
    assert options(EventFilterForm()) == ["", with_event.pk]


def test_the_list_is_bounded_and_by_title(host, monkeypatch):
    campaigns = [CampaignFactory(title=f"Campaign {n}") for n in (3, 1, 2, 0)]
    for campaign in campaigns:
        EventFactory(host=host, campaign=campaign)
    assert len(options(EventFilterForm())) == 5
    monkeypatch.setattr(selectors, "CAMPAIGN_FILTER_CHOICES", 2)
    labels = [label for _value, label in EventFilterForm().fields["campaign"].widget.choices]
    assert labels == ["Any campaign", "Campaign 0", "Campaign 1"]


def test_a_chosen_campaign_without_upcoming_events_still_filters_and_shows(client, host):
    quiet = CampaignFactory(title="Quiet campaign")
    form = EventFilterForm({"campaign": str(quiet.pk)})
    assert form.is_valid()
    assert options(form) == ["", quiet.pk]
    assert form.to_filters().campaign_id == quiet.pk
    html = client.get(reverse("events:list"), {"campaign": quiet.pk}).content.decode()
    assert f'<option value="{quiet.pk}" selected>Quiet campaign</option>' in html


def test_an_unknown_or_draft_campaign_is_a_field_error_not_a_500(client, host):
    draft = DraftCampaignFactory()
    for value in (str(draft.pk), "999999", "abc"):
        form = EventFilterForm({"campaign": value})
        assert not form.is_valid() and "campaign" in form.errors
        assert client.get(reverse("events:list"), {"campaign": value}).status_code == 200


def test_the_page_does_not_list_every_published_campaign(client, host):
    for n in range(30):
        CampaignFactory(title=f"Unlinked campaign {n}", slug=f"unlinked-{n}")
    html = client.get(reverse("events:list")).content.decode()
    assert "Unlinked campaign" not in html

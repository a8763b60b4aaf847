"""Every progress bar is templates/includes/progress_bar.html: a progressbar whose value
assistive technology reads in words (aria-valuetext), not as a bare percentage."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.models import Campaign
from events.services.rsvps import rsvp_create
from fundraising.models import CampaignFunding
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<div class="(?:progress|bar)" role="progressbar"[^>]*>')


def bars(html: str) -> list[str]:
    return BAR.findall(html)


def test_the_include_has_the_progressbar_attributes():
    html = render_to_string(
        "includes/progress_bar.html", {"percent": 25, "label": "Raised so far", "valuetext": "€1,250 of €5,000 raised"}
    )
    assert 'role="progressbar"' in html and 'aria-label="Raised so far"' in html
    assert 'aria-valuemin="0"' in html and 'aria-valuemax="100"' in html and 'aria-valuenow="25"' in html
    assert 'aria-valuetext="€1,250 of €5,000 raised"' in html
    assert 'style="width: 25%"' in html


def test_the_include_without_a_percent_is_an_empty_bar():
    html = render_to_string("includes/progress_bar.html", {"label": "x", "valuetext": "0 of 10"})
    assert 'aria-valuenow="0"' in html and "width: 0%" in html and "min-width" not in html


def test_the_funding_bar_says_what_was_raised_of_the_goal(client):
    campaign = FundraisingCampaignFactory(goal_minor=500_000)
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=125_000, donor_count=3)
    html = client.get(campaign.get_absolute_url()).content.decode()
    [bar] = [b for b in bars(html) if "Raised so far" in b]
    assert 'aria-valuenow="25"' in bar
    assert re.search(r'aria-valuetext="€1,250(\.00)? of €5,000(\.00)? raised"', bar), bar


def test_the_embed_funding_bar_has_words_too(client):
    campaign = FundraisingCampaignFactory(goal_minor=1_000_000)
    CampaignFunding.objects.create(campaign=campaign, currency="EUR", raised_minor=250_000, donor_count=12)
    html = client.get(reverse("campaigns:embed", kwargs={"slug": campaign.slug})).content.decode()
    assert any('aria-valuetext="€2,500' in b and "raised" in b for b in bars(html)), bars(html)


def test_the_petition_bars_count_signatures_in_words(client):
    campaign = CampaignFactory(petition_target=2000)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=1250)
    html = client.get(campaign.get_absolute_url()).content.decode()
    [bar] = bars(html)
    assert 'aria-valuenow="62"' in bar and 'aria-valuetext="1,250 of 2,000 signatures"' in bar
    assert "min-width: 6px" in html
    embed = client.get(reverse("campaigns:embed", kwargs={"slug": campaign.slug})).content.decode()
    assert 'aria-valuetext="1,250 of 2,000 signatures"' in embed


def test_the_event_capacity_bar_is_a_progressbar(client):
    event = EventFactory(host=UserFactory(), capacity=4)
    rsvp_create(event_id=event.pk, name="A", email="a@example.org")
    html = client.get(reverse("events:detail", kwargs={"slug": event.slug})).content.decode()
    [bar] = bars(html)
    assert 'aria-valuenow="25"' in bar and 'aria-valuetext="1 of 4 spots taken"' in bar
    assert 'role="img"' not in html.split('id="rsvp"')[1].split("</section>")[0]

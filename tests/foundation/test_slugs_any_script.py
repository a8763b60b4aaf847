"""Slugs for titles in any script (causeweb/core/slugs.py, docs/i18n-content.md): Latin letters
transliterated, a title in Arabic a fallback with a random suffix that every URL, share link and
QR code of campaigns, events and groups takes as it is."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.services.authoring import campaign_create
from causeweb.core.slugs import ascii_slug, unique_slug
from communities.services.groups import group_create
from events.services.events import event_create
from tests.campaigns.factories import CauseFactory
from tests.events.test_services import base_fields

pytestmark = pytest.mark.django_db

ARABIC_TITLE = "حملة من أجل مدرسة القرية"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Café del barrio", "cafe-del-barrio"),
        ("Łódź: świetlica dla dzieci", "lodz-swietlica-dla-dzieci"),
        ("Straße für Fußgänger", "strasse-fur-fussganger"),
        ("Ærø og Øresund", "aero-og-oresund"),
        ("Mañana, señor", "manana-senor"),
        ("Save the حديقة park", "save-the-park"),
        (ARABIC_TITLE, ""),
    ],
)
def test_latin_scripts_are_transliterated(text, slug):
    assert ascii_slug(text) == slug


def test_an_arabic_title_gets_the_fallback_and_a_suffix_each_time():
    queryset = Campaign.objects.all()
    first = unique_slug(ARABIC_TITLE, queryset=queryset, max_length=127, fallback="campaign")
    assert re.fullmatch(r"campaign-[0-9a-f]{6}", first)
    assert unique_slug("!!!", queryset=queryset, max_length=60, fallback="campaign") == "campaign"


def test_an_arabic_campaign_is_reachable_shared_and_qr_coded(client, user):
    campaign = campaign_create(
        organizer=user, title=ARABIC_TITLE, summary="نريد مدرسة.", story="الأطفال.", cause=CauseFactory(), language="ar"
    )
    assert re.fullmatch(r"campaign-[0-9a-f]{6}", campaign.slug)
    Campaign.objects.filter(pk=campaign.pk).update(status="published")
    url = reverse("campaigns:detail", kwargs={"slug": campaign.slug})
    assert url == f"/campaigns/{campaign.slug}/" == campaign.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and ARABIC_TITLE in page.content.decode()
    assert client.get(reverse("campaigns:qr", kwargs={"slug": campaign.slug})).status_code == 200
    html = page.content.decode()
    assert re.search(r'data-copy="http://testserver/s/[A-Za-z0-9_-]+', html)  # the tracked share link
    assert f'data-share-title="{ARABIC_TITLE}"' in html


def test_arabic_tags_keep_their_letters(user):
    campaign = campaign_create(
        organizer=user, title="Water", summary="W.", story="W.", cause=CauseFactory(), tags="مياه, Café"
    )
    assert sorted(tag.slug for tag in campaign.tags.all()) == ["cafe", "مياه"]


def test_arabic_events_and_groups_get_a_slug_their_urls_take(client, user):
    group = group_create(creator=user, name="جيران الحديقة")
    event = event_create(host=user, **base_fields(title="اجتماع الحي"))
    for thing, fallback in ((group, "group"), (event, "event")):
        assert re.fullmatch(rf"{fallback}-[0-9a-f]{{6}}", thing.slug), thing.slug
        page = client.get(thing.get_absolute_url())
        assert page.status_code == 200
        title = getattr(thing, "title", None) or thing.name
        assert f'<meta property="og:title" content="{title}' in page.content.decode()
        card = client.get(f"{thing.get_absolute_url()}card.png")
        assert card.status_code == 200 and card.content.startswith(b"\x89PNG")

"""Sharing an event: preview tags and card image, tracked /s/<code> links (counted once per visitor
per day, preview bots skipped), QR code, embed widget, schema.org data and the host's statistics."""

import io
import json
import re

import pytest
from django.test import Client
from PIL import Image

from campaigns.models import ShareClick, ShareLink
from campaigns.selectors import share_stats_for_target
from events.models import Event
from events.services.sharing import event_share_link
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WHATSAPP_UA = "WhatsApp/2.23.20.0 A"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile Safari"


def _ld_json(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_event_page_has_open_graph_and_twitter_tags_with_the_generated_card(client, event):
    html = client.get(event.get_absolute_url()).content.decode()
    card_url = f"http://testserver/events/{event.slug}/card.png"
    assert f'<meta property="og:title" content="{event.title}">' in html
    assert f'<meta property="og:image" content="{card_url}">' in html
    assert f'<meta name="twitter:image" content="{card_url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:url" content="http://testserver{event.get_absolute_url()}">' in html
    description = re.search(r'<meta property="og:description" content="([^"]*)"', html).group(1)
    assert "Rally" in description and "Praça do Comércio, Lisbon" in description and "(Europe/Lisbon)" in description


def test_preview_crawler_following_a_share_link_gets_the_tags_and_is_not_counted(event):
    link = event_share_link(event=event)
    crawler = Client(HTTP_USER_AGENT=WHATSAPP_UA)
    response = crawler.get(f"/s/{link.code}?via=whatsapp", follow=True)
    assert response.redirect_chain[0] == (event.get_absolute_url(), 302)
    assert '<meta property="og:image"' in response.content.decode()
    link.refresh_from_db()
    assert link.click_count == 0 and not ShareClick.objects.exists()


def test_share_link_to_an_event_counts_once_per_visitor_per_day_by_channel(event):
    link = event_share_link(event=event)
    visitor = Client(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="10.0.0.1")
    assert visitor.get(f"/s/{link.code}?via=whatsapp")["Location"] == event.get_absolute_url()
    visitor.get(f"/s/{link.code}?via=whatsapp")
    Client(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="10.0.0.2").get(f"/s/{link.code}?via=telegram")
    link.refresh_from_db()
    assert link.click_count == 2
    assert sorted(ShareClick.objects.values_list("channel", flat=True)) == ["telegram", "whatsapp"]


def test_each_signed_in_sharer_gets_their_own_event_link(client, event):
    sharer = UserFactory()
    client.force_login(sharer)
    html = client.get(event.get_absolute_url()).content.decode()
    own = ShareLink.objects.get(target_id=event.pk, created_by=sharer)
    assert f'data-copy="http://testserver/s/{own.code}?via=copy"' in html
    client.get(event.get_absolute_url())
    assert ShareLink.objects.filter(target_id=event.pk, created_by=sharer).count() == 1
    assert own.campaign_id is None


def test_card_image_is_a_1200x630_png(client, event):
    response = client.get(f"/events/{event.slug}/card.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (1200, 630)


def test_card_for_unknown_event_is_404(client, db):
    assert client.get("/events/nope/card.png").status_code == 404


def test_json_ld_describes_the_event(client, event):
    data = _ld_json(client.get(event.get_absolute_url()).content.decode())
    assert data["@type"] == "Event" and data["name"] == event.title
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["address"]["addressLocality"] == "Lisbon"
    assert data["location"]["geo"]["latitude"] == pytest.approx(38.7075)
    assert data["organizer"]["name"] == "Hana Host"
    assert data["maximumAttendeeCapacity"] == 10 and data["remainingAttendeeCapacity"] == 10
    assert data["startDate"].endswith(("+00:00", "+01:00"))  # Lisbon's offset, not a naive time


def test_json_ld_cannot_be_broken_out_of_by_a_title(client, host):
    event = EventFactory(host=host, title="</script><script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _ld_json(html)["name"] == "</script><script>alert(1)</script>"


def test_cancelled_event_is_marked_cancelled_and_offers_no_share_box(client, event):
    link = event_share_link(event=event)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    html = client.get(event.get_absolute_url()).content.decode()
    assert _ld_json(html)["eventStatus"] == "https://schema.org/EventCancelled"
    assert 'id="share-heading"' not in html
    # A link posted before the cancellation still leads to the page that says so.
    assert Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{link.code}")["Location"] == event.get_absolute_url()


def test_qr_code_encodes_the_tracked_link(client, event):
    response = client.get(f"/events/{event.slug}/qr.svg?download=1")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}-qr.svg"'
    assert b"<svg" in response.content
    assert ShareLink.objects.filter(target_id=event.pk, created_by=None).exists()


def test_embed_shows_date_place_spots_left_and_rsvp_and_may_be_framed(client, event):
    response = client.get(f"/events/{event.slug}/embed/")
    html = response.content.decode()
    assert "X-Frame-Options" not in response
    anonymous = ShareLink.objects.get(target_id=event.pk, created_by=None)
    assert f'href="http://testserver/s/{anonymous.code}?via=embed"' in html
    assert '<strong class="spots">10</strong> spots left of 10' in html
    assert "Praça do Comércio, Lisbon" in html and ">RSVP</a>" in html


def test_share_stats_are_for_the_host_only(client, event, host):
    link = event_share_link(event=event, actor=UserFactory(display_name="Sam Sharer"))
    Client(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="10.0.0.9").get(f"/s/{link.code}?via=x")
    client.force_login(UserFactory())
    assert client.get(f"/events/{event.slug}/shares/").status_code == 403
    client.force_login(host)
    html = client.get(f"/events/{event.slug}/shares/").content.decode()
    assert "1 visit through share links" in html
    assert "<td>X / Twitter</td><td>1</td>" in html
    assert "Sam Sharer" in html and f"/s/{link.code}" in html


def test_share_stats_of_one_event_do_not_count_another(event, host):
    other = EventFactory(host=host)
    Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{event_share_link(event=other).code}?via=x")
    assert share_stats_for_target(target=event)["clicks"] == 0
    assert share_stats_for_target(target=other)["clicks"] == 1


def test_deleting_an_event_deletes_its_share_links(event):
    event_share_link(event=event)
    event.rsvps.all().delete()
    event.delete()
    assert not ShareLink.objects.exists()

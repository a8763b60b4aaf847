"""Sharing a group: preview tags and card, tracked links, QR code, embed, schema.org Organization
and the moderators' statistics; private groups have none of it."""

import io
import json
import re

import pytest
from django.test import Client
from PIL import Image

from campaigns.models import ShareClick, ShareLink
from causeweb.core.exceptions import ValidationError
from communities.models import Group
from communities.services.sharing import group_share_link
from tests.communities.factories import add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE_UA = "Mozilla/5.0 (Linux; Android 14) Mobile Safari"


def test_group_page_has_preview_tags_and_organization_data(client, public_group):
    html = client.get(public_group.get_absolute_url()).content.decode()
    card_url = f"http://testserver/groups/{public_group.slug}/card.png"
    assert f'<meta property="og:title" content="{public_group.name}">' in html
    assert f'<meta property="og:image" content="{card_url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Organization" and data["name"] == public_group.name
    assert data["location"] == {"@type": "Place", "name": "Lisbon"}
    assert "1 member" in data["description"]


def test_group_card_is_a_png(client, public_group):
    response = client.get(f"/groups/{public_group.slug}/card.png")
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (1200, 630)


def test_group_share_link_counts_visitors_not_preview_bots(public_group):
    link = group_share_link(group=public_group)
    bot = Client(HTTP_USER_AGENT="facebookexternalhit/1.1")
    assert bot.get(f"/s/{link.code}?via=facebook")["Location"] == public_group.get_absolute_url()
    Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{link.code}?via=facebook")
    Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{link.code}?via=facebook")
    link.refresh_from_db()
    assert link.click_count == 1 and ShareClick.objects.get().channel == "facebook"


def test_request_group_can_be_shared(client, request_group):
    html = client.get(request_group.get_absolute_url()).content.decode()
    assert 'id="share-heading"' in html
    assert "Ask to join" in client.get(f"/groups/{request_group.slug}/embed/").content.decode()


def test_private_group_cannot_be_shared(private_group, owner):
    with pytest.raises(ValidationError):
        group_share_link(group=private_group, actor=owner)
    assert not ShareLink.objects.exists()


def test_private_group_has_no_card_qr_embed_or_tags_even_for_members(client, private_group, owner):
    for suffix in ("card.png", "qr.svg", "embed/"):
        assert client.get(f"/groups/{private_group.slug}/{suffix}").status_code == 404
    client.force_login(owner)
    html = client.get(private_group.get_absolute_url()).content.decode()
    assert "og:title" not in html and "application/ld+json" not in html and 'id="share-heading"' not in html
    assert not ShareLink.objects.exists()


def test_link_to_a_group_made_private_later_stops_working(public_group):
    link = group_share_link(group=public_group)
    Group.objects.filter(pk=public_group.pk).update(visibility=Group.Visibility.PRIVATE)
    assert Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{link.code}").status_code == 404
    link.refresh_from_db()
    assert link.click_count == 0


def test_embed_shows_members_and_join_button(client, public_group):
    add_member(public_group)
    html = client.get(f"/groups/{public_group.slug}/embed/").content.decode()
    anonymous = ShareLink.objects.get(target_id=public_group.pk, created_by=None)
    assert '<strong class="members">2 members</strong>' in html
    assert f'href="http://testserver/s/{anonymous.code}?via=embed"' in html and ">Join</a>" in html


def test_share_stats_for_moderators_only(client, public_group, owner):
    member = add_member(public_group)
    link = group_share_link(group=public_group, actor=member)
    Client(HTTP_USER_AGENT=PHONE_UA).get(f"/s/{link.code}?via=whatsapp")
    client.force_login(member)
    assert client.get(f"/groups/{public_group.slug}/shares/").status_code == 403
    client.force_login(owner)
    html = client.get(f"/groups/{public_group.slug}/shares/").content.decode()
    assert "<td>WhatsApp</td><td>1</td>" in html and member.public_name in html


def test_outsider_cannot_see_stats_of_private_group(client, private_group):
    client.force_login(UserFactory())
    assert client.get(f"/groups/{private_group.slug}/shares/").status_code == 404


def test_group_header_says_what_the_person_is_in_words(client, public_group, owner):
    member = add_member(public_group)
    client.force_login(member)
    assert "You're a member" in client.get(public_group.get_absolute_url()).content.decode()
    client.force_login(owner)
    html = client.get(public_group.get_absolute_url()).content.decode()
    assert "You're an owner" in html and "You are owner" not in html

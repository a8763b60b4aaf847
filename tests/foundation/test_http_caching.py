"""Who may cache what: ETag and 304 everywhere, `public, max-age=60` for an anonymous visitor's
cookie-free pages, `private` for signed-in pages and for any response that sets a cookie, and the
views' own `public` policy on the embed widgets, QR codes and card images."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from causeweb.core.http_cache import apply_cache_policy
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/campaigns/", "/events/", "/groups/"])
def test_anonymous_list_pages_are_public_for_a_minute_and_set_no_cookie(client, path):
    CampaignFactory()
    response = client.get(path)
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=60"}
    assert "cookie" in vary(response)  # a shared cache never gives it to someone who sends a session cookie
    assert response.cookies == {}  # above all no CSRF cookie in a cached copy
    assert response.has_header("ETag")


def test_a_matching_etag_is_answered_304_without_a_body(client):
    first = client.get("/campaigns/")
    again = client.get("/campaigns/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/campaigns/", HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_signed_in_pages_stay_private(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)
    assert "X-CSRFToken" in response.content.decode()  # htmx still sends the token for them


def test_anonymous_pages_do_not_render_the_csrf_token_on_body(client):
    assert "X-CSRFToken" not in client.get("/").content.decode()


def test_the_pages_with_a_visitor_form_are_public_and_the_form_with_its_cookie_is_private(client):
    """The sign and RSVP forms load as fragments (causeweb/core/page_cache.py), so the campaign and
    event pages set no CSRF cookie; the fragment does, and is private."""
    campaign = CampaignFactory()
    event = EventFactory()
    for page, form in (
        (campaign.get_absolute_url(), f"/campaigns/{campaign.slug}/sign/form/"),
        (event.get_absolute_url(), f"/events/{event.slug}/rsvp/form/"),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert response.cookies == {}
        assert cache_control(response) == {"public", "max-age=60"}
        fragment = client.get(form, HTTP_HX_REQUEST="true")
        assert settings.CSRF_COOKIE_NAME in fragment.cookies
        assert "private" in cache_control(fragment)
        assert "public" not in cache_control(fragment)


def test_a_visitor_sending_a_session_cookie_does_not_get_a_public_page(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "guest-session"
    response = client.get("/campaigns/")
    assert response.status_code == 200
    assert "public" not in cache_control(response)


def test_errors_and_redirects_are_not_made_public(client):
    assert "public" not in cache_control(client.get("/campaigns/no-such-campaign/"))
    assert "public" not in cache_control(client.get("/accounts/profile/"))  # redirect to log in


def test_campaign_embed_and_qr_are_public_with_etags_for_everyone(client):
    campaign = CampaignFactory()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(UserFactory())
        embed = client.get(f"/campaigns/{campaign.slug}/embed/")
        qr = client.get(f"/campaigns/{campaign.slug}/qr.svg")
        assert cache_control(embed) == {"public", "max-age=300"}
        assert cache_control(qr) == {"public", "max-age=3600"}
        for response in (embed, qr):
            assert response.cookies == {}
            assert response.has_header("ETag")
        assert client.get(f"/campaigns/{campaign.slug}/qr.svg", HTTP_IF_NONE_MATCH=qr["ETag"]).status_code == 304


def test_event_and_group_widgets_and_cards_are_public(client):
    event = EventFactory()
    group = GroupFactory()
    expected = {
        f"/events/{event.slug}/embed/": "max-age=300",
        f"/events/{event.slug}/qr.svg": "max-age=3600",
        f"/events/{event.slug}/card.png": "max-age=3600",
        f"/groups/{group.slug}/embed/": "max-age=300",
        f"/groups/{group.slug}/qr.svg": "max-age=3600",
        f"/groups/{group.slug}/card.png": "max-age=3600",
    }
    for path, max_age in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert cache_control(response) == {"public", max_age}, path
        assert response.cookies == {}, path


def test_a_response_setting_a_cookie_is_private_even_if_the_view_said_public():
    request = RequestFactory().get("/campaigns/x/embed/")
    response = HttpResponse("<p>hi</p>")
    response["Cache-Control"] = "public, max-age=300"
    response.set_cookie("csrftoken", "secret")
    apply_cache_policy(request, response)
    assert "private" in cache_control(response)
    assert "public" not in cache_control(response)


def test_unsafe_methods_are_left_alone():
    request = RequestFactory().post("/campaigns/")
    response = apply_cache_policy(request, HttpResponse("<p>ok</p>"))
    assert not response.has_header("Cache-Control")

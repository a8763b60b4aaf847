"""Content-Security-Policy (django-csp) and Permissions-Policy on each kind of page: HTML pages, the
donate page (Stripe.js allowed), the embed widgets (narrow, framed anywhere), the API, error pages;
and no template carries an inline script without a nonce."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from causeweb.settings_headers import header_policies
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.fundraising.factories import FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def assert_site_policy(response):
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'self'" in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    return policy


@pytest.mark.parametrize("path", ["/", "/campaigns/", "/events/", "/accounts/login/", "/api/docs/"])
def test_html_pages_carry_the_site_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_site_policy(response)


def test_the_donate_page_allows_stripe_js_from_the_configured_origin_and_other_pages_do_not(client, settings):
    campaign = FundraisingCampaignFactory()
    settings.STRIPE_API_BASE = "http://127.0.0.1:8421"  # localstripe on a port chosen at run time
    response = client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    policy = assert_site_policy(response)
    for directive in ("script-src", "connect-src", "frame-src"):
        assert "http://127.0.0.1:8421" in policy[directive]
    assert 'src="http://127.0.0.1:8421/js.stripe.com/v3/"' in response.content.decode()
    assert "8421" not in client.get("/").headers["Content-Security-Policy"]  # only where Stripe.js loads


def test_with_live_keys_the_donate_page_allows_stripes_hosts(client, settings):
    campaign = FundraisingCampaignFactory()
    settings.STRIPE_TEST_MODE, settings.STRIPE_API_BASE = False, ""
    policy = directives(client.get(reverse("fundraising:donate", kwargs={"slug": campaign.slug})))
    assert "https://js.stripe.com" in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert "https://api.stripe.com" in policy["connect-src"]
    assert "https://hooks.stripe.com" in policy["frame-src"]


@pytest.mark.parametrize(
    "factory,route",
    [
        (FundraisingCampaignFactory, "campaigns:embed"),
        (EventFactory, "events:embed"),
        (GroupFactory, "communities:embed"),
    ],
)
def test_the_embed_widgets_have_the_narrow_policy_and_may_be_framed_anywhere(client, factory, route):
    thing = factory()
    response = client.get(reverse(route, kwargs={"slug": thing.slug}))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == ["*"]
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # falls back to default-src 'none': no script at all
    assert "X-Frame-Options" not in response.headers
    assert "<script" not in response.content.decode()


def test_api_and_error_pages_carry_the_headers(client):
    api = client.get("/api/v1/campaigns/")
    assert api.status_code == 200 and "Content-Security-Policy" in api.headers
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_site_policy(missing)
    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_a_nonce_rendered_into_a_template_is_in_the_header(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render({"request": request}))

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response)["script-src"]


TEMPLATE_DIRS = [
    settings.BASE_DIR / "templates",
    *settings.BASE_DIR.glob("*/templates"),
    *settings.BASE_DIR.glob("causeweb/*/templates"),
]
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def templates() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html") if "/emails/" not in str(path)]


def test_no_template_has_an_inline_script_without_a_nonce_or_an_inline_event_handler():
    offenders = []
    for path in templates():
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert templates() and not offenders, f"move these scripts into static files or add a nonce: {offenders}"


def test_the_result_maps_tiles_are_allowed_as_images(client):
    """The event and group lists draw a map from MAP_TILE_URL's host (OpenStreetMap by default)."""
    tile_origin = "https://" + settings.MAP_TILE_URL.split("://", 1)[1].split("/", 1)[0]
    assert tile_origin in directives(client.get("/events/"))["img-src"]


def test_a_configured_tile_host_is_added_to_img_src():
    class Env:
        def list(self, name, default):
            return default

    site, *_ = header_policies(env=Env(), media_url="/media/", map_tile_url="https://tiles.example.net/{z}/{x}/{y}.png")
    assert "https://tiles.example.net" in site["DIRECTIVES"]["img-src"]


# Permissions-Policy features Chromium recognises (third_party/blink/renderer/core/permissions_policy/
# permissions_policy_features.json5, the ones we might name): any other is a console error on every page.
CHROMIUM_FEATURES = {
    "accelerometer", "autoplay", "browsing-topics", "camera", "clipboard-read", "clipboard-write",
    "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
}  # fmt: skip


def test_permissions_policy_names_only_features_chromium_recognises(client):
    header = client.get("/").headers["Permissions-Policy"]
    features = {part.split("=")[0].strip() for part in header.split(",")}
    assert features <= CHROMIUM_FEATURES, features - CHROMIUM_FEATURES
    assert "web-share" not in header

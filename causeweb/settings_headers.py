"""Content-Security-Policy (django-csp) and Permissions-Policy, as settings: causeweb/settings.py
takes them from header_policies().

A page's script is a static file ('self') or a <script nonce="{{ request.csp_nonce }}">: no
'unsafe-inline' and no 'unsafe-eval' for scripts. Adding JS or another origin: extend the lists
here (or CSP_EXTRA_SCRIPT_SRC / CSP_EXTRA_IMG_SRC / CSP_EXTRA_CONNECT_SRC in the environment),
never per template; the template test (tests/core/test_security_headers.py) refuses inline
scripts without a nonce and inline event handlers. Styles keep 'unsafe-inline': progress bars set
their width in a style attribute and the embed widgets carry their own <style>; style cannot run
code. The embeds (campaign, event, group) replace the whole policy with the embed policy
(causeweb.core.security_headers.embeddable); the donate and pledge pages add Stripe.js's sources
(fundraising.selectors.stripe_csp_sources: the Stripe hosts below, or localstripe's origin in
test mode)."""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

# Stripe.js's hosts, on the pages that load it.
STRIPE_SOURCES = {
    "script-src": ["https://js.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
}

# The browser features our pages use, for us only; an empty list turns a feature off. Only
# features browsers recognise: Chromium logs a console error for any other ("Unrecognized feature:
# 'web-share'"). The share buttons' Web Share needs no entry: its default allowlist is 'self'.
PERMISSIONS = {
    "geolocation": ["self"],  # events' "use my location"
    "clipboard-write": ["self"],  # copy buttons
    "payment": ["self", '"https://js.stripe.com"'],  # Stripe.js payment request
    "camera": [],
    "microphone": [],
    "usb": [],
    "browsing-topics": [],
}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def header_policies(*, env, media_url: str, map_tile_url: str = "") -> tuple[dict, dict, dict, dict]:
    """(CONTENT_SECURITY_POLICY, CSP_EMBED_POLICY, CSP_STRIPE_SOURCES, PERMISSIONS_POLICY)."""
    media = [origin for origin in [origin_of(media_url)] if origin]  # object storage, when media is elsewhere
    # The result maps' tiles (MAP_TILE_URL, OpenStreetMap by default) are images from that host.
    media += [origin for origin in [origin_of(map_tile_url)] if origin and origin not in media]
    site = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE, *env.list("CSP_EXTRA_SCRIPT_SRC", default=[])],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:", *media, *env.list("CSP_EXTRA_IMG_SRC", default=[])],
            "connect-src": [SELF, *env.list("CSP_EXTRA_CONNECT_SRC", default=[])],
            "frame-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
    # The embed widgets: framed by any site, no script at all, nothing loaded but their images.
    embed = {
        "default-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *media],
        "base-uri": [NONE],
        "form-action": [NONE],
        "frame-ancestors": ["*"],
    }
    stripe = {directive: list(sources) for directive, sources in STRIPE_SOURCES.items()}
    return site, embed, stripe, dict(PERMISSIONS)

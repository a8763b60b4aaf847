"""Permissions-Policy from settings.PERMISSIONS_POLICY ({feature: [allowlist]}; an empty list turns
the feature off). The Content-Security-Policy is django-csp's (settings.CONTENT_SECURITY_POLICY)."""

from functools import wraps

from csp.decorators import csp, csp_update
from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def embeddable(view):
    """For the embed widgets: framed by any site (no X-Frame-Options) under the narrow
    settings.CSP_EMBED_POLICY (no script, frame-ancestors *) instead of the site's policy."""
    return xframe_options_exempt(csp(settings.CSP_EMBED_POLICY)(view))


def csp_allow(sources):
    """Add `sources()` ({directive: [source, ...]}, read per request so settings changes apply) to
    the site policy of one view's responses: e.g. Stripe.js on the pages that load it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return csp_update(sources())(view)(request, *args, **kwargs)

        return wrapped

    return decorator

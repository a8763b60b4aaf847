"""Personal API tokens on /api/v1/: `Authorization: Bearer <token>`.

Listed first in settings.REST_FRAMEWORK, before session authentication, so that a request with no
credentials is told 401 with `WWW-Authenticate: Bearer` rather than a 403. A request that brings a
token is authenticated by the token alone: no session, so no CSRF check (a browser never sends the
header by itself). Without the header, the session (with its CSRF check on writes) authenticates
the site's own htmx calls as before.

The token's scope is checked here, when it authenticates, and not by a permission class: viewsets
set their own `permission_classes`, and one that forgot the scope check would let a read token
write. Here no view can forget it (rule: causeweb.accounts.policies.token_allows_method)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from causeweb.accounts import policies
from causeweb.accounts.selectors import api_token_by_secret
from causeweb.accounts.services import api_token_record_use

KEYWORD = "Bearer"


class PersonalTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # no token: the next class (the session) decides
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as `Authorization: Bearer <token>`.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That token is not valid.")) from None
        token = api_token_by_secret(secret=secret)
        if token is None or not policies.token_can_authenticate(token):
            # One answer for unknown, revoked and suspended: a stolen token reveals nothing more.
            raise exceptions.AuthenticationFailed(
                "That token is not valid (unknown, revoked, or its owner is suspended)."
            )
        if not policies.token_allows_method(token, request.method):
            raise exceptions.PermissionDenied(
                _("This token has the read scope: it cannot write. Create a write token.")
            )
        api_token_record_use(token=token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """The security scheme in the OpenAPI schema (drf-spectacular finds it by the target class)."""

    target_class = "causeweb.accounts.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token, created on your profile page (/me/): `Authorization: Bearer cw_…`. "
                "Scope `read` allows GET, HEAD and OPTIONS only (other methods answer 403); `write` "
                "allows everything you may do on the site. Revoked tokens and the tokens of suspended "
                "accounts answer 401."
            ),
        }

"""Rules about accounts: who manages which API token, and what a token's scope allows."""

from causeweb.accounts.models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def can_manage_token(user, token: ApiToken) -> bool:
    """A token is its owner's alone: nobody else (staff included) names or revokes it."""
    return bool(getattr(user, "is_authenticated", False)) and token.user_id == user.pk


def token_can_authenticate(token: ApiToken) -> bool:
    """Revoked tokens and the tokens of suspended (inactive) people authenticate nobody."""
    return token.revoked_at is None and token.user.is_active


def token_allows_method(token: ApiToken, method: str) -> bool:
    """A read token may only read (safe methods); a write token may do what its owner may."""
    if token.scope == ApiToken.Scope.WRITE:
        return True
    return method.upper() in SAFE_METHODS

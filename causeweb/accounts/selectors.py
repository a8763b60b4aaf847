import hashlib

from causeweb.accounts.models import ApiToken, User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def api_tokens_for(*, user: User):
    """The person's tokens that still work, newest first (revoked ones are not listed)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created", "-pk")


def api_token_of(*, user: User, token_id: int) -> ApiToken | None:
    """One of the person's own working tokens; None for anyone else's (so a 404, not a 403)."""
    return api_tokens_for(user=user).filter(pk=token_id).first()


def api_token_by_secret(*, secret: str) -> ApiToken | None:
    """The token whose secret this is (looked up by its hash), with its owner; None if unknown."""
    if not secret:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(secret)).first()


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()

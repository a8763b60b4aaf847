import hashlib

from causeweb.accounts.models import ApiToken, User
from causeweb.core.mentions import handle_expression
from causeweb.moderation.transparency import active_suspension_for


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


def person_get_public(*, handle: str) -> User | None:
    """The person whose public profile /people/<handle>/ is: an active, not suspended account
    with a display name whose handle (causeweb.core.mentions) this is, case-insensitively. Two
    people with the same handle: the older account (the one who had the name first)."""
    handle = "".join((handle or "").split()).lower()
    if not handle or len(handle) > 80:
        return None
    person = people_with_handle(handle).order_by("date_joined", "pk").first()
    if person is None or active_suspension_for(person) is not None:
        return None
    return person


def people_with_handle(handle: str):
    """Active people with a display name whose lower-cased handle is `handle` (read through the
    `accounts_user_handle` expression index)."""
    return (
        User.objects.filter(is_active=True)
        .exclude(display_name="")
        .annotate(handle=handle_expression())
        .filter(handle=handle)
    )

"""Signed unsubscribe tokens (django.core.signing). A token names one address and one kind
(or the daily digest) and, for people with an account, their user id. It never expires: an
unsubscribe link in a year-old email must still work. Tampering breaks the signature."""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

SALT = "causeweb.notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeTarget:
    email: str
    kind: str
    user_id: int | None


def unsubscribe_token(*, email: str, kind: str, user_id: int | None) -> str:
    return signing.dumps({"e": email.lower(), "k": kind, "u": user_id}, salt=SALT, compress=True)


def unsubscribe_target(token: str) -> UnsubscribeTarget:
    """Raises signing.BadSignature for a tampered or malformed token."""
    data = signing.loads(token, salt=SALT)
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or not isinstance(data.get("k"), str):
        raise signing.BadSignature("Malformed unsubscribe token.")
    user_id = data.get("u")
    if user_id is not None and not isinstance(user_id, int):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return UnsubscribeTarget(email=data["e"], kind=data["k"], user_id=user_id)


def unsubscribe_path(*, email: str, kind: str, user_id: int | None) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(email=email, kind=kind, user_id=user_id)])

"""Signed appeal links: the notice of a decision carries a link only the person it is about can
use, signed in or not (a suspended person cannot sign in). The token names the decision and the
person; it expires after MODERATION_APPEAL_WINDOW_DAYS."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "causeweb.moderation.appeal"


def appeal_token(*, decision_id: int, user_id: int) -> str:
    return signing.dumps({"d": decision_id, "u": user_id}, salt=SALT, compress=True)


def appeal_path(*, decision_id: int, user_id: int) -> str:
    return reverse("moderation:appeal", kwargs={"token": appeal_token(decision_id=decision_id, user_id=user_id)})


def read_appeal_token(token: str) -> tuple[int, int] | None:
    """(decision id, person id), or None for a forged, garbled or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.MODERATION_APPEAL_WINDOW_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int) or not isinstance(data.get("u"), int):
        return None
    return data["d"], data["u"]

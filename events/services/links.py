"""The signed links in RSVP emails: the manage link (holding it is permission to manage the RSVP)
and the email-confirmation link (bound to the address it was sent to)."""

from django.core import signing
from django.urls import reverse

from events.models import RSVP

RSVP_TOKEN_SALT = "events.rsvp.manage"
# A different salt from the manage link: the manage link is shown in the browser right after a guest
# RSVPs, so holding it proves nothing; the confirmation link only ever travels by email.
RSVP_CONFIRM_SALT = "events.rsvp.confirm-email"


def rsvp_manage_token(rsvp: RSVP) -> str:
    """The signed token in a guest's confirmation link: holding it is permission to manage the RSVP."""
    return signing.dumps({"rsvp": rsvp.pk}, salt=RSVP_TOKEN_SALT, compress=True)


def rsvp_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=RSVP_TOKEN_SALT)["rsvp"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def rsvp_manage_url(rsvp: RSVP) -> str:
    return reverse("events:rsvp_manage", kwargs={"token": rsvp_manage_token(rsvp)})


def rsvp_confirm_token(rsvp: RSVP) -> str:
    """The token in the email that confirms a guest's address; bound to the address it was sent to."""
    return signing.dumps({"rsvp": rsvp.pk, "email": rsvp.email}, salt=RSVP_CONFIRM_SALT, compress=True)


def rsvp_id_from_confirm_token(token: str) -> int | None:
    try:
        payload = signing.loads(token, salt=RSVP_CONFIRM_SALT)
        rsvp_id, email = int(payload["rsvp"]), payload["email"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return rsvp_id if RSVP.objects.filter(pk=rsvp_id, email=email).exists() else None


def rsvp_confirm_url(rsvp: RSVP) -> str:
    return reverse("events:rsvp_confirm", kwargs={"token": rsvp_confirm_token(rsvp)})

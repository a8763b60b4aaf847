"""The only module that talks to Stripe.

One client is built from settings (STRIPE_SECRET_KEY, STRIPE_API_BASE for localstripe). Every
call is bounded: connect STRIPE_CONNECT_TIMEOUT_SECONDS (3 s), read STRIPE_READ_TIMEOUT_SECONDS
(8 s), STRIPE_MAX_NETWORK_RETRIES (1) retry of a timeout or connection error, so a call waits at
most about 17 s, well under gunicorn's 30 s. After a timeout or connection error a breaker opens for
STRIPE_BREAKER_SECONDS (15 s, per process and API base): calls fail at once with the "temporarily
unavailable" GatewayError instead of every donor waiting for the same dead connection. Callers
must not hold a database lock or an open transaction around these calls (see
fundraising/services/charging.py). Every write carries an idempotency key named after our
own row (`donation-<id>-intent`...), so a retried request cannot charge twice at Stripe; our own
database constraints make repeats harmless where the server ignores keys (localstripe does).

Callers get plain dicts (never Stripe objects) and one exception type, GatewayError.
"""

import functools
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)
# The library logs every request at INFO; keep our logs about money readable.
logging.getLogger("stripe").setLevel(logging.WARNING)

WEBHOOK_TOLERANCE_SECONDS = 300
UNAVAILABLE_MESSAGE = _("Payments are temporarily unavailable; please try again in a few minutes.")


class GatewayError(Exception):
    """Stripe refused or could not be reached. `declined` means the card was refused: a message
    for the donor, not an outage. `code` is Stripe's error code when it gave one."""

    def __init__(self, message: str, *, code: str = "", declined: bool = False, missing: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.declined = declined
        self.missing = missing


@dataclass(frozen=True)
class PaymentIntentResult:
    id: str
    status: str
    client_secret: str
    amount: int
    currency: str
    charge_id: str
    error_message: str
    metadata: dict
    error_code: str = ""
    decline_code: str = ""


# The breaker: API base -> time.monotonic() until which calls fail at once.
_open_until: dict[str, float] = {}
_breaker_lock = threading.Lock()


def breaker_reset() -> None:
    """Close every breaker (tests, and after an operator fixed the network)."""
    with _breaker_lock:
        _open_until.clear()


def _breaker_trip() -> None:
    with _breaker_lock:
        _open_until[settings.STRIPE_API_BASE] = time.monotonic() + float(settings.STRIPE_BREAKER_SECONDS)


def _breaker_check() -> None:
    if time.monotonic() < _open_until.get(settings.STRIPE_API_BASE, 0.0):
        raise GatewayError(UNAVAILABLE_MESSAGE, code="unavailable")


@functools.lru_cache(maxsize=8)
def _client_for(api_key: str, api_base: str, timeout: tuple[float, float], retries: int) -> stripe.StripeClient:
    base_addresses = {"api": api_base} if api_base else None
    return stripe.StripeClient(
        api_key,
        base_addresses=base_addresses,
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    """The client for the current settings; raises the unavailable GatewayError while the
    breaker is open."""
    _breaker_check()
    return _client_for(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        (float(settings.STRIPE_CONNECT_TIMEOUT_SECONDS), float(settings.STRIPE_READ_TIMEOUT_SECONDS)),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )


def _as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _raise(exc: stripe.StripeError):
    """Turn a Stripe library error into a GatewayError, keeping the donor-facing message."""
    if isinstance(exc, stripe.CardError):
        raise GatewayError(exc.user_message or gettext("Your card was declined."), code=exc.code or "", declined=True)
    if isinstance(exc, stripe.InvalidRequestError):
        raise GatewayError(
            exc.user_message or gettext("The payment request was refused."),
            code=exc.code or "",
            missing=exc.code == "resource_missing" or exc.http_status == 404,
        )
    if isinstance(exc, stripe.APIConnectionError):  # timeout, refused, reset: open the breaker
        _breaker_trip()
    logger.warning("stripe unavailable: %s", exc)
    raise GatewayError(UNAVAILABLE_MESSAGE, code="unavailable")


def _id(value) -> str:
    """Stripe returns either an id or an expanded object for references (localstripe expands)."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get("id", "")


def _payment_intent_result(intent: dict) -> PaymentIntentResult:
    error = intent.get("last_payment_error") or {}
    return PaymentIntentResult(
        id=intent["id"],
        status=intent.get("status") or "",
        client_secret=intent.get("client_secret") or "",
        amount=int(intent.get("amount_received") or intent.get("amount") or 0),
        currency=(intent.get("currency") or "").upper(),
        charge_id=_id(intent.get("latest_charge")),
        error_message=(error.get("message") or "") if isinstance(error, dict) else "",
        metadata=dict(intent.get("metadata") or {}),
        error_code=(error.get("code") or "") if isinstance(error, dict) else "",
        decline_code=(error.get("decline_code") or "") if isinstance(error, dict) else "",
    )


def customer_create(*, email: str, name: str, metadata: dict, idempotency_key: str) -> str:
    try:
        customer = client().v1.customers.create(
            params={"email": email, "name": name, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        _raise(exc)
    return customer.id


def setup_intent_create(*, customer_id: str, metadata: dict, idempotency_key: str) -> dict:
    """A SetupIntent the page confirms with the Card element; the card is saved to the customer
    for off-session use (the same saved card pledges and monthly giving charge later)."""
    try:
        intent = client().v1.setup_intents.create(
            params={
                "customer": customer_id,
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        _raise(exc)
    return {"id": intent.id, "client_secret": intent.client_secret, "status": intent.status}


def setup_intent_retrieve(*, setup_intent_id: str) -> dict:
    try:
        intent = _as_dict(client().v1.setup_intents.retrieve(setup_intent_id))
    except stripe.StripeError as exc:
        _raise(exc)
    error = intent.get("last_setup_error") or {}
    return {
        "id": intent["id"],
        "status": intent.get("status") or "",
        "customer": _id(intent.get("customer")),
        "payment_method": _id(intent.get("payment_method")),
        "metadata": dict(intent.get("metadata") or {}),
        "error_message": error.get("message", "") if isinstance(error, dict) else "",
        "error_code": (error.get("code") or "") if isinstance(error, dict) else "",
        "decline_code": (error.get("decline_code") or "") if isinstance(error, dict) else "",
    }


def payment_intent_create(
    *,
    amount_minor: int,
    currency: str,
    customer_id: str,
    payment_method_id: str,
    metadata: dict,
    idempotency_key: str,
    save_card: bool = False,
) -> PaymentIntentResult:
    """Create (not yet confirm) the PaymentIntent, so its id is stored before any money moves.
    `save_card`: the payment also saves the card to the customer for later off-session charges
    (`setup_future_usage=off_session`, a monthly gift's first month), so the donor authenticates
    once for both. localstripe refuses the parameter (and does not model it: any card it charged
    can be charged again), so it is sent only to real Stripe, as `off_session` below."""
    params = {
        "amount": amount_minor,
        "currency": currency.lower(),
        "customer": customer_id,
        "payment_method": payment_method_id,
        "payment_method_types": ["card"],
        "metadata": metadata,
    }
    if save_card and not settings.STRIPE_API_BASE:
        params["setup_future_usage"] = "off_session"
    try:
        intent = client().v1.payment_intents.create(
            params=params,
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        _raise(exc)
    return _payment_intent_result(_as_dict(intent))


def payment_intent_confirm(
    *, payment_intent_id: str, idempotency_key: str, off_session: bool = False
) -> PaymentIntentResult:
    """Confirm on the server. A decline is not an exception here: the intent is fetched again
    and returned with its status (requires_payment_method) and the decline message.
    `off_session`: the payer is not present (a pledge charged at the deadline, a monthly gift);
    the bank may refuse instead of asking for 3D Secure."""
    # localstripe (STRIPE_API_BASE set) refuses the parameter on confirm ("Unexpected off_session")
    # and does not model on/off-session anyway; real Stripe needs it to apply the off-session rules.
    params = {"off_session": True} if off_session and not settings.STRIPE_API_BASE else None
    try:
        intent = client().v1.payment_intents.confirm(
            payment_intent_id, params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.CardError as exc:
        result = payment_intent_retrieve(payment_intent_id=payment_intent_id)
        if not result.error_message:
            result = PaymentIntentResult(
                **{
                    **result.__dict__,
                    "error_message": exc.user_message or "Declined.",
                    "error_code": result.error_code or exc.code or "",
                    "decline_code": result.decline_code or getattr(exc.error, "decline_code", None) or "",
                }
            )
        return result
    except stripe.StripeError as exc:
        _raise(exc)
    return _payment_intent_result(_as_dict(intent))


def payment_intent_retrieve(*, payment_intent_id: str) -> PaymentIntentResult:
    try:
        intent = client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as exc:
        _raise(exc)
    return _payment_intent_result(_as_dict(intent))


def payment_intent_cancel(*, payment_intent_id: str, idempotency_key: str) -> PaymentIntentResult:
    try:
        intent = client().v1.payment_intents.cancel(payment_intent_id, options={"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        _raise(exc)
    return _payment_intent_result(_as_dict(intent))


def refund_create(*, payment_intent_id: str, amount_minor: int, metadata: dict, idempotency_key: str) -> dict:
    try:
        refund = client().v1.refunds.create(
            params={"payment_intent": payment_intent_id, "amount": amount_minor, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        _raise(exc)
    return {"id": refund.id, "amount": int(refund.amount), "status": refund.status}


# Reconciliation reads Stripe's lists a page at a time (Stripe's maximum page).
LIST_PAGE_SIZE = 100


def _card_of(charge: dict) -> dict:
    details = charge.get("payment_method_details") or {}
    card = (details.get("card") if isinstance(details, dict) else None) or {}
    return {"brand": card.get("brand") or "", "last4": card.get("last4") or ""}


def _refund_dict(refund: dict) -> dict:
    return {
        "id": refund["id"],
        "amount": int(refund.get("amount") or 0),
        "currency": (refund.get("currency") or "").upper(),
        "status": refund.get("status") or "",
        "created": int(refund.get("created") or 0),
        "metadata": dict(refund.get("metadata") or {}),
    }


def _charge_dict(charge: dict) -> dict:
    refunds = charge.get("refunds")
    listed = refunds.get("data") if isinstance(refunds, dict) else None
    return {
        "id": charge["id"],
        "payment_intent": _id(charge.get("payment_intent")),
        "payment_method": _id(charge.get("payment_method")),
        "amount": int(charge.get("amount") or 0),
        "amount_refunded": int(charge.get("amount_refunded") or 0),
        "currency": (charge.get("currency") or "").upper(),
        "status": charge.get("status") or "",
        "paid": bool(charge.get("paid")),
        "created": int(charge.get("created") or 0),
        "metadata": dict(charge.get("metadata") or {}),
        "card": _card_of(charge),
        # Complete only when Stripe embedded all of them (has_more false); else None: list them.
        "refunds": [_refund_dict(r) for r in listed] if listed is not None and not refunds.get("has_more") else None,
    }


def charges_list(*, created_gt: int) -> Iterator[dict]:
    """Every charge created after `created_gt` (unix seconds), oldest pages first as Stripe gives
    them, auto-paging (`starting_after`) a page of LIST_PAGE_SIZE at a time; each page is one
    request with the client's timeout. Yields plain dicts (see _charge_dict)."""
    try:
        page = client().v1.charges.list(params={"created": {"gt": int(created_gt)}, "limit": LIST_PAGE_SIZE})
        for charge in page.auto_paging_iter():
            yield _charge_dict(_as_dict(charge))
    except stripe.StripeError as exc:
        _raise(exc)


def refunds_list(*, charge_id: str = "", payment_intent_id: str = "") -> list[dict]:
    """Every refund of one charge, or of a PaymentIntent's charge (auto-paging)."""
    params = {"charge": charge_id} if charge_id else {"payment_intent": payment_intent_id}
    try:
        page = client().v1.refunds.list(params={**params, "limit": LIST_PAGE_SIZE})
        return [_refund_dict(_as_dict(refund)) for refund in page.auto_paging_iter()]
    except stripe.StripeError as exc:
        _raise(exc)


def payment_method_card(*, payment_method_id: str) -> dict:
    """{"brand", "last4"} of a card PaymentMethod (empty strings for other kinds)."""
    try:
        method = _as_dict(client().v1.payment_methods.retrieve(payment_method_id))
    except stripe.StripeError as exc:
        _raise(exc)
    # A PaymentMethod nests the card; a legacy Card (card_..., what a token holds: localstripe's
    # fake Stripe.js pays with those) carries brand and last4 itself.
    card = method.get("card") or (method if method.get("object") == "card" else {})
    return {"brand": (card.get("brand") or "").lower(), "last4": card.get("last4") or ""}


class InvalidWebhook(ValueError):
    """A webhook request that is not a well-formed event signed by Stripe within the tolerance."""


# Stripe event ids are "evt_" and a few dozen letters, digits or underscores; the column holds 255.
EVENT_ID_PATTERN = re.compile(r"evt_[A-Za-z0-9_]{1,120}")
# "payment_intent.succeeded", "charge.refund.updated"...; the column holds 100.
EVENT_TYPE_PATTERN = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+){1,5}")


def _check_not_from_the_future(signature_header: str) -> None:
    """The Stripe library only refuses signatures older than the tolerance; one dated later than
    now + tolerance (a replay prepared in advance, or a sender's clock far off) is refused too."""
    stamps = [part.strip()[2:] for part in signature_header.split(",") if part.strip().startswith("t=")]
    try:
        signed_at = int(stamps[0].strip())
    except (IndexError, ValueError):
        raise InvalidWebhook("bad signature: no timestamp") from None
    if signed_at > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidWebhook("bad signature: timestamp in the future, outside the tolerance zone")


def webhook_event_construct(*, payload: bytes, signature_header: str) -> dict:
    """Verify the signature on the raw body (300 s tolerance, past or future) and parse it. Raises
    InvalidWebhook for a bad, stale or future signature and for a body that is not a well-formed
    event (an id that is not `evt_...`, a type that is not `a.b`)."""
    try:
        event = stripe.Webhook.construct_event(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE_SECONDS
        ).to_dict()
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(f"bad signature: {exc.user_message or exc}")
    except (ValueError, TypeError, AttributeError) as exc:  # not JSON, or JSON that is not an object
        raise InvalidWebhook(f"malformed event: {exc}")
    _check_not_from_the_future(signature_header)
    data = event.get("data")
    if not isinstance(event.get("id"), str) or not EVENT_ID_PATTERN.fullmatch(event["id"]):
        raise InvalidWebhook("malformed event: the id is not a Stripe event id (evt_...)")
    if not isinstance(event.get("type"), str) or not EVENT_TYPE_PATTERN.fullmatch(event["type"]):
        raise InvalidWebhook("malformed event: the type is not an event type")
    if (
        not event.get("id")
        or not event.get("type")
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise InvalidWebhook("malformed event: missing id, type or data.object")
    return event


def dashboard_url(object_id: str) -> str:
    """Where finance staff see an object in the Stripe dashboard."""
    if not object_id:
        return ""
    prefix = "https://dashboard.stripe.com/" + ("test/" if settings.STRIPE_TEST_MODE else "")
    kinds = {"pi_": "payments/", "ch_": "payments/", "re_": "refunds/", "cus_": "customers/", "dp_": "disputes/"}
    for start, path in kinds.items():
        if object_id.startswith(start):
            return f"{prefix}{path}{object_id}"
    return f"{prefix}search?query={object_id}"

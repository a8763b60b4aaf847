"""A one-time donation, from the donate page or the API, up to its card step: create it
(pending), `donation_begin` (create and get the card step ready, failing the donation again if
Stripe refuses; a signed-in API client's repeated request key returns the first donation), and the
SetupIntent or Stripe customer the card is saved to. Charging the card is in
fundraising.services.charging."""

from dataclasses import dataclass, fields

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, ValidationError
from fundraising import gateway, l10n, rules
from fundraising.models import CampaignFunding, Donation, StripeCustomer
from fundraising.services._language import recipient_language_now
from fundraising.services.transitions import _funding_ensure, donation_mark_failed


class DonationNotStarted(gateway.GatewayError):
    """Stripe could not set up the card for a new donation: the donation (`donation`) exists and
    was marked failed with Stripe's message, so it can never be charged."""

    def __init__(self, exc: gateway.GatewayError, *, donation: Donation):
        super().__init__(exc.message, code=exc.code, declined=exc.declined, missing=exc.missing)
        self.donation = donation


class DonationRequestRepeated(Exception):
    """A create carrying a client's request key that an earlier create of theirs already used:
    `donation` is that one, and nothing new was made or charged."""

    def __init__(self, donation: Donation):
        super().__init__(f"request key already used by donation {donation.pk}")
        self.donation = donation


@dataclass(frozen=True)
class Gift:
    """What a donor asks to give, as the donate page and the API read it: `donation_create`'s
    fields (checked there), handed whole through `donation_begin` and `monthly_plan_begin`."""

    campaign: object
    amount_minor: int
    cover_fee: bool
    donor_name: str
    email: str
    visibility: str
    message: str = ""
    user: object = None
    referral_share_link_id: int | None = None
    keep_updated: bool = False

    def as_kwargs(self) -> dict:
        """The fields as `donation_create`'s keyword arguments (not `asdict`: it would deep-copy
        the campaign and the user)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@transaction.atomic
def donation_create(
    *,
    campaign,
    amount_minor: int,
    cover_fee: bool,
    donor_name: str,
    email: str,
    visibility: str,
    message: str = "",
    user=None,
    referral_share_link_id: int | None = None,
    keep_updated: bool = False,
    client_request_key: str = "",
) -> Donation:
    """A pending donation. No money moves yet: the page saves a card next (donation_start_payment)."""
    if not rules.campaign_accepts_donations(campaign):
        raise ValidationError(gettext("This campaign is not taking donations."))
    currency = campaign.currency
    low, high = rules.donation_limits(currency)
    errors = {}
    if not rules.amount_within_limits(amount_minor, currency):
        errors["amount"] = gettext("Give between %(low)s and %(high)s.") % {
            "low": l10n.local_money(low, currency),
            "high": l10n.local_money(high, currency),
        }
    if user is not None and getattr(user, "is_authenticated", False):
        email = email or user.email
        donor_name = donor_name or user.public_name
    else:
        user = None
    email = (email or "").strip().lower()
    donor_name = " ".join((donor_name or "").split())[:120]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = gettext("Enter the email address the receipt should go to.")
    if not donor_name:
        errors["donor_name"] = gettext("Enter your name (you can still give anonymously).")
    if visibility not in Donation.Visibility.values:
        errors["visibility"] = gettext("Choose how you appear on the donor wall.")
    message = (message or "").strip()
    if len(message) > 500:
        errors["message"] = gettext("Keep the message under 500 characters.")
    if errors:
        raise ValidationError(errors)
    _funding_ensure(campaign_id=campaign.pk, currency=currency)
    if CampaignFunding.objects.filter(campaign_id=campaign.pk).values_list("currency", flat=True).get() != currency:
        # Rare (the organizer changed the currency): lock the totals row while deciding.
        funding = CampaignFunding.objects.select_for_update().get(campaign_id=campaign.pk)
        if Donation.objects.filter(campaign_id=campaign.pk).exclude(currency=currency).exists():
            # Totals in two currencies cannot be added up: the organizer must keep the first one.
            raise ValidationError(
                gettext("This campaign raised money in %(raised)s; it cannot take donations in %(currency)s.")
                % {"raised": funding.currency, "currency": currency}
            )
        funding.currency = currency
        funding.save(update_fields=["currency", "updated_at"])
    donation = Donation.objects.create(
        campaign=campaign,
        donor=user,
        donor_name=donor_name,
        email=email,
        visibility=visibility,
        message=message,
        keep_updated=bool(keep_updated),
        amount_minor=amount_minor,
        fee_minor=rules.processing_fee(amount_minor=amount_minor, currency=currency) if cover_fee else 0,
        currency=currency,
        referral_share_link_id=referral_share_link_id,
        language=recipient_language_now(),
        client_request_key=client_request_key if user is not None else "",
    )
    return donation


def donation_begin(*, gift: Gift, card_setup: bool = True, client_request_key: str = "") -> tuple[Donation, dict]:
    """Create the pending donation and get its card step ready, as the donate page and the API
    both do: returns (donation, {"setup_intent_id", "client_secret"}). Domain errors of
    `donation_create` (fields as there, named as in `gift`) propagate unchanged, nothing created. When Stripe refuses,
    the new donation is marked failed (it can never be charged) and DonationNotStarted, a
    GatewayError carrying the donation, is raised.

    `card_setup=False` (the donate page): no SetupIntent, only the Stripe customer; the page makes
    a PaymentMethod from the card and `donation_charge(payment_method_id=...)` charges it with
    one PaymentIntent, so a 3-D Secure card is challenged once (see docs/money.md). The secret and
    id returned are then empty.

    `client_request_key` (a signed-in donor's, from the API): a key they already used raises
    DonationRequestRepeated with that donation, before Stripe is asked for anything; two requests
    racing with one key meet at the unique constraint and the loser gets the same answer."""
    user = gift.user
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    key = client_request_key if signed_in else ""
    if key and (earlier := Donation.objects.filter(donor=user, client_request_key=key).first()):
        raise DonationRequestRepeated(earlier)
    try:
        donation = donation_create(**gift.as_kwargs(), client_request_key=key)
    except IntegrityError:
        earlier = Donation.objects.filter(donor=user, client_request_key=key).first() if key else None
        if earlier is None:
            raise
        raise DonationRequestRepeated(earlier) from None
    return donation, donation_prepare_card(donation=donation, card_setup=card_setup)


def donation_prepare_card(*, donation: Donation, card_setup: bool = True) -> dict:
    """The card step of a new donation: a SetupIntent (`card_setup`), else only its Stripe customer.
    A refusal fails the donation and raises DonationNotStarted. No transaction open."""
    try:
        if card_setup:
            return donation_start_payment(donation=donation)
        customer_id = _customer_for(donation)
    except gateway.GatewayError as exc:
        donation_mark_failed(donation_id=donation.pk, message=exc.message)
        raise DonationNotStarted(exc, donation=donation) from exc
    Donation.objects.filter(pk=donation.pk, state=Donation.State.PENDING).update(
        stripe_customer_id=customer_id, updated_at=timezone.now()
    )
    donation.stripe_customer_id = customer_id
    return {"setup_intent_id": "", "client_secret": ""}


def _customer_for(donation: Donation) -> str:
    """The Stripe customer the card is saved to: the donor's own when signed in (reused by later
    donations, pledges and monthly giving), else a customer for this guest donation."""
    if donation.donor_id:
        existing = StripeCustomer.objects.filter(user_id=donation.donor_id).first()
        if existing:
            return existing.customer_id
    customer_id = gateway.customer_create(
        email=donation.email,
        name=donation.donor_name,
        metadata={"donation_id": str(donation.pk), "user_id": str(donation.donor_id or "")},
        idempotency_key=f"donation-{donation.pk}-customer",
    )
    if donation.donor_id:
        StripeCustomer.objects.update_or_create(user_id=donation.donor_id, defaults={"customer_id": customer_id})
    return customer_id


def donation_start_payment(*, donation: Donation) -> dict:
    """Create the SetupIntent the page confirms with the Card element. Returns its client secret.
    Calling it again for the same pending donation returns a fresh secret of the same intent."""
    if donation.state != Donation.State.PENDING or donation.stripe_payment_intent_id:
        raise Conflict(gettext("This donation is already being processed."), code="already_started")
    customer_id = donation.stripe_customer_id or _customer_for(donation)
    metadata = {"donation_id": str(donation.pk), "campaign_id": str(donation.campaign_id)}
    try:
        setup = gateway.setup_intent_create(
            customer_id=customer_id, metadata=metadata, idempotency_key=f"donation-{donation.pk}-setup"
        )
    except gateway.GatewayError as exc:
        if not (exc.missing and donation.donor_id):
            raise
        # The saved customer no longer exists at Stripe (e.g. a reset test account): start over.
        StripeCustomer.objects.filter(user_id=donation.donor_id).delete()
        customer_id = _customer_for(donation)
        setup = gateway.setup_intent_create(
            customer_id=customer_id, metadata=metadata, idempotency_key=f"donation-{donation.pk}-setup-2"
        )
    Donation.objects.filter(pk=donation.pk, state=Donation.State.PENDING).update(
        stripe_customer_id=customer_id, stripe_setup_intent_id=setup["id"], updated_at=timezone.now()
    )
    donation.stripe_customer_id = customer_id
    donation.stripe_setup_intent_id = setup["id"]
    return {"setup_intent_id": setup["id"], "client_secret": setup["client_secret"]}

"""Signing a petition: once per email; a guest's signature counts once its emailed link is
followed, a signed-in person's at once."""

from datetime import timedelta

from django.core import signing
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import Campaign, ShareLink, Signature, WebhookEndpoint
from campaigns.services import webhooks  # a module: webhooks -> tasks -> signatures is a cycle
from campaigns.services._common import require_published
from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify

SIGNATURE_CONFIRM_MAX_AGE = timedelta(days=7)
SIGNATURE_SALT = "campaigns.signature-confirm"


def signature_confirm_token(signature: Signature) -> str:
    return signing.TimestampSigner(salt=SIGNATURE_SALT).sign(str(signature.pk))


def _count_signature(signature: Signature) -> None:
    signature.confirmed_at = timezone.now()
    signature.save(update_fields=["confirmed_at"])
    Campaign.objects.filter(pk=signature.campaign_id).update(
        signature_count=F("signature_count") + 1,
        trending_score=F("trending_score") + 1,  # see campaigns.services.trending
        last_activity_at=signature.confirmed_at,
    )
    webhooks.webhook_event_emit(
        campaign_id=signature.campaign_id,
        event_type=WebhookEndpoint.EventType.SIGNATURE_CONFIRMED.value,
        data={
            "signature_id": signature.pk,
            "name": signature.name if signature.is_public else None,  # never the email
            "comment": signature.comment if signature.is_public else "",
            "confirmed_at": signature.confirmed_at,
        },
        event_key=f"signature:{signature.pk}",
    )


@transaction.atomic
def signature_create(
    *,
    campaign: Campaign,
    user=None,
    name: str,
    email: str = "",
    comment: str = "",
    is_public: bool = True,
    keep_updated: bool = False,
    share_link_id: int | None = None,
) -> Signature:
    """Add a name to the petition, once per email. A signed-in person's signature counts at once
    (their address is verified); a guest's counts when they follow the emailed link.
    The unique constraint on (campaign, lower(email)) makes concurrent duplicates impossible; the
    counter is an F() update in the same transaction, so it never double counts."""
    require_published(campaign, gettext("This campaign is not open, so you cannot sign it."))
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in:
        email = user.email
        name = (name or "").strip() or user.public_name
    name, email, comment = (name or "").strip(), (email or "").strip().lower(), (comment or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Tell us your name."
    elif len(name) > 120:
        errors["name"] = "That name is too long."
    if len(comment) > 500:
        errors["comment"] = "Keep your comment under 500 characters."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    if errors:
        raise ValidationError(errors)
    if share_link_id is not None and not ShareLink.objects.filter(pk=share_link_id, campaign=campaign).exists():
        share_link_id = None
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                campaign=campaign,
                user=user if signed_in else None,
                name=name,
                email=email,
                comment=comment,
                is_public=is_public,
                keep_updated=bool(keep_updated),
                share_link_id=share_link_id,
            )
    except IntegrityError:
        existing = Signature.objects.select_for_update().filter(campaign=campaign, email__iexact=email).first()
        if existing is not None and not existing.is_confirmed and signed_in:
            # They signed as a guest earlier; their account's address is verified, so count it now.
            existing.user = user
            existing.keep_updated = existing.keep_updated or bool(keep_updated)
            existing.save(update_fields=["user", "keep_updated"])
            _count_signature(existing)
            return existing
        if existing is not None and not existing.is_confirmed:
            raise Conflict(
                "This email address has already signed; check your inbox for the link to confirm it.",
                code="already_signed_unconfirmed",
            )
        raise Conflict(
            gettext("This email address has already signed this petition. Thank you!"), code="already_signed"
        )
    if signed_in:
        _count_signature(signature)
    else:
        # One address gets a few confirmation emails per hour across all campaigns, whoever types it
        # in and from wherever; raising rolls the signature back with the transaction.
        ratelimits.enforce_email(
            "signature_email",
            email,
            message="We have already sent several confirmation emails to this address; please try again later.",
            scope=ratelimits.scope_for(campaign),
        )
        url = reverse("campaigns:signature_confirm", kwargs={"token": signature_confirm_token(signature)})
        notify(
            email=email,
            kind=Kind.SIGNATURE_CONFIRM,
            context={
                "title": gettext("Confirm your signature on “%(title)s”") % {"title": campaign.title},
                "body": gettext(
                    "Follow the link to confirm your signature; it counts once you do. "
                    "If you did not sign, ignore this email."
                ),
                "url": url,
                "campaign_id": campaign.pk,
            },
            dedupe_key=f"signature-confirm:{signature.pk}",
        )
    return signature


def signature_from_token(*, token: str) -> Signature:
    try:
        pk = signing.TimestampSigner(salt=SIGNATURE_SALT).unsign(
            token, max_age=SIGNATURE_CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise ValidationError(
            gettext("This confirmation link has expired; sign again to get a new one."), code="expired"
        )
    except signing.BadSignature:
        raise ValidationError(gettext("This confirmation link is not valid."), code="invalid")
    signature = Signature.objects.select_related("campaign").filter(pk=int(pk)).first()
    if signature is None:
        raise ValidationError(gettext("This signature no longer exists."), code="gone")
    return signature


@transaction.atomic
def signature_confirm(*, token: str) -> Signature:
    """Count a guest's signature. Locks the signature row; confirming twice is a no-op."""
    signature = signature_from_token(token=token)
    signature = Signature.objects.select_for_update().select_related("campaign").get(pk=signature.pk)
    if signature.is_confirmed:
        return signature
    if signature.campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(gettext("This campaign is closed; it no longer takes signatures."), code="not_open")
    _count_signature(signature)
    return signature


def signature_purge_unconfirmed(*, now=None) -> int:
    """Forget guests who never confirmed (their link expired long ago): we keep no address we may
    not use. Idempotent; run daily by the beat."""
    cutoff = (now or timezone.now()) - SIGNATURE_CONFIRM_MAX_AGE * 2
    deleted, _ = Signature.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted

"""/api/v1/donations/: the card path for programs (a mobile app), through the same services as
the donate page. Create the donation with the PaymentMethod Stripe's SDK made of the card
(`payment_method_id`): the server creates and confirms one PaymentIntent (one 3-D Secure challenge
at most; `requires_action` + its client secret, then `refresh`). The older path (create without it,
confirm the returned SetupIntent, then `charge` with `setup_intent_id`) still works and is marked
deprecated in the schema. Signed-in donors only; they see their own donations. Domain errors map
to 400/403/409 in causeweb.core.api_errors; a Stripe outage is a 503 with Retry-After and a
message, another Stripe refusal a 502."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django_filters import rest_framework as django_filters
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from causeweb.core.api_errors import error_body
from causeweb.core.api_filters import UtcIsoDateTimeFilter
from causeweb.core.api_pagination import NewestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.money import MAX_AMOUNT_MINOR, MAX_AMOUNT_TEXT, parse_amount
from causeweb.core.validators import validate_single_line
from fundraising import gateway, rules, selectors
from fundraising.models import Donation
from fundraising.services import charging, donations


class DonationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Donation
        fields = [
            "id",
            "campaign",
            "state",
            "amount_minor",
            "fee_minor",
            "refunded_minor",
            "currency",
            "visibility",
            "message",
            "failure_message",
            "created_at",
            "succeeded_at",
        ]
        read_only_fields = fields


def _limits_text() -> str:
    return "; ".join(f"{currency} {low}–{high}" for currency, (low, high) in rules.DONATION_LIMITS.items())


class DonationCreateSerializer(serializers.Serializer):
    """Give exactly one of `amount_minor` (integer minor units, for programs: the API's input) or
    `amount` (the text a person typed, read by the campaign's currency and the request's language
    like the donate page does)."""

    campaign = serializers.SlugField()
    amount_minor = serializers.IntegerField(
        min_value=1,
        max_value=MAX_AMOUNT_MINOR - 1,
        required=False,
        help_text="Minor units of the campaign's currency (cents; yen). Limits by currency: "
        + _limits_text()
        + ". The schema's bounds are the ones every currency accepts.",
    )
    amount = serializers.CharField(
        max_length=MAX_AMOUNT_TEXT,
        required=False,
        trim_whitespace=True,
        help_text="Typed text in major units. The pattern is what every currency accepts (whole 100 to "
        '10000); the donate page\'s spellings ("12,50", "1,250.00", "€25") are read too, in the '
        "campaign's currency and the request's Accept-Language, and answer 400 when they do not fit it.",
    )
    cover_fee = serializers.BooleanField(default=False)
    donor_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", validators=[validate_single_line]
    )
    visibility = serializers.ChoiceField(choices=Donation.Visibility.choices, default=Donation.Visibility.NAME)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    payment_method_id = serializers.RegexField(
        # Anchored: a RegexField searches (and trims, so `$` cannot pass a trailing newline).
        f"^{charging.PAYMENT_METHOD_ID.pattern}$",
        max_length=255,
        required=False,
        help_text="The PaymentMethod Stripe's SDK made of the card (pm_...): the donation is charged at once "
        "with one PaymentIntent. Without it the donation waits for the deprecated SetupIntent + `charge` path.",
    )

    def validate(self, attrs):
        if ("amount_minor" in attrs) == ("amount" in attrs):
            raise serializers.ValidationError({"amount": [gettext("Give exactly one of amount or amount_minor.")]})
        return attrs

    def amount_minor_for(self, currency: str) -> int:
        """The amount in minor units of the campaign's currency (parse_amount for typed text)."""
        data = self.validated_data
        if "amount_minor" in data:
            return data["amount_minor"]
        try:
            return parse_amount(data["amount"], currency)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"amount": exc.messages})


class DonationCreateSchema(OpenApiSerializerExtension):
    """The schema says what `validate` checks: exactly one of `amount_minor` and `amount`."""

    target_class = DonationCreateSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)  # noqa: SLF001 - spectacular's API
        schema["oneOf"] = [{"required": ["amount_minor"]}, {"required": ["amount"]}]
        # What the schema can promise without knowing the campaign's currency (fundraising.rules).
        low, high = rules.limits_in_every_currency()
        schema["properties"]["amount_minor"].update({"minimum": low, "maximum": high})
        schema["properties"]["amount"]["pattern"] = rules.TYPED_AMOUNT_EVERYWHERE_PATTERN
        return schema


class ChargeSerializer(serializers.Serializer):
    setup_intent_id = serializers.CharField(max_length=255)


PAYMENT_STATUSES = [
    ("succeeded", "succeeded"),
    ("requires_action", "requires_action"),
    ("pending", "pending"),
    ("failed", "failed"),
]


class DonationOutcomeSerializer(DonationSerializer):
    """A donation and what the program does next (`status`): `requires_action` means confirm the
    PaymentIntent's `client_secret` with Stripe's SDK (3-D Secure), then call `refresh`."""

    status = serializers.ChoiceField(choices=PAYMENT_STATUSES, read_only=True)
    client_secret = serializers.CharField(read_only=True, allow_null=True)
    next_action = serializers.CharField(read_only=True, allow_null=True, help_text="`confirm_card_payment` or null")

    class Meta(DonationSerializer.Meta):
        fields = [*DonationSerializer.Meta.fields, "status", "client_secret", "next_action"]
        read_only_fields = fields


class DonationStartedSerializer(DonationOutcomeSerializer):
    setup_intent_client_secret = serializers.CharField(
        read_only=True, allow_null=True, help_text="Deprecated: the SetupIntent path (no `payment_method_id`)."
    )
    stripe_publishable_key = serializers.CharField(read_only=True)
    charge_summary = serializers.DictField(read_only=True, help_text="What the card is charged, in words.")

    class Meta(DonationOutcomeSerializer.Meta):
        fields = [
            *DonationOutcomeSerializer.Meta.fields,
            "setup_intent_client_secret",
            "stripe_publishable_key",
            "charge_summary",
        ]
        read_only_fields = fields


class DonationStartedSchema(OpenApiSerializerExtension):
    target_class = DonationStartedSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)  # noqa: SLF001 - spectacular's API
        schema["properties"]["setup_intent_client_secret"]["deprecated"] = True
        return schema


def payment_status(donation: Donation, client_secret: str) -> str:
    """The donate page's words for what comes next (fundraising.views._outcome)."""
    if donation.is_paid:
        return "succeeded"
    if donation.state == Donation.State.PENDING:
        return "requires_action" if client_secret else "pending"
    return "failed"


def outcome_body(donation: Donation, client_secret: str = "") -> dict:
    data = DonationSerializer(donation).data
    data["status"] = payment_status(donation, client_secret)
    data["client_secret"] = client_secret or None
    data["next_action"] = "confirm_card_payment" if client_secret else None
    return data


REQUEST_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
REQUEST_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": REQUEST_KEY_PATTERN, "maxLength": 64},
    location=OpenApiParameter.HEADER,
    description=(
        "Your own key for this create (e.g. a UUID). Sent again (a retry after a timeout), it answers "
        "the donation the first request made, with `Idempotent-Replayed: true`, and charges nothing "
        "more; with a different campaign or amount it is a 409."
    ),
)


def request_key_of(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if key and not re.fullmatch(REQUEST_KEY_PATTERN, key):
        raise serializers.ValidationError(
            {"Idempotency-Key": [gettext("Use 1 to 64 letters, digits or the characters _ . : -")]}
        )
    return key


def started_body(donation: Donation, client_secret: str = "", setup_client_secret: str = "") -> dict:
    body = outcome_body(donation, client_secret)
    body.update(
        {
            "setup_intent_client_secret": setup_client_secret or None,
            "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            # Show this to the donor before confirming the card: it is what will be charged.
            "charge_summary": selectors.donation_charge_summary(donation=donation),
        }
    )
    return body


def uuid_or_404(value: str) -> uuid.UUID:
    """The router accepts any segment; a malformed one is a (JSON) 404 here, not a 500 in the ORM."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such donation.") from None


def payment_unavailable(exc: gateway.GatewayError) -> Response:
    """Stripe unreachable: 503 with Retry-After (try again shortly); another refusal: 502."""
    if exc.code == "unavailable":
        return Response(
            error_body(exc.message, code="unavailable"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "30"},
        )
    return Response(error_body(exc.message, code=exc.code or "payment_error"), status=status.HTTP_502_BAD_GATEWAY)


class DonationFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", help_text="Campaign slug")
    state = django_filters.ChoiceFilter(choices=Donation.State.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Donation
        fields = ["campaign", "state", "created_after", "created_before"]


class DonationViewSet(MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own donations, newest first (cursor pages): `?campaign=`, `?state=`,
    `?created_after=`, `?created_before=`."""

    serializer_class = DonationSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "public_id"
    queryset = Donation.objects.none()
    pagination_class = NewestFirstCursor
    filterset_class = DonationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Donation.objects.none()
        return selectors.donation_list_for_donor(user=self.request.user)

    def _outcome(self, donation: Donation, client_secret: str = "") -> Response:
        return Response(outcome_body(donation, client_secret))

    @extend_schema(
        request=DonationCreateSerializer, responses={201: DonationStartedSerializer}, parameters=[REQUEST_KEY_HEADER]
    )
    def create(self, request):
        """Create a donation. With `payment_method_id`: charged at once with one PaymentIntent
        (`status`: `succeeded`, `failed`, `pending`, or `requires_action` with the `client_secret`
        to confirm with Stripe's SDK, then `refresh`). Without it (deprecated): a pending donation and
        the SetupIntent to confirm, then `charge`."""
        # Each call creates a Stripe customer and SetupIntent: the same limits as the donation form.
        message = gettext("Too many donation attempts; please wait a few minutes and try again.")
        ratelimits.enforce_ip("donation_start_ip", request, message=message)
        ratelimits.enforce_user("donation_start_user", request.user, message=message)
        ratelimits.enforce_email("donation_start_email", request.user.email, message=message)
        request_key = request_key_of(request)
        payload = DonationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        campaign = campaign_selectors.campaign_get_public(slug=data["campaign"])
        if campaign is None:
            raise serializers.ValidationError({"campaign": [gettext("No such campaign.")]})
        payment_method_id = data.get("payment_method_id", "")
        amount_minor = payload.amount_minor_for(campaign.currency)
        try:
            donation, setup = donations.donation_begin(
                gift=donations.Gift(
                    campaign=campaign,
                    amount_minor=amount_minor,
                    cover_fee=data["cover_fee"],
                    donor_name=data["donor_name"],
                    email="",  # the account's (donation_create)
                    visibility=data["visibility"],
                    message=data["message"],
                    user=request.user,
                ),
                card_setup=not payment_method_id,
                client_request_key=request_key,
            )
            client_secret = ""
            if payment_method_id:
                # One PaymentIntent, created and confirmed by the server under the donation's own
                # idempotency keys (`donation-<id>-intent`, `-confirm`): a retried `refresh` or a
                # second request never makes another one.
                donation, client_secret = charging.donation_charge_new(
                    donation=donation, payment_method_id=payment_method_id
                )
        except donations.DonationRequestRepeated as repeated:
            return self._replay(repeated.donation, campaign=campaign, amount_minor=amount_minor, data=data)
        except gateway.GatewayError as exc:  # DonationNotStarted: the donation was failed again
            return payment_unavailable(exc)
        return Response(started_body(donation, client_secret, setup["client_secret"]), status=status.HTTP_201_CREATED)

    def _replay(self, earlier: Donation, *, campaign, amount_minor: int, data: dict) -> Response:
        """The answer to a create whose Idempotency-Key an earlier create used: that donation as it
        stands now (a pending 3-D Secure one with its client secret again), nothing charged."""
        if (earlier.campaign_id, earlier.amount_minor, bool(earlier.fee_minor)) != (
            campaign.pk,
            amount_minor,
            data["cover_fee"],
        ):
            message = gettext("This Idempotency-Key was used for another donation; use a new key for a new donation.")
            return Response(error_body(message, code="idempotency_key_reused"), status=status.HTTP_409_CONFLICT)
        client_secret = ""
        if earlier.state == Donation.State.PENDING and earlier.stripe_payment_intent_id:
            try:
                earlier, client_secret = charging.donation_refresh(donation=earlier)
            except gateway.GatewayError as exc:
                return payment_unavailable(exc)
        response = Response(started_body(earlier, client_secret), status=status.HTTP_201_CREATED)
        response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=ChargeSerializer, responses={200: DonationOutcomeSerializer}, deprecated=True)
    @action(detail=True, methods=["post"])
    def charge(self, request, public_id=None):
        """Deprecated: charge the card saved by the confirmed SetupIntent. Create the donation with
        `payment_method_id` instead (one PaymentIntent, one 3-D Secure challenge at most)."""
        donation = get_object_or_404(self.get_queryset(), public_id=uuid_or_404(public_id))
        payload = ChargeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            donation, client_secret = charging.donation_charge(
                donation=donation, setup_intent_id=payload.validated_data["setup_intent_id"]
            )
        except gateway.GatewayError as exc:
            return payment_unavailable(exc)
        return self._outcome(donation, client_secret)

    @extend_schema(request=None, responses={200: DonationOutcomeSerializer})
    @action(detail=True, methods=["post"])
    def refresh(self, request, public_id=None):
        """Ask Stripe how the payment ended (after 3D Secure)."""
        donation = get_object_or_404(self.get_queryset(), public_id=uuid_or_404(public_id))
        try:
            donation, client_secret = charging.donation_refresh(donation=donation)
        except gateway.GatewayError as exc:
            return payment_unavailable(exc)
        return self._outcome(donation, client_secret)


def register(router) -> None:
    router.register("donations", DonationViewSet, basename="donation")

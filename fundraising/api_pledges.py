"""/api/v1/pledges/: all-or-nothing pledges for programs, through the same services as the pledge
page (fundraising/pledge_views.py): create one (its SetupIntent's client secret comes back to
confirm with Stripe's SDK; nothing is charged), `confirm` once the card is saved, change the
amount (PATCH) or `cancel` before the deadline. The caller's own pledges only; another backer's
pledge is a 404. Monthly gifts: fundraising/api_monthly.py."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.money import MAX_AMOUNT_MINOR
from fundraising import gateway, rules, selectors
from fundraising.api import payment_unavailable, uuid_or_404
from fundraising.models import Donation, Pledge
from fundraising.services import pledges

START_LIMIT_MESSAGE = _("Too many attempts; please wait a few minutes and try again.")


class PledgeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "campaign",
            "state",
            "amount_minor",
            "currency",
            "visibility",
            "failure_message",
            "payment_due_at",
            "created_at",
        ]
        read_only_fields = fields


class PledgeCreateSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    amount_minor = serializers.IntegerField(
        min_value=1, max_value=MAX_AMOUNT_MINOR - 1, help_text="Minor units of the campaign's currency."
    )
    visibility = serializers.ChoiceField(choices=Donation.Visibility.choices, default=Donation.Visibility.NAME)


class PledgeAmountSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT_MINOR - 1)


class PledgeConfirmSerializer(serializers.Serializer):
    setup_intent_id = serializers.CharField(max_length=255)


class _AmountBounds(OpenApiSerializerExtension):
    """The amount bounds every currency accepts (fundraising.rules), as for donations."""

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)  # noqa: SLF001 - spectacular's API
        low, high = rules.limits_in_every_currency()
        schema["properties"]["amount_minor"].update({"minimum": low, "maximum": high})
        return schema


class PledgeCreateSchema(_AmountBounds):
    target_class = PledgeCreateSerializer


class PledgeAmountSchema(_AmountBounds):
    target_class = PledgeAmountSerializer


class PledgeViewSet(MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PledgeSerializer
    parser_classes = [JSONParser]  # a program's API: JSON bodies (null means null)
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "public_id"
    queryset = Pledge.objects.none()
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pledge.objects.none()
        return selectors.pledge_list_for_backer(user=self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), public_id=uuid_or_404(self.kwargs["public_id"]))

    @extend_schema(request=PledgeCreateSerializer, responses={201: PledgeSerializer})
    def create(self, request):
        """Pledge on an all-or-nothing campaign: nothing is charged unless the goal is met by the deadline."""
        ratelimits.enforce_ip("donation_start_ip", request, message=START_LIMIT_MESSAGE)
        ratelimits.enforce_user("donation_start_user", request.user, message=START_LIMIT_MESSAGE)
        payload = PledgeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        campaign = campaign_selectors.campaign_get_public(slug=data["campaign"])
        if campaign is None:
            raise serializers.ValidationError({"campaign": [gettext("No such campaign.")]})
        try:
            pledge, setup = pledges.pledge_begin(
                campaign=campaign, actor=request.user, amount_minor=data["amount_minor"], visibility=data["visibility"]
            )
        except gateway.GatewayError as exc:
            return payment_unavailable(exc)
        body = PledgeSerializer(pledge).data
        body.update(
            {
                "setup_intent_id": setup["setup_intent_id"],
                "setup_intent_client_secret": setup["client_secret"],
                "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            }
        )
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=PledgeConfirmSerializer, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, public_id=None):
        """After Stripe's SDK confirmed the SetupIntent: the pledge becomes active (nothing charged)."""
        # The caller's own pledge, the one still saving its card included (the list leaves those out).
        pledge = selectors.pledge_get_by_public_id(public_id=uuid_or_404(public_id))
        if pledge is None or pledge.backer_id != request.user.pk:
            raise Http404("No such pledge.")
        payload = PledgeConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            pledge = pledges.pledge_confirm(pledge=pledge, setup_intent_id=payload.validated_data["setup_intent_id"])
        except gateway.GatewayError as exc:
            return payment_unavailable(exc)
        return Response(PledgeSerializer(pledge).data)

    @extend_schema(request=PledgeAmountSerializer, responses={200: PledgeSerializer})
    def partial_update(self, request, public_id=None):
        """Change the amount before the deadline."""
        pledge = self.get_object()
        payload = PledgeAmountSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pledge = pledges.pledge_change_amount(
            pledge=pledge, actor=request.user, amount_minor=payload.validated_data["amount_minor"]
        )
        return Response(PledgeSerializer(pledge).data)

    @extend_schema(request=None, responses={200: PledgeSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        """Withdraw before the deadline; the saved card is never charged for it."""
        pledge = pledges.pledge_cancel(pledge=self.get_object(), actor=request.user)
        return Response(PledgeSerializer(pledge).data)


def register(router) -> None:
    router.register("pledges", PledgeViewSet, basename="pledge")

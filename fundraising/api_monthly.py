"""/api/v1/monthly-gifts/: a donor's monthly gifts, through the same services as the plan's page
(fundraising/monthly_views.py): list them, read one (its next charge and paid months), change the
amount (PATCH, from the next charge) and cancel (cancelling twice answers the cancelled gift).
Signed-in donors only, their own gifts only: someone else's gift is a 404. Starting a monthly gift
stays on the donate page (its first month is a card payment there)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.money import MAX_AMOUNT_MINOR
from fundraising import monthly_selectors
from fundraising.api import uuid_or_404
from fundraising.api_pledges import _AmountBounds
from fundraising.models import MonthlyPlan
from fundraising.services import monthly_manage


class MonthlyGiftSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    next_charge = serializers.SerializerMethodField(help_text="The next charge in words, or why there is none.")

    class Meta:
        model = MonthlyPlan
        fields = [
            "id",
            "campaign",
            "state",
            "amount_minor",
            "cover_fee",
            "currency",
            "visibility",
            "next_period",
            "next_charge_at",
            "next_charge",
            "failure_message",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    def get_next_charge(self, plan) -> str:
        return monthly_selectors.monthly_plan_next_charge_text(plan)


class MonthlyChargeSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM")
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    amount_minor = serializers.IntegerField(allow_null=True)


class MonthlyGiftDetailSerializer(MonthlyGiftSerializer):
    charges = serializers.SerializerMethodField()

    class Meta(MonthlyGiftSerializer.Meta):
        fields = [*MonthlyGiftSerializer.Meta.fields, "charges"]
        read_only_fields = fields

    @extend_schema_field(MonthlyChargeSerializer(many=True))
    def get_charges(self, plan) -> list[dict]:
        page = monthly_selectors.monthly_plan_page(plan=plan)
        return [
            {key: charge[key] for key in ("period", "state", "attempts", "amount_minor")} for charge in page["charges"]
        ]


class MonthlyGiftAmountSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(
        min_value=1, max_value=MAX_AMOUNT_MINOR - 1, help_text="Each month, minor units of the gift's currency."
    )


class MonthlyGiftAmountSchema(_AmountBounds):
    target_class = MonthlyGiftAmountSerializer


class MonthlyGiftViewSet(MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own monthly gifts, newest first."""

    serializer_class = MonthlyGiftSerializer
    parser_classes = [JSONParser]
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "public_id"
    queryset = MonthlyPlan.objects.none()
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonthlyPlan.objects.none()
        return monthly_selectors.monthly_plan_list_for_donor(user=self.request.user)

    def get_serializer_class(self):
        return MonthlyGiftDetailSerializer if self.action == "retrieve" else MonthlyGiftSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), public_id=uuid_or_404(self.kwargs["public_id"]))

    @extend_schema(request=MonthlyGiftAmountSerializer, responses={200: MonthlyGiftSerializer})
    def partial_update(self, request, public_id=None):
        """Change the monthly amount; it applies from the next charge. A cancelled gift is a 409."""
        plan = self.get_object()
        payload = MonthlyGiftAmountSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            plan = monthly_manage.monthly_plan_change_amount(
                plan=plan, actor=request.user, amount_minor=payload.validated_data["amount_minor"]
            )
        except ValidationError as exc:  # the service names the page's field, `amount`
            if hasattr(exc, "error_dict") and "amount" in exc.error_dict:
                raise ValidationError({"amount_minor": exc.message_dict["amount"]}) from exc
            raise
        return Response(MonthlyGiftSerializer(plan).data)

    @extend_schema(request=None, responses={200: MonthlyGiftSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        """Stop the gift: nothing more is charged. Cancelling a cancelled gift answers it unchanged."""
        plan = monthly_manage.monthly_plan_cancel(plan=self.get_object(), actor=request.user)
        return Response(MonthlyGiftSerializer(plan).data)


def register(router) -> None:
    router.register("monthly-gifts", MonthlyGiftViewSet, basename="monthly-gift")

"""/api/v1/me/webhooks/: the webhooks of the caller's campaigns (what the campaign's webhook
settings page shows): register one (its secret comes back, and stays readable by the organizer to
verify signatures), list them with `?campaign=`, disable one (DELETE; its deliveries stay), and
read its deliveries with their status. Through campaigns.services.webhooks and the selectors."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from campaigns import policies, selectors
from campaigns.models import WebhookDelivery, WebhookEndpoint
from campaigns.services import webhooks
from causeweb.core.api_pagination import NewestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import id_or_404


class WebhookEndpointSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEndpoint.EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "campaign", "url", "event_types", "secret", "is_active", "created_at"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer):
    campaign = serializers.SlugField(max_length=140, help_text="One of your campaigns")
    url = serializers.URLField(max_length=500, help_text="https; a public address")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.EventType.choices),
        min_length=1,
        max_length=len(WebhookEndpoint.EventType.choices),
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields


class WebhookEndpointViewSet(
    MethodFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    queryset = WebhookEndpoint.objects.none()
    filter_backends: list = []
    pagination_class = None  # at most a few per campaign (MAX_ENDPOINTS_PER_CAMPAIGN)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        endpoints = selectors.webhook_endpoint_list_for_organizer(user=self.request.user)
        if self.request.query_params.get("campaign"):
            endpoints = endpoints.filter(campaign__slug=self.request.query_params["campaign"])
        return endpoints

    def get_object(self):
        endpoint = self.get_queryset().filter(pk=id_or_404(self.kwargs["pk"])).first()
        if endpoint is None:
            raise Http404("No such webhook.")
        return endpoint

    @extend_schema(parameters=[OpenApiParameter("campaign", str, description="Campaign slug")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointSerializer})
    def create(self, request):
        """Register a URL for some of a campaign's events (409 for a duplicate, or past the limit)."""
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = selectors.campaign_get_for_manager(slug=data.validated_data["campaign"], user=request.user)
        if campaign is None or not policies.is_organizer(request.user, campaign):
            raise serializers.ValidationError({"campaign": [gettext("No such campaign of yours.")]})
        endpoint = webhooks.webhook_endpoint_create(
            campaign=campaign,
            actor=request.user,
            url=data.validated_data["url"],
            event_types=data.validated_data["event_types"],
        )
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Disable it: nothing more is sent; its deliveries stay readable."""
        webhooks.webhook_endpoint_disable(endpoint=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=NewestFirstCursor)
    def deliveries(self, request, pk=None):
        """Its deliveries, newest first, with their status, attempts and the partner's last answer."""
        page = self.paginate_queryset(selectors.webhook_delivery_list(endpoint=self.get_object()))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


def register(router) -> None:
    router.register("me/webhooks", WebhookEndpointViewSet, basename="my-webhook")

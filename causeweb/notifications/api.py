"""/api/v1/notifications/: a signed-in person's own notifications (newest first, paginated),
the unread count, mark one / all read, and their email preferences. Same selectors and services
as the HTML views; nobody ever sees someone else's notifications."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from causeweb.core.api_pagination import NewestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import id_or_404
from causeweb.notifications import kinds, selectors, services
from causeweb.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()
    # In the request's language when the caller stored a message (texts.py); else as stored.
    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in kinds.optional_kinds()],
        error_messages={
            "invalid_choice": _('"{input}" is not an optional kind: mandatory mail cannot be switched off.')
        },
    )
    email = serializers.BooleanField()
    digest = serializers.BooleanField()


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(min_value=0)


class ReadAllSerializer(UnreadCountSerializer):
    marked = serializers.IntegerField(min_value=0, help_text="How many were unread and are now read.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", help_text="Only the unread ones")
    kind = django_filters.ChoiceFilter(choices=[(kind.value, kind.label) for kind in kinds.Kind])

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class NotificationViewSet(MethodFirstMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first (cursor pages); `?unread=true`, `?kind=`."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirstCursor
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notification_queryset_for_user(user=self.request.user)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses=UnreadCountSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        services.notification_mark_read(user=request.user, notification_id=id_or_404(pk))
        return Response({"unread": selectors.notification_unread_count(user=request.user)})

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.notification_mark_all_read(user=request.user)
        return Response({"marked": marked, "unread": 0})

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    @action(
        detail=False,
        methods=["get", "put"],
        serializer_class=PreferenceSerializer,
        pagination_class=None,
        parser_classes=[JSONParser],
    )
    def preferences(self, request):
        """GET: every optional kind's choice. PUT: a list of {kind, email, digest}."""
        if request.method == "PUT":
            serializer = PreferenceSerializer(data=request.data, many=True)
            serializer.is_valid(raise_exception=True)
            rows = serializer.validated_data
            choices = {row["kind"]: {"email": row["email"], "digest": row["digest"]} for row in rows}
            try:
                services.notification_preferences_update(user=request.user, choices=choices)
            except ValidationError as exc:
                raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        current = selectors.notification_preferences_for_user(user=request.user)
        return Response([{"kind": kind, **choice} for kind, choice in current.items()])


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")

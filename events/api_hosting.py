"""/api/v1/me/events/: the events the caller hosts: create, edit (PATCH), cancel, the attendee
list (the CSV export as JSON), check people in and add walk-ins. /api/v1/me/rsvps/: the caller's
RSVPs. Through the same services as the host's pages (events/views/host.py, check_in.py); an
event someone else hosts is a 404."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import ID_MAX
from causeweb.core.validators import validate_single_line
from communities import selectors as group_selectors
from events import policies, selectors
from events.api import EventDetailSerializer, EventListSerializer, RSVPSerializer
from events.models import RSVP, TIMEZONE_CHOICES, Event
from events.services import events as event_services
from events.services import hosting


class EventInputSerializer(serializers.Serializer):
    """The host form's fields; times in ISO 8601 with an offset (stored in UTC), `timezone` the
    zone the event is shown in. `campaign` and `group` are slugs (a published campaign; a group you
    may host for)."""

    title = serializers.CharField(max_length=140, validators=[validate_single_line])
    description = serializers.CharField(max_length=20_000, help_text="Markdown.")
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    timezone = serializers.ChoiceField(choices=TIMEZONE_CHOICES, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_name = serializers.CharField(
        max_length=140, required=False, allow_blank=True, validators=[validate_single_line]
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, validators=[validate_single_line])
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, validators=[validate_single_line])
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    online_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    accessibility_notes = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    max_guests_per_rsvp = serializers.IntegerField(min_value=0, max_value=20, required=False)
    rsvp_deadline = serializers.DateTimeField(required=False, allow_null=True)
    waitlist_mode = serializers.ChoiceField(choices=Event.WaitlistMode.choices, required=False)
    claim_window_hours = serializers.IntegerField(min_value=1, max_value=168, required=False)
    turnout_minimum = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    commitment_deadline = serializers.DateTimeField(required=False, allow_null=True)
    campaign = serializers.SlugField(max_length=140, required=False, allow_null=True)
    group = serializers.SlugField(max_length=140, required=False, allow_null=True)

    def service_fields(self) -> dict:
        """The validated fields, with `campaign` and `group` loaded (an unknown slug is a field error)."""
        fields = dict(self.validated_data)
        if fields.get("campaign"):
            fields["campaign"] = campaign_selectors.campaign_get_public(slug=fields["campaign"])
            if fields["campaign"] is None:
                raise serializers.ValidationError({"campaign": [gettext("No such published campaign.")]})
        if fields.get("group"):
            fields["group"] = group_selectors.group_get_by_slug(slug=fields["group"])
            if fields["group"] is None:
                raise serializers.ValidationError({"group": [gettext("No such group.")]})
        return fields


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CheckInInputSerializer(serializers.Serializer):
    """The short code on the attendee's ticket (or QR), or the RSVP's id from the attendee list."""

    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    rsvp = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False, allow_null=True, default=None)


class WalkInInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    guests = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)


class AttendeeSerializer(serializers.Serializer):
    """One row of the host's attendee CSV (the same columns), as JSON."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    status = serializers.ChoiceField(choices=RSVP.Status.choices)
    confirmation = serializers.CharField()
    guests = serializers.IntegerField()
    waitlist_position = serializers.IntegerField(allow_null=True)
    check_in_code = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    walk_in = serializers.BooleanField()
    rsvped_at = serializers.DateTimeField()


class CheckedInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    guests = serializers.IntegerField()
    checked_in_at = serializers.DateTimeField()


class MyRSVPSerializer(RSVPSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="event.starts_at", read_only=True)

    class Meta(RSVPSerializer.Meta):
        fields = ["event", "event_title", "starts_at", *RSVPSerializer.Meta.fields]


def _attendee(rsvp: RSVP, row: list) -> dict:
    values = dict(zip(hosting.ATTENDEE_EXPORT_HEADER, row, strict=True))
    return {
        "id": rsvp.pk,
        "name": values["name"],
        "email": values["email"],
        "status": values["status"],
        "confirmation": values["confirmation"],
        "guests": values["guests"],
        "waitlist_position": rsvp.waitlist_position,
        "check_in_code": values["check_in_code"],
        "checked_in_at": rsvp.checked_in_at,
        "walk_in": rsvp.is_walk_in,
        "rsvped_at": rsvp.created_at,
    }


class HostedEventViewSet(
    MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Events the caller hosts, latest start first, cancelled ones included."""

    lookup_field = "slug"
    serializer_class = EventDetailSerializer
    parser_classes = [JSONParser]  # a program's API: JSON bodies (null means null)
    permission_classes = [permissions.IsAuthenticated]
    queryset = Event.objects.none()
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return selectors.event_list_hosted_by(user=self.request.user)

    def get_serializer_class(self):
        """Rows of the list are cards; one event, all of it (its detail reads the viewer's RSVP)."""
        return EventListSerializer if self.action == "list" else EventDetailSerializer

    def get_object(self):
        event = selectors.event_get_by_slug(slug=self.kwargs["slug"])
        if event is None or not policies.is_host(event, self.request.user):
            raise Http404("No such event.")
        return event

    def _answer(self, event, code=status.HTTP_200_OK):
        event = selectors.event_get_by_slug(slug=event.slug)
        return Response(EventDetailSerializer(event, context={"request": self.request}).data, status=code)

    @extend_schema(request=EventInputSerializer, responses={201: EventDetailSerializer})
    def create(self, request):
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(event_services.event_create(host=request.user, **data.service_fields()), 201)

    @extend_schema(request=EventInputSerializer(partial=True), responses={200: EventDetailSerializer})
    def partial_update(self, request, slug=None):
        """Change the fields given; people going are told when the time or place changes."""
        event = self.get_object()
        data = EventInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._answer(event_services.event_update(event_id=event.pk, actor=request.user, **data.service_fields()))

    @extend_schema(request=CancelInputSerializer, responses={200: EventDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, slug=None):
        """Cancel it; everyone with an RSVP is told (409 if already cancelled)."""
        event = self.get_object()
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(event_services.event_cancel(event_id=event.pk, actor=request.user, **data.validated_data))

    @extend_schema(responses=AttendeeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def attendees(self, request, slug=None):
        """The attendee CSV as JSON: going, unconfirmed, waiting, cancelled (names and emails: the host only)."""
        event = self.get_object()
        lists = selectors.event_rsvp_lists(event=event)
        rsvps = [*lists["going"], *lists["unconfirmed"], *lists["waiting"], *lists["cancelled"]]
        rows = hosting.attendee_export_rows(event=event, actor=request.user)
        return Response([_attendee(rsvp, row) for rsvp, row in zip(rsvps, rows, strict=True)])

    @extend_schema(request=CheckInInputSerializer, responses={200: CheckedInSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, slug=None):
        """Mark someone arrived by code or RSVP id (409 if already checked in)."""
        event = self.get_object()
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["code"] and not data.validated_data["rsvp"]:
            raise serializers.ValidationError({"code": [gettext("Give the attendee's code or the RSVP id.")]})
        rsvp = hosting.rsvp_check_in(
            event_id=event.pk, actor=request.user, code=data.validated_data["code"], rsvp_id=data.validated_data["rsvp"]
        )
        return Response(CheckedInSerializer(rsvp).data)

    @extend_schema(request=WalkInInputSerializer, responses={201: CheckedInSerializer})
    @action(detail=True, methods=["post"], url_path="walk-ins")
    def walk_ins(self, request, slug=None):
        """Someone turned up without an RSVP: add them, checked in, if a seat is free."""
        event = self.get_object()
        data = WalkInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rsvp = hosting.rsvp_add_walk_in(event_id=event.pk, actor=request.user, **data.validated_data)
        return Response(CheckedInSerializer(rsvp).data, status=status.HTTP_201_CREATED)


class MyRSVPViewSet(MethodFirstMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's RSVPs (going, waiting, offered) to events not yet over, soonest first."""

    serializer_class = MyRSVPSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = RSVP.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RSVP.objects.none()
        return selectors.rsvp_queryset_for_user(user=self.request.user)


def register(router) -> None:
    router.register("me/events", HostedEventViewSet, basename="hosted-event")
    router.register("me/rsvps", MyRSVPViewSet, basename="my-rsvp")

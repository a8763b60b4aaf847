"""/api/v1/events/: public reads (with the same filters as the browse page, near-a-point included)
and, for signed-in people, RSVP and cancel through the same services as the HTML views."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from causeweb.core import ratelimits
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.exceptions import ValidationError
from causeweb.core.validators import validate_single_line
from events import policies, selectors
from events.forms import EventFilterForm
from events.models import RSVP, Event
from events.services import rsvps


class EventListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    host = serializers.CharField(source="host.public_name", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    cause = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    starts_at_local = serializers.SerializerMethodField()
    seats_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_online = serializers.BooleanField(read_only=True)
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "status",
            "timezone",
            "starts_at",
            "ends_at",
            "starts_at_local",
            "venue_name",
            "address",
            "city",
            "latitude",
            "longitude",
            "is_online",
            "capacity",
            "going_seats",
            "seats_left",
            "rsvp_deadline",
            "turnout_minimum",
            "commitment_deadline",
            "host",
            "campaign",
            "cause",
            "distance_km",
            "url",
        ]

    def get_url(self, event) -> str:
        request = self.context.get("request")
        path = event.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_starts_at_local(self, event) -> str:
        """The start as a wall-clock time with offset, in the event's own zone."""
        return event.starts_at.astimezone(event.zone).isoformat()

    def get_distance_km(self, event) -> float | None:
        distance = getattr(event, "distance_km", None)
        return round(distance, 2) if distance is not None else None


class EventDetailSerializer(EventListSerializer):
    online_url = serializers.SerializerMethodField()
    my_rsvp = serializers.SerializerMethodField()

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "description_html",
            "accessibility_notes",
            "max_guests_per_rsvp",
            "waitlist_mode",
            "online_url",
            "my_rsvp",
        ]

    def _viewer_rsvp(self, event):
        if "viewer_rsvp" not in self.context:
            request = self.context.get("request")
            self.context["viewer_rsvp"] = selectors.rsvp_active_for_user(
                event=event, user=request.user if request else None
            )
        return self.context["viewer_rsvp"]

    def get_online_url(self, event) -> str | None:
        """Only those the policy lets see it (the host, people confirmed going) get the link."""
        request = self.context.get("request")
        viewer = request.user if request else None
        if policies.can_see_online_link(event, viewer=viewer, rsvp=self._viewer_rsvp(event)):
            return event.online_url
        return None

    def get_my_rsvp(self, event) -> dict | None:
        rsvp = self._viewer_rsvp(event)
        return RSVPSerializer(rsvp).data if rsvp else None


class RSVPSerializer(serializers.ModelSerializer):
    waitlist_place = serializers.SerializerMethodField()

    class Meta:
        model = RSVP
        fields = [
            "id",
            "status",
            "guests",
            "waitlist_place",
            "offer_expires_at",
            "check_in_code",
            "show_publicly",
            "created_at",
        ]

    def get_waitlist_place(self, rsvp) -> int | None:
        return rsvps.rsvp_waitlist_place(rsvp)


class RSVPInputSerializer(serializers.Serializer):
    guests = serializers.IntegerField(min_value=0, max_value=20, required=False, default=0)
    show_publicly = serializers.BooleanField(required=False, default=False)
    keep_updated = serializers.BooleanField(
        required=False, default=False, help_text="Email me the updates of the event's campaign (never assumed)."
    )


class GuestRSVPInputSerializer(RSVPInputSerializer):
    name = serializers.CharField(max_length=120, validators=[validate_single_line])
    email = serializers.EmailField(max_length=254)


class GuestRSVPSerializer(serializers.ModelSerializer):
    """What a guest is told: their place, not their ticket (the email carries the link that confirms
    the address and manages the RSVP; until then the seat is held for a while)."""

    waitlist_place = serializers.SerializerMethodField()
    confirm_by_email = serializers.SerializerMethodField()

    class Meta:
        model = RSVP
        fields = ["status", "guests", "waitlist_place", "hold_expires_at", "confirm_by_email"]
        read_only_fields = fields

    def get_waitlist_place(self, rsvp) -> int | None:
        return rsvps.rsvp_waitlist_place(rsvp)

    def get_confirm_by_email(self, rsvp) -> bool:
        return rsvp.is_unconfirmed


# Filters naming a row: an id or slug that does not exist (or is not public) is an empty list, not a 400.
UNKNOWN_IS_EMPTY = {"campaign", "cause"}

FILTER_PARAMETERS = [
    OpenApiParameter("kind", str, enum=Event.Kind.values),
    OpenApiParameter("campaign", int, description="Campaign id (one that is not public: no events)"),
    OpenApiParameter("cause", str, description="Cause slug"),
    OpenApiParameter("mode", str, enum=["online", "in_person"]),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="YYYY-MM-DD"),
    OpenApiParameter(
        "lat", {"type": "number", "minimum": -90, "maximum": 90}, description="Latitude; give it with `lng`"
    ),
    OpenApiParameter(
        "lng", {"type": "number", "minimum": -180, "maximum": 180}, description="Longitude; give it with `lat`"
    ),
    OpenApiParameter("radius_km", {"type": "number", "minimum": 1, "maximum": 20_000}, description="Default 50"),
    OpenApiParameter("past", bool),
]


class EventViewSet(MethodFirstMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = EventListSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends: list = []  # filtering goes through the browse page's own form and selector

    queryset = Event.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Event.objects.none()
        form = EventFilterForm(self.request.query_params)
        if self.request.query_params and not form.is_valid():
            errors = form.errors.as_data()
            if set(errors) <= UNKNOWN_IS_EMPTY and all(
                e.code == "invalid_choice" for es in errors.values() for e in es
            ):
                return Event.objects.none()  # a campaign or cause that does not exist has no events
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        return selectors.event_list_public(filters=form.to_filters())

    def get_object(self):
        event = selectors.event_get_by_slug(slug=self.kwargs["slug"])
        if event is None or not policies.can_view_event(event, self.request.user):
            raise Http404
        return event

    def get_serializer_class(self):
        return EventDetailSerializer if self.action == "retrieve" else EventListSerializer

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RSVPInputSerializer, responses={201: RSVPSerializer, 204: None})
    @action(detail=True, methods=["post", "delete"], permission_classes=[permissions.IsAuthenticated])
    def rsvp(self, request, slug=None):
        """POST: RSVP as the signed-in person (waitlisted when full; 409 if already). DELETE: cancel it."""
        event = self.get_object()
        if request.method == "DELETE":
            rsvp = selectors.rsvp_active_for_user(event=event, user=request.user)
            if rsvp is None:
                raise Http404
            rsvps.rsvp_cancel(rsvp_id=rsvp.pk, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = RSVPInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = (
            campaign_selectors.referral_share_link_id(session=request.session, campaign_id=event.campaign_id)
            if event.campaign_id
            else None
        )
        rsvp = rsvps.rsvp_create(
            event_id=event.pk, user=request.user, referral_share_link_id=referral, **data.validated_data
        )
        return Response(RSVPSerializer(rsvp).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GuestRSVPInputSerializer, responses={201: GuestRSVPSerializer})
    @action(detail=True, methods=["post"], url_path="guest-rsvp", permission_classes=[permissions.AllowAny])
    def guest_rsvp(self, request, slug=None):
        """RSVP without an account, by name and email, with the site's limits: per client address and
        per recipient address (each RSVP emails the address given). The seat is held until the
        email's link confirms it. Signed-in callers use `rsvp`."""
        event = self.get_object()
        ratelimits.enforce_ip(
            "rsvp_guest_ip",
            request,
            message=gettext("Too many RSVPs from your connection in the last hour; please try again later."),
        )
        data = GuestRSVPInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ratelimits.enforce_email(
            "rsvp_email",
            data.validated_data["email"],
            message=gettext("We have already sent several emails to this address; please try again later."),
        )
        rsvp = rsvps.rsvp_create(event_id=event.pk, user=None, **data.validated_data)
        return Response(GuestRSVPSerializer(rsvp).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("events", EventViewSet, basename="event")

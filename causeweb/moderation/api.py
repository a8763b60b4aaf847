"""/api/v1/moderation/: the same queue and resolutions as the admin, for site moderators only
(403 for everyone else, Finance staff included); the public transparency log
(`decisions/`, `decisions/monthly/`), open to everyone, with no personal data; and /api/v1/flags/:
anyone signed in reports content they can see (any type in the moderation registry), through the
same service as the site's forms."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from causeweb.core.converters import ID_MAX
from causeweb.moderation import policies, selectors, services, transparency
from causeweb.moderation.models import Appeal, Flag, ModerationAction

RESOLUTIONS = ("dismiss", "hide", "hide_and_suspend")


class IsSiteModerator(permissions.BasePermission):
    def has_permission(self, request, view):
        return policies.is_site_moderator(request.user)


class ReasonCountSerializer(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


class QueueItemSerializer(serializers.Serializer):
    content_type = serializers.CharField(source="label")
    object_id = serializers.IntegerField()
    reporters = serializers.IntegerField()
    reasons = serializers.SerializerMethodField()
    preview = serializers.CharField()
    can_hide = serializers.BooleanField()
    first_flagged_at = serializers.DateTimeField()

    @extend_schema_field(ReasonCountSerializer(many=True))
    def get_reasons(self, item):
        return [{"reason": label, "count": count} for label, count in item.reasons]


class ResolveSerializer(serializers.Serializer):
    content_type = serializers.RegexField(r"^[a-z_]+\.[a-z_]+$")
    object_id = serializers.IntegerField(min_value=1)
    resolution = serializers.ChoiceField(choices=RESOLUTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ResolvedSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=RESOLUTIONS)
    flags_closed = serializers.IntegerField()


class FlagInputSerializer(serializers.Serializer):
    content_type = serializers.RegexField(
        r"^[a-z_]+\.[a-z_]+$",
        max_length=100,
        help_text="What it is: campaigns.campaign, campaigns.comment, "
        "communities.post, communities.thread, communities.group, events.event.",
    )
    object_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class FlagCreatedSerializer(serializers.Serializer):
    content_type = serializers.CharField()
    object_id = serializers.IntegerField()
    reason = serializers.CharField()


class FlagView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=FlagInputSerializer, responses={201: FlagCreatedSerializer}, operation_id="flags_create")
    def post(self, request):
        """Report it to the site moderators. 404 for what does not exist, cannot be flagged or you
        cannot see (the same answer, so private ids do not leak); 409 when you already flagged it."""
        data = FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app_label, model = data.validated_data["content_type"].split(".")
        target = selectors.flaggable_target_for(
            app_label=app_label, model=model, pk=data.validated_data["object_id"], user=request.user
        )
        if target is None:
            raise Http404
        services.flag_create(
            reporter=request.user, target=target, reason=data.validated_data["reason"], note=data.validated_data["note"]
        )
        body = {k: data.validated_data[k] for k in ("content_type", "object_id", "reason")}
        return Response(body, status=201)


class QueueView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSiteModerator]

    @extend_schema(responses=QueueItemSerializer(many=True), operation_id="moderation_queue_list")
    def get(self, request):
        return Response(QueueItemSerializer(selectors.flag_queue(), many=True).data)


class ResolveView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSiteModerator]

    @extend_schema(request=ResolveSerializer, responses=ResolvedSerializer, operation_id="moderation_queue_resolve")
    def post(self, request):
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        app_label, model = data.validated_data["content_type"].split(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        flag = content_type and selectors.open_flag_for(
            content_type_id=content_type.pk, object_id=data.validated_data["object_id"]
        )
        if not flag:
            raise Http404
        resolution, reason = data.validated_data["resolution"], data.validated_data["reason"]
        if resolution == "dismiss":
            closed = services.flag_dismiss(flag=flag, moderator=request.user, reason=reason)
        else:
            closed = services.flag_uphold(
                flag=flag, moderator=request.user, reason=reason, suspend_author=resolution == "hide_and_suspend"
            )
        return Response({"resolution": resolution, "flags_closed": closed})


class HiddenItemSerializer(serializers.Serializer):
    content_type = serializers.CharField(source="label")
    object_id = serializers.IntegerField()
    preview = serializers.CharField()
    outcome = serializers.CharField(source="decision.action")
    rule = serializers.CharField(source="decision.rule")
    hidden_at = serializers.DateTimeField(source="decision.created_at")


class RestoreSerializer(serializers.Serializer):
    content_type = serializers.RegexField(r"^[a-z_]+\.[a-z_]+$", max_length=100)
    object_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class RestoredSerializer(serializers.Serializer):
    content_type = serializers.CharField()
    object_id = serializers.IntegerField()
    flags_closed = serializers.IntegerField()


class HiddenView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSiteModerator]

    @extend_schema(responses=HiddenItemSerializer(many=True), operation_id="moderation_hidden_list")
    def get(self, request):
        """What site moderation hides now (any registered type), newest decision first."""
        return Response(HiddenItemSerializer(selectors.hidden_items(), many=True).data)


class RestoreView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSiteModerator]

    @extend_schema(request=RestoreSerializer, responses=RestoredSerializer, operation_id="moderation_restore")
    def post(self, request):
        """Put back hidden content of any registered type (events and groups included); audited and
        listed in the transparency log. 404 for what cannot be restored from here, 409 when it is
        not hidden."""
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.restorable_target_for(
            label=data.validated_data["content_type"], object_id=data.validated_data["object_id"]
        )
        if target is None:
            raise Http404
        closed = services.content_restore(target=target, moderator=request.user, reason=data.validated_data["reason"])
        body = {k: data.validated_data[k] for k in ("content_type", "object_id")}
        return Response({**body, "flags_closed": closed})


class PublicDecisionSerializer(serializers.Serializer):
    """One decision as the public sees it: no people, no content, no notes."""

    id = serializers.IntegerField()
    content_type = serializers.CharField(help_text='The kind of content ("event", "comment", "account", ...).')
    rule = serializers.ChoiceField(choices=[*Flag.Reason.values, ""])
    rule_label = serializers.CharField()
    decided_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=list(ModerationAction.DECISIONS))
    outcome_label = serializers.CharField()
    appeal = serializers.ChoiceField(choices=[*Appeal.Status.values, "none", "n/a"])
    appeal_label = serializers.CharField()

    def to_representation(self, instance):
        return super().to_representation(transparency.public_decision(instance))


class RuleTotalSerializer(serializers.Serializer):
    rule = serializers.CharField()
    count = serializers.IntegerField()


class MonthlyTotalSerializer(serializers.Serializer):
    month = serializers.DateField()
    total = serializers.IntegerField()
    rules = serializers.SerializerMethodField()

    @extend_schema_field(RuleTotalSerializer(many=True))
    def get_rules(self, month):
        return [{"rule": rule, "count": count} for rule, count in month["totals"].items()]


class DecisionListView(generics.ListAPIView):
    """The transparency log, newest first, paginated."""

    permission_classes = [permissions.AllowAny]
    serializer_class = PublicDecisionSerializer

    def get_queryset(self):
        return transparency.transparency_decisions()

    @extend_schema(operation_id="moderation_decisions_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MonthlyTotalsView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=MonthlyTotalSerializer(many=True), operation_id="moderation_decisions_monthly")
    def get(self, request):
        return Response(MonthlyTotalSerializer(transparency.transparency_monthly_totals(), many=True).data)


urlpatterns = [
    path("moderation/decisions/", DecisionListView.as_view(), name="moderation-decisions"),
    path("moderation/decisions/monthly/", MonthlyTotalsView.as_view(), name="moderation-decisions-monthly"),
    path("flags/", FlagView.as_view(), name="flags"),
    path("moderation/queue/", QueueView.as_view(), name="moderation-queue"),
    path("moderation/queue/resolve/", ResolveView.as_view(), name="moderation-queue-resolve"),
    path("moderation/hidden/", HiddenView.as_view(), name="moderation-hidden"),
    path("moderation/restore/", RestoreView.as_view(), name="moderation-restore"),
]


def register(router) -> None:
    """Plain views, mounted through `urlpatterns`; nothing for the router."""

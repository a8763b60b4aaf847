"""/api/v1/me/groups/: the groups the caller belongs to (private ones included, with their role),
starting a group, and what the group's policies let its owners and moderators do: edit it (owners),
read the member list (members), change roles (owners), remove members and decide join requests
(moderators); invitation links and bans are in communities/api_access.py. Through the same
services as the group's pages (communities/views/browse.py and membership.py); a group the
caller cannot see is a 404, one they may not manage a 403."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from campaigns import selectors as campaign_selectors
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import id_or_404
from causeweb.core.validators import validate_single_line
from communities import selectors
from communities.api import GroupDetailSerializer
from communities.api_access import GroupAccessActions
from communities.models import Group, JoinRequest, Membership
from communities.services import groups as group_services
from communities.services import membership as membership_services
from communities.services.site_moderation import site_moderator_read_record

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The membership or request id")


class MyGroupSerializer(GroupDetailSerializer):
    my_role = serializers.SerializerMethodField()

    def get_my_role(self, group) -> str | None:
        return self.context.get("roles", {}).get(group.pk)


class GroupInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, validators=[validate_single_line])
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Group.Visibility.choices, required=False)
    cause = serializers.SlugRelatedField(
        slug_field="slug", queryset=campaign_selectors.cause_list(), required=False, allow_null=True
    )
    location = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_single_line]
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    code_of_conduct = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.public_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "role", "joined_at"]
        read_only_fields = fields


class JoinRequestSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.public_name", read_only=True)

    class Meta:
        model = JoinRequest
        fields = ["id", "name", "message", "status", "created_at"]
        read_only_fields = fields


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class DecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class MyGroupViewSet(MethodFirstMixin, GroupAccessActions, mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_field = "slug"
    serializer_class = MyGroupSerializer
    parser_classes = [JSONParser]  # a program's API: JSON bodies (null means null)
    permission_classes = [permissions.IsAuthenticated]
    queryset = Group.objects.none()
    filter_backends: list = []
    pagination_class = None  # someone belongs to a handful of groups (the site lists them all too)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _roles(self):
        return dict(Membership.objects.filter(user=self.request.user).values_list("group_id", "role"))

    def list(self, request):
        """The groups the caller belongs to, by name, with their role in each."""
        groups = selectors.group_list_for_user(user=request.user)
        context = {"request": request, "roles": self._roles()}
        return Response(MyGroupSerializer(groups, many=True, context=context).data)

    def _group(self, slug):
        group = selectors.group_get_by_slug(slug=slug)
        if group is None:
            raise Http404(gettext("No such group."))
        access = selectors.group_access(group=group, user=self.request.user)
        if not access.can_view_group:
            raise Http404(gettext("No such group."))
        return group, access

    def _answer(self, group, code=status.HTTP_200_OK):
        group = selectors.group_get_by_slug(slug=group.slug)
        context = {"request": self.request, "roles": self._roles()}
        return Response(MyGroupSerializer(group, context=context).data, status=code)

    @extend_schema(request=GroupInputSerializer, responses={201: MyGroupSerializer})
    def create(self, request):
        """Start a group; you become its owner."""
        data = GroupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(group_services.group_create(creator=request.user, **data.validated_data), 201)

    @extend_schema(request=GroupInputSerializer(partial=True), responses={200: MyGroupSerializer})
    def partial_update(self, request, slug=None):
        """Owners change the group's settings (the fields given; the others stay)."""
        group, access = self._group(slug)
        data = GroupInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {
            "name": group.name,
            "description": group.description,
            "visibility": group.visibility,
            "cause": group.cause,
            "location": group.location,
            "latitude": group.latitude,
            "longitude": group.longitude,
            "code_of_conduct": group.code_of_conduct,
            **data.validated_data,
        }
        return self._answer(group_services.group_update(actor=request.user, group=group, **fields))

    @extend_schema(responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def members(self, request, slug=None):
        """Owners, then moderators, then members (members of the group only)."""
        group, access = self._group(slug)
        if not access.can_read_discussions:
            raise PermissionDenied(gettext("Only members can see who is in this group."))
        site_moderator_read_record(access=access, what="members")
        return Response(MemberSerializer(selectors.membership_list(group=group), many=True).data)

    def _membership(self, group, membership_id):
        membership = Membership.objects.select_related("user").filter(pk=id_or_404(membership_id), group=group).first()
        if membership is None:
            raise Http404(gettext("No such member."))
        membership.group = group
        return membership

    @extend_schema(request=RoleInputSerializer, responses={200: MemberSerializer}, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"], url_path=r"members/(?P<id>[^/.]+)/role")
    def member_role(self, request, slug=None, id=None):  # noqa: A002 - the URL's name
        """Owners make someone an owner, moderator or member (a group always keeps an owner)."""
        group, _access = self._group(slug)
        data = RoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_services.membership_change_role(
            actor=request.user, membership=self._membership(group, id), role=data.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=None, responses={204: None}, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<id>[^/.]+)")
    def member_remove(self, request, slug=None, id=None):  # noqa: A002
        """Moderators remove members (owners also remove moderators); they may join again."""
        group, _access = self._group(slug)
        membership_services.membership_remove(actor=request.user, membership=self._membership(group, id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=JoinRequestSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="join-requests", pagination_class=None)
    def join_requests(self, request, slug=None):
        """Pending requests to join (the group's moderators)."""
        group, access = self._group(slug)
        if not access.can_moderate:
            raise PermissionDenied(gettext("Only the group's owners and moderators can see join requests."))
        site_moderator_read_record(access=access, what="join_requests", moderators_only=True)
        return Response(JoinRequestSerializer(selectors.join_request_list_pending(group=group), many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses={200: JoinRequestSerializer}, parameters=[ID_PARAMETER])
    @action(detail=True, methods=["post"], url_path=r"join-requests/(?P<id>[^/.]+)/decide")
    def join_request_decide(self, request, slug=None, id=None):  # noqa: A002
        """Approve or decline a request (409 if it was already decided); the requester is told."""
        group, _access = self._group(slug)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        join_request = JoinRequest.objects.select_related("user").filter(pk=id_or_404(id), group=group).first()
        if join_request is None:
            raise Http404(gettext("No such request."))
        join_request.group = group
        join_request = membership_services.join_request_decide(
            actor=request.user, join_request=join_request, approve=data.validated_data["approve"]
        )
        return Response(JoinRequestSerializer(join_request).data)


def register(router) -> None:
    router.register("me/groups", MyGroupViewSet, basename="my-group")

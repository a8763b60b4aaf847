"""/api/v1/me/groups/{slug}/invitations/ and /bans/, and accepting an invitation: who gets into a
group and who is kept out, as the group's Invitations and Members pages do it
(communities/views/membership.py), through the same services (membership.invitation_*,
member_ban / member_unban). Owners and moderators only; the services check it and answer 403."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from causeweb.core.converters import id_or_404
from causeweb.core.validators import validate_single_line
from communities import selectors
from communities.models import Ban, Invitation
from communities.services import membership as membership_services
from communities.services.site_moderation import site_moderator_read_record

INVITATION_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The invitation id")
BAN_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The ban id")


class InvitationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.public_name", read_only=True, default=None)
    is_usable = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "url", "note", "created_by", "created_at", "expires_at", "revoked_at", "max_uses", "use_count"]
        fields += ["is_usable"]
        read_only_fields = fields

    def get_url(self, invitation) -> str:
        path = reverse("communities:invitation", kwargs={"token": invitation.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_is_usable(self, invitation) -> bool:
        return invitation.is_usable(timezone.now())


class InvitationInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(default=7, help_text="How long the link works (1 to 30 days)")
    max_uses = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=10_000)
    note = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", validators=[validate_single_line]
    )


class AcceptInvitationInputSerializer(serializers.Serializer):
    token = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", help_text="The last part of the invitation link")
    accept_code_of_conduct = serializers.BooleanField(required=False, default=False)


class BanSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.public_name", read_only=True)
    banned_by = serializers.CharField(source="banned_by.public_name", read_only=True, default=None)

    class Meta:
        model = Ban
        fields = ["id", "name", "reason", "banned_by", "created_at"]
        read_only_fields = fields


class BanInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, help_text="The membership id (from …/members/)")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class GroupAccessActions:
    """Mixed into MyGroupViewSet (communities/api_manage.py), which gives `_group` and `_membership`."""

    def _require_moderator(self, access) -> None:
        if not access.can_moderate:
            raise PermissionDenied("Only the group's owners and moderators can do this.")

    @extend_schema(
        methods=["GET"], responses=InvitationSerializer(many=True), description="The group's invitation links."
    )
    @extend_schema(methods=["POST"], request=InvitationInputSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request, slug=None):
        """GET: the group's invitation links, newest first. POST: a new link that expires (`days`)
        and may be limited to `max_uses`; whoever holds it may join, a private group included."""
        group, access = self._group(slug)
        if request.method == "POST":
            data = InvitationInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            invitation = membership_services.invitation_create(actor=request.user, group=group, **data.validated_data)
            return Response(InvitationSerializer(invitation, context={"request": request}).data, status=201)
        self._require_moderator(access)
        site_moderator_read_record(access=access, what="invitations", moderators_only=True)
        invitations = selectors.invitation_list(group=group)
        return Response(InvitationSerializer(invitations, many=True, context={"request": request}).data)

    @extend_schema(request=None, responses={200: InvitationSerializer}, parameters=[INVITATION_PARAMETER])
    @action(detail=True, methods=["post"], url_path=r"invitations/(?P<id>[^/.]+)/revoke")
    def invitation_revoke(self, request, slug=None, id=None):  # noqa: A002 - the URL's name
        """The link stops working at once (revoking twice is harmless)."""
        group, _access = self._group(slug)
        invitation = Invitation.objects.filter(pk=id_or_404(id), group=group).first()
        if invitation is None:
            raise Http404("No such invitation.")
        invitation.group = group
        invitation = membership_services.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(InvitationSerializer(invitation, context={"request": request}).data)

    @extend_schema(request=AcceptInvitationInputSerializer, responses={201: None})
    @action(detail=False, methods=["post"], url_path="accept-invitation")
    def accept_invitation(self, request):
        """Join the group of an invitation link's token (the part after /invite/). Accepting twice
        is harmless; an unknown token is a 404, an expired, revoked or used-up link a 400, a banned
        person a 403."""
        data = AcceptInvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if selectors.invitation_get(token=data.validated_data["token"]) is None:
            raise Http404("No such invitation.")  # a token nobody made: no resource, not bad input
        membership = membership_services.invitation_accept(user=request.user, **data.validated_data)
        return self._answer(membership.group, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=BanSerializer(many=True))
    @extend_schema(methods=["POST"], request=BanInputSerializer, responses={201: BanSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def bans(self, request, slug=None):
        """GET: who is kept out of the group. POST: remove a member and keep them out (no rejoining,
        requests, invitations or posts); banning twice is harmless."""
        group, access = self._group(slug)
        if request.method == "POST":
            data = BanInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            membership = self._membership(group, data.validated_data["member"])
            ban = membership_services.member_ban(
                actor=request.user, group=group, user=membership.user, reason=data.validated_data["reason"]
            )
            ban = Ban.objects.select_related("user", "banned_by").get(pk=ban.pk)
            return Response(BanSerializer(ban).data, status=status.HTTP_201_CREATED)
        self._require_moderator(access)
        site_moderator_read_record(access=access, what="bans", moderators_only=True)
        return Response(BanSerializer(selectors.ban_list(group=group), many=True).data)

    @extend_schema(request=None, responses={204: None}, parameters=[BAN_PARAMETER])
    @action(detail=True, methods=["delete"], url_path=r"bans/(?P<id>[^/.]+)")
    def ban_lift(self, request, slug=None, id=None):  # noqa: A002
        """Let them back: they may ask to join or use an invitation again (they are not re-added)."""
        group, _access = self._group(slug)
        ban = Ban.objects.select_related("user").filter(pk=id_or_404(id), group=group).first()
        if ban is None:
            raise Http404("No such ban.")
        membership_services.member_unban(actor=request.user, group=group, user=ban.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    """Nothing to register: these actions are MyGroupViewSet's (communities/api_manage.py)."""

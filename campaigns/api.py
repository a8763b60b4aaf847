"""/api/v1/campaigns/: public reads plus sign, follow and comment, through the same services as
the HTML views. Domain errors map to 400/403/409 in causeweb.core.api_errors."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns import content_selectors, selectors
from campaigns.comment_selectors import with_comment_reactions
from campaigns.forms import BrowseForm
from campaigns.models import Campaign, CampaignTranslation, CampaignUpdate, Comment, CommentReaction
from campaigns.services.comments import comment_create, comment_reaction_add, comment_reaction_remove
from campaigns.services.follows import campaign_follow, campaign_unfollow
from campaigns.services.signatures import signature_create
from causeweb.core import ratelimits
from causeweb.core.api_cache import cached_api_response
from causeweb.core.api_pagination import CappedPageNumberPagination, NewestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import ID_MAX, id_or_404
from causeweb.core.validators import validate_single_line


class CampaignListSerializer(serializers.ModelSerializer):
    cause = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    cover_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "cause",
            "location",
            "status",
            "won_at",
            "signature_count",
            "petition_target",
            "goal_minor",
            "currency",
            "deadline",
            "published_at",
            "cover_url",
            "url",
        ]

    def get_url(self, campaign) -> str:
        request = self.context.get("request")
        path = campaign.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_cover_url(self, campaign) -> str | None:
        if not campaign.cover:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(campaign.cover.url) if request else campaign.cover.url


class UpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignUpdate
        fields = ["id", "title", "body_html", "created_at"]


class TranslationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignTranslation
        fields = ["language", "title", "summary", "story_html"]


class CampaignDetailSerializer(CampaignListSerializer):
    organizer = serializers.CharField(source="organizer.public_name", read_only=True)
    tags = serializers.SerializerMethodField()
    updates = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()

    class Meta(CampaignListSerializer.Meta):
        fields = [
            *CampaignListSerializer.Meta.fields,
            "story_html",
            "organizer",
            "follower_count",
            "tags",
            "updates",
            "language",
            "translations",
        ]

    def get_translations(self, campaign) -> list[dict]:
        """The original's `language` and these: the campaign in each other language it is written in."""
        return TranslationSerializer(content_selectors.campaign_translation_list(campaign=campaign), many=True).data

    def get_tags(self, campaign) -> list[str]:
        return [tag.slug for tag in campaign.tags.all()]

    def get_updates(self, campaign) -> list[dict]:
        return UpdateSerializer(selectors.campaign_updates(campaign=campaign)[:5], many=True).data


class SignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, validators=[validate_single_line])
    email = serializers.EmailField(required=False, allow_blank=True)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False, default=True)
    keep_updated = serializers.BooleanField(
        required=False, default=False, help_text="Email me the organizer's updates (consent: never assumed)."
    )


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "body_html", "created_at", "edited_at", "reactions", "replies"]

    def get_reactions(self, comment) -> dict:
        """{kind: {"count", "mine"}} for like, support and celebrate."""
        summary = getattr(comment, "reaction_summary", None) or []
        return {kind: {"count": count, "mine": mine} for kind, _label, count, mine in summary}

    def get_author(self, comment) -> str | None:
        return None if comment.is_removed else comment.author.public_name

    def get_body_html(self, comment) -> str:
        return "" if comment.is_removed else comment.body_html

    def get_replies(self, comment) -> list[dict]:
        if not hasattr(comment, "reply_list"):
            return []
        return CommentSerializer(comment.reply_list, many=True, context=self.context).data


class CommentReactionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommentReaction.Kind.choices)


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)


# What BrowseForm accepts, said so that clients (and Schemathesis) know: no NUL in text, slugs,
# the form's choices, its lengths. (A tag slug may also be Unicode; the pattern states the ASCII part.)
NO_NUL_PATTERN = "^[^\\u0000]*$"
SLUG_PATTERN = "^[-a-zA-Z0-9_]*$"
BROWSE_PARAMETERS = [
    OpenApiParameter(
        "q", {"type": "string", "pattern": NO_NUL_PATTERN, "maxLength": 200}, description="Full-text search"
    ),
    OpenApiParameter("cause", str, description="Cause slug", pattern=SLUG_PATTERN),
    OpenApiParameter("tag", str, description="Tag slug", pattern=SLUG_PATTERN),
    OpenApiParameter(
        "location", {"type": "string", "pattern": NO_NUL_PATTERN, "maxLength": 120}, description="Location text"
    ),
    OpenApiParameter("status", str, enum=["", "open", "closed", "won"]),
    OpenApiParameter("sort", str, enum=["", *selectors.SORTS]),
]


class CampaignViewSet(MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published and closed campaigns. Filters: q, cause, tag, location, status (open|closed|won),
    sort (trending|newest|supported|closing). The list's count is capped (`count_is_capped`), and
    anonymous reads of it are served from the page cache (scope `campaigns`)."""

    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = CappedPageNumberPagination

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignListSerializer

    @extend_schema(parameters=BROWSE_PARAMETERS)
    @cached_api_response("campaigns")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        """The browse page's own form and selector, so both answer the same; a filter the form
        refuses (a NUL character, an unknown sort) is a 400 naming it, never a database error."""
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        form = BrowseForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({field: list(errors) for field, errors in form.errors.items()})
        filters = form.cleaned_data
        return selectors.campaign_search(
            query=filters["q"],
            cause_slug=filters["cause"],
            tag_slug=filters["tag"],
            location=filters["location"],
            status=filters["status"],
            sort=filters["sort"],
        )

    def get_object(self):
        campaign = selectors.campaign_get_public(slug=self.kwargs["slug"])
        if campaign is None:
            raise Http404
        return campaign

    @extend_schema(request=SignInputSerializer, responses={201: None})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.AllowAny],
    )
    def sign(self, request, slug=None):
        """Sign the petition. Signed-in callers count at once; guests get a confirmation email."""
        campaign = self.get_object()
        if not request.user.is_authenticated:
            # The same per-address bucket as the HTML form: guests' signatures email the address given.
            ratelimits.enforce_ip(
                "signature_guest_ip",
                request,
                message="Too many signatures from your connection.",
                scope=ratelimits.scope_for(campaign),
            )
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signature = signature_create(
            campaign=campaign,
            user=request.user,
            name=data.validated_data.get("name", ""),
            email=data.validated_data.get("email", ""),
            comment=data.validated_data.get("comment", ""),
            is_public=data.validated_data.get("is_public", True),
            keep_updated=data.validated_data.get("keep_updated", False),
            share_link_id=selectors.referral_share_link_id(session=request.session, campaign_id=campaign.pk),
        )
        campaign.refresh_from_db(fields=["signature_count"])
        return Response(
            {"confirmed": signature.is_confirmed, "signature_count": campaign.signature_count},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={201: None, 204: None})
    @action(detail=True, methods=["post", "delete"], permission_classes=[permissions.IsAuthenticated])
    def follow(self, request, slug=None):
        campaign = self.get_object()
        if request.method == "DELETE":
            campaign_unfollow(campaign=campaign, user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        campaign_follow(campaign=campaign, user=request.user)
        return Response({"following": True}, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=NewestFirstCursor)
    def comments(self, request, slug=None):
        """GET: top-level comments, newest first, each with its replies (cursor pages). POST: comment
        (signed in), or reply to a comment of this campaign (`parent`)."""
        campaign = self.get_object()
        if request.method == "POST":
            data = CommentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            parent = None
            if data.validated_data.get("parent"):
                parent = selectors.comment_get(comment_id=data.validated_data["parent"], campaign=campaign)
                if parent is None:
                    raise serializers.ValidationError({"parent": gettext("No such comment on this campaign.")})
            comment = comment_create(
                campaign=campaign, author=request.user, body=data.validated_data["body"], parent=parent
            )
            return Response(CommentSerializer(comment, context={"request": request}).data, status=201)
        page = self.paginate_queryset(selectors.comment_queryset_for_campaign(campaign=campaign))
        page = with_comment_reactions(list(page), viewer=request.user)
        return self.get_paginated_response(CommentSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        request=CommentReactionInputSerializer,
        responses={200: CommentSerializer},
        parameters=[OpenApiParameter("comment_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post", "delete"],
        url_path=r"comments/(?P<comment_id>[^/.]+)/reactions",
        permission_classes=[permissions.IsAuthenticated],
    )
    def comment_reactions(self, request, slug=None, comment_id=None):
        """React to a comment of this campaign (POST, idempotent) or take the reaction back (DELETE)."""
        campaign = self.get_object()
        comment = selectors.comment_get(comment_id=id_or_404(comment_id), campaign=campaign)
        if comment is None:
            raise Http404("No such comment on this campaign.")
        data = CommentReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if request.method == "DELETE":
            comment_reaction_remove(user=request.user, comment=comment, kind=data.validated_data["kind"])
        else:
            comment_reaction_add(user=request.user, comment=comment, kind=data.validated_data["kind"])
        comment = with_comment_reactions([comment], viewer=request.user)[0]
        return Response(CommentSerializer(comment, context={"request": request}).data)


def register(router) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")

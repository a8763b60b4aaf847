"""/api/v1/me/campaigns/: an organizer's own campaigns, any status: create, edit (PATCH), submit
for review, close, post updates and read the signatures export as JSON. Through the same services
and selectors as the organizer's pages (campaigns/views/organizer.py); someone else's campaign is
a 404, as on the site. /api/v1/me/signatures/: the petitions the caller signed."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from campaigns import policies, selectors
from campaigns.api import CampaignDetailSerializer, CampaignListSerializer, UpdateSerializer
from campaigns.models import Campaign, Cause, Signature
from campaigns.services import authoring, lifecycle, translations, updates
from causeweb.core.api_pagination import CappedPageNumberPagination, NewestFirstCursor, OldestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.money import CURRENCY_CHOICES
from causeweb.core.validators import validate_single_line

SITE_LANGUAGE_PATTERN = "|".join(code for code, _name in settings.LANGUAGES)


class MyCampaignSerializer(CampaignDetailSerializer):
    class Meta(CampaignDetailSerializer.Meta):
        fields = [*CampaignDetailSerializer.Meta.fields, "story", "created_at", "submitted_at", "closed_at"]


class CampaignInputSerializer(serializers.Serializer):
    """The fields of the organizer's form (a cover image is uploaded on the site)."""

    title = serializers.CharField(max_length=120, validators=[validate_single_line])
    summary = serializers.CharField(max_length=280)
    story = serializers.CharField(max_length=50_000, help_text="Markdown.")
    cause = serializers.SlugRelatedField(slug_field="slug", queryset=Cause.objects.all())
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40, allow_blank=True, validators=[validate_single_line]),
        max_length=8,
        required=False,
    )
    location = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_single_line]
    )
    petition_target = serializers.IntegerField(min_value=1, max_value=100_000_000, required=False, allow_null=True)
    goal_minor = serializers.IntegerField(
        min_value=1, max_value=10**12, required=False, allow_null=True, help_text="Minor units of `currency`."
    )
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, required=False)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    cover_alt = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="The original's language (default: the request's)."
    )


class TranslationInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, validators=[validate_single_line])
    summary = serializers.CharField(max_length=280)
    story = serializers.CharField(max_length=50_000, help_text="Markdown.")


class UpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, validators=[validate_single_line])
    body = serializers.CharField(max_length=20_000, help_text="Markdown.")


class CloseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CoverInputSerializer(serializers.Serializer):
    cover = serializers.FileField(
        help_text="JPEG, PNG, WebP or GIF, at most 5 MB, 200x100 to 8000x8000 pixels; stored as a resized JPEG."
    )
    cover_alt = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        validators=[validate_single_line],
        help_text="Describe the cover for people who cannot see it.",
    )


class SignatureExportSerializer(serializers.ModelSerializer):
    """One row of the organizer's signatures CSV (the same columns), as JSON."""

    public = serializers.BooleanField(source="is_public")
    confirmed = serializers.DateTimeField(source="confirmed_at", allow_null=True)
    signed_at = serializers.DateTimeField(source="created_at")
    via_share_link = serializers.SlugRelatedField(
        source="share_link", slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Signature
        fields = ["id", "name", "email", "comment", "public", "confirmed", "signed_at", "via_share_link"]
        read_only_fields = fields


class MySignatureSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = ["id", "campaign", "name", "comment", "is_public", "keep_updated", "confirmed", "created_at"]
        read_only_fields = fields

    def get_confirmed(self, signature) -> bool:
        return signature.is_confirmed


class MyCampaignViewSet(
    MethodFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The caller's own campaigns, newest first, whatever their status."""

    lookup_field = "slug"
    # The list's cards are the public list's serializer, so its page is the same schema component
    # (count capped, `count_is_capped`) and must be paginated the same way.
    pagination_class = CappedPageNumberPagination
    serializer_class = MyCampaignSerializer
    parser_classes = [JSONParser]  # a program's API: JSON bodies (null means null)
    permission_classes = [permissions.IsAuthenticated]
    queryset = Campaign.objects.none()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return selectors.campaign_list_for_organizer(user=self.request.user)

    def get_serializer_class(self):
        """The list shows cards (what the organizer's "My campaigns" page shows); one campaign, all of it."""
        return CampaignListSerializer if self.action == "list" else MyCampaignSerializer

    def get_object(self):
        campaign = selectors.campaign_get_for_manager(slug=self.kwargs["slug"], user=self.request.user)
        if campaign is None or not policies.is_organizer(self.request.user, campaign):
            raise Http404("No such campaign.")
        return campaign

    def _answer(self, campaign, code=status.HTTP_200_OK):
        campaign = selectors.campaign_get_for_manager(slug=campaign.slug, user=self.request.user)
        return Response(MyCampaignSerializer(campaign, context={"request": self.request}).data, status=code)

    @extend_schema(request=CampaignInputSerializer, responses={201: MyCampaignSerializer})
    def create(self, request):
        """A new draft (submit it for review when it is ready)."""
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = authoring.campaign_create(organizer=request.user, **data.validated_data)
        return self._answer(campaign, status.HTTP_201_CREATED)

    @extend_schema(request=CampaignInputSerializer(partial=True), responses={200: MyCampaignSerializer})
    def partial_update(self, request, slug=None):
        """Change the fields given (not once closed); the slug never changes."""
        campaign = self.get_object()
        data = CampaignInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        tags = fields.pop("tags", None)
        campaign = authoring.campaign_edit(campaign=campaign, actor=request.user, tags=tags, **fields)
        return self._answer(campaign)

    @extend_schema(request=None, responses={200: MyCampaignSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, slug=None):
        """draft or rejected → pending review (409 if it already waits)."""
        campaign = lifecycle.campaign_submit_for_review(campaign=self.get_object(), actor=request.user)
        return self._answer(campaign)

    @extend_schema(request=CloseInputSerializer, responses={200: MyCampaignSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, slug=None):
        """published → closed (409 if already closed)."""
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = lifecycle.campaign_close(campaign=self.get_object(), actor=request.user, **data.validated_data)
        return self._answer(campaign)

    @extend_schema(request=UpdateInputSerializer, responses={201: UpdateSerializer})
    @action(detail=True, methods=["post"])
    def updates(self, request, slug=None):
        """Post news to the campaign's followers (once published)."""
        data = UpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update = updates.campaign_update_create(campaign=self.get_object(), author=request.user, **data.validated_data)
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TranslationInputSerializer, responses={200: MyCampaignSerializer})
    # Only the site's languages are resources here: any other code is a 404 from the URL itself.
    @action(detail=True, methods=["put", "delete"], url_path=rf"translations/(?P<language>{SITE_LANGUAGE_PATTERN})")
    def translation(self, request, slug=None, language=None):
        """PUT: add or replace the campaign's version in `language`; DELETE: remove it."""
        campaign = self.get_object()
        if request.method == "DELETE":
            translations.campaign_translation_delete(campaign=campaign, actor=request.user, language=language)
            return self._answer(campaign)
        data = TranslationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        translations.campaign_translation_save(
            campaign=campaign, actor=request.user, language=language, **data.validated_data
        )
        return self._answer(campaign)

    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": CoverInputSerializer},
        responses={200: MyCampaignSerializer},
        description="Upload the cover (multipart, field `cover`), replacing any. The organizer only.",
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: MyCampaignSerializer})
    @action(detail=True, methods=["put", "delete"], parser_classes=[MultiPartParser])
    def cover(self, request, slug=None):
        """PUT: a new cover image; DELETE: no cover. Someone else's public campaign is a 403 (the
        service refuses), one the caller cannot see a 404."""
        campaign = selectors.campaign_get_for_manager(slug=slug, user=request.user) or selectors.campaign_get_public(
            slug=slug
        )
        if campaign is None:
            raise Http404("No such campaign.")
        if request.method == "DELETE":
            campaign = authoring.campaign_cover_remove(campaign=campaign, actor=request.user)
            return self._answer(campaign)
        data = CoverInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = authoring.campaign_cover_set(campaign=campaign, actor=request.user, **data.validated_data)
        return self._answer(campaign)

    @extend_schema(responses=SignatureExportSerializer(many=True))
    @action(
        detail=True, methods=["get"], pagination_class=OldestFirstCursor, serializer_class=SignatureExportSerializer
    )
    def signatures(self, request, slug=None):
        """The signatures CSV as JSON (names and emails: the organizer only), oldest first."""
        campaign = selectors.campaign_get_for_signature_export(slug=slug, user=request.user)
        if campaign is None or not policies.is_organizer(request.user, campaign):
            raise Http404("No such campaign.")
        page = self.paginate_queryset(selectors.signature_queryset_for_export(campaign=campaign))
        return self.get_paginated_response(SignatureExportSerializer(page, many=True).data)


class MySignatureViewSet(MethodFirstMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Petitions the caller signed, newest first."""

    serializer_class = MySignatureSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirstCursor
    queryset = Signature.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Signature.objects.none()
        return selectors.signature_list_for_user(user=self.request.user)


def register(router) -> None:
    router.register("me/campaigns", MyCampaignViewSet, basename="my-campaign")
    router.register("me/signatures", MySignatureViewSet, basename="my-signature")

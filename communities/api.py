"""/api/v1/groups/, /api/v1/threads/, /api/v1/posts/: public reads where the group's discussions
are public (members-only otherwise; private groups do not exist for outsiders), and writes for
signed-in people (join, post, react) through the same services as the HTML views."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from causeweb.core.api_pagination import OldestFirstCursor
from causeweb.core.api_views import MethodFirstMixin
from causeweb.core.converters import ID_MAX, id_or_404
from causeweb.core.validators import validate_single_line
from communities import selectors
from communities.models import Group, Post, Reaction, Thread
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from communities.services import site_moderation


class GroupSerializer(serializers.ModelSerializer):
    cause = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = [
            "slug",
            "name",
            "visibility",
            "cause",
            "location",
            "latitude",
            "longitude",
            "member_count",
            "avatar",
            "url",
            "created_at",
        ]

    def get_url(self, group) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(group.get_absolute_url()) if request else group.get_absolute_url()

    def get_avatar(self, group) -> str | None:
        return group.avatar.url if group.avatar else None


class GroupDetailSerializer(GroupSerializer):
    my_role = serializers.SerializerMethodField()

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "description_html", "code_of_conduct_html", "my_role"]

    def get_my_role(self, group) -> str | None:
        access = self.context.get("access")
        return access.role if access else None


class ThreadSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name", read_only=True, default=None)
    group = serializers.CharField(source="group.slug", read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "group",
            "title",
            "author",
            "is_pinned",
            "is_locked",
            "reply_count",
            "created_at",
            "last_activity_at",
        ]


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "parent",
            "is_opening",
            "author",
            "body_html",
            "created_at",
            "edited_at",
            "deleted",
            "is_hidden",
            "reactions",
        ]

    def get_author(self, post) -> str | None:
        return post.author.public_name if post.author else None

    def get_body_html(self, post) -> str:
        """Stored sanitized at write time; hidden posts are shown to moderators only."""
        access = self.context.get("access")
        if not (access and access.can_read_post_body(post)):
            return ""
        return post.body_html

    def get_reactions(self, post) -> dict:
        summary = getattr(post, "reaction_summary", None) or []
        return {kind: {"count": count, "mine": mine} for kind, _label, count, mine in summary}


class ThreadDetailSerializer(ThreadSerializer):
    posts = serializers.SerializerMethodField()
    posts_complete = serializers.SerializerMethodField(
        help_text="Whether `posts` holds the whole thread; when false, read every post a page at a time "
        "from `GET /threads/{id}/posts/`."
    )

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "posts", "posts_complete"]

    def get_posts_complete(self, thread) -> bool:
        return not self.context["page"].has_next()

    def get_posts(self, thread) -> list[dict]:
        posts = [self.context["opening"]] if self.context.get("opening") else []
        for reply in self.context.get("replies", []):
            posts.append(reply)
            posts.extend(reply.nested_replies)
        return PostSerializer(posts, many=True, context=self.context).data


class JoinInputSerializer(serializers.Serializer):
    accept_code_of_conduct = serializers.BooleanField(required=False, default=False)
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ThreadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160, validators=[validate_single_line])
    body = serializers.CharField(max_length=20_000)


class PostInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    parent = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=ID_MAX)


class ReactionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)


def _readable(group, user):
    """The group and what the person may do; 404 for private outsiders, 403 for members-only reading."""
    access = selectors.group_access(group=group, user=user)
    if not access.can_view_group:
        raise Http404
    site_moderation.site_moderator_read_record(access=access, what="api")
    return access


def _require_reader(access):
    if not access.can_read_discussions:
        raise PermissionDenied(gettext("Only members can read this group's discussions."))


class GroupViewSet(MethodFirstMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = GroupSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.group_search(
            query=params.get("q", ""), cause_slug=params.get("cause", ""), place=params.get("place", "")
        )

    def get_object(self):
        group = selectors.group_get_by_slug(slug=self.kwargs["slug"])
        if group is None:
            raise Http404
        self.access = _readable(group, self.request.user)
        return group

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Name or description contains"),
            OpenApiParameter("cause", str, description="Cause slug"),
            OpenApiParameter("place", str, description="Location contains"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        group = self.get_object()
        return Response(GroupDetailSerializer(group, context={"request": request, "access": self.access}).data)

    @extend_schema(request=JoinInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def join(self, request, slug=None):
        """Join a public group, or ask to join a by-request group (`message` optional). Repeats are harmless."""
        group = self.get_object()
        data = JoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if group.visibility == Group.Visibility.REQUEST and not self.access.is_member:
            membership_services.join_request_create(user=request.user, group=group, **data.validated_data)
            return Response({"status": "requested"}, status=status.HTTP_201_CREATED)
        membership = membership_services.group_join(
            user=request.user, group=group, accept_code_of_conduct=data.validated_data["accept_code_of_conduct"]
        )
        return Response({"status": "member", "role": membership.role}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def leave(self, request, slug=None):
        membership_services.group_leave(user=request.user, group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ThreadInputSerializer, responses={200: ThreadSerializer(many=True), 201: ThreadSerializer})
    @action(detail=True, methods=["get", "post"])
    def threads(self, request, slug=None):
        """GET: the group's threads (pinned first). POST: start a thread (members)."""
        group = self.get_object()
        _require_reader(self.access)
        if request.method == "POST":
            data = ThreadInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            thread = discussion_services.thread_create(author=request.user, group=group, **data.validated_data)
            return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.thread_list_for_group(group=group, access=self.access))
        return self.get_paginated_response(ThreadSerializer(page, many=True).data)


class PostCursorPageSerializer(serializers.Serializer):
    """A cursor page of posts (OldestFirstCursor): no `count`, unlike the page-numbered lists."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PostSerializer(many=True)


class ThreadViewSet(MethodFirstMixin, viewsets.GenericViewSet):
    serializer_class = ThreadDetailSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Thread.objects.none()

    def _thread(self, pk):
        thread = Thread.objects.select_related("group", "author").filter(pk=id_or_404(pk)).first()
        if thread is None:
            raise Http404
        access = _readable(thread.group, self.request.user)
        _require_reader(access)
        if not access.can_see_thread(thread):
            raise Http404
        return thread, access

    def retrieve(self, request, pk=None):
        """A thread with its opening post and its first page of replies (each followed by the replies
        to it), with reaction counts; `posts_complete` says whether that is all of it."""
        thread, access = self._thread(pk)
        shown = selectors.thread_page(thread=thread, user=request.user)
        context = {
            "request": request,
            "access": access,
            "opening": shown.opening,
            "replies": shown.replies,
            "page": shown.page,
        }
        return Response(ThreadDetailSerializer(thread, context=context).data)

    @extend_schema(request=PostInputSerializer, responses={201: PostSerializer})
    # Reading the posts (GET, below) follows the group's visibility; replying needs a sign-in.
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticatedOrReadOnly])
    def posts(self, request, pk=None):
        """Reply to the thread, or to a post in it (`parent`)."""
        thread, access = self._thread(pk)
        data = PostInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data["parent"]:
            parent = selectors.post_get(group=thread.group, post_id=data.validated_data["parent"])
            if parent is None:
                raise serializers.ValidationError({"parent": gettext("No such post in this group.")})
        post = discussion_services.post_create(
            author=request.user, thread=thread, body=data.validated_data["body"], parent=parent
        )
        post.reaction_summary = selectors.post_reaction_summary(post=post, user=request.user)
        return Response(PostSerializer(post, context={"access": access}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: PostCursorPageSerializer})
    @posts.mapping.get
    def post_page(self, request, pk=None):
        """The thread's posts oldest first, a cursor page at a time (`?cursor=`, `?page_size=` up
        to 100), each with its `parent` and reaction counts: for threads too long to read whole."""
        thread, access = self._thread(pk)
        paginator = OldestFirstCursor()
        page = paginator.paginate_queryset(selectors.thread_post_queryset(thread=thread), request, view=self)
        posts = selectors.posts_with_reactions(posts=page, thread=thread, user=request.user)
        return paginator.get_paginated_response(PostSerializer(posts, many=True, context={"access": access}).data)


class PostViewSet(MethodFirstMixin, viewsets.GenericViewSet):
    serializer_class = PostSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Post.objects.none()

    def _post(self, pk):
        post = Post.objects.select_related("thread__group", "author").filter(pk=id_or_404(pk)).first()
        if post is None:
            raise Http404
        access = _readable(post.thread.group, self.request.user)
        _require_reader(access)
        if not access.can_see_thread(post.thread):
            raise Http404
        return post, access

    def retrieve(self, request, pk=None):
        post, access = self._post(pk)
        post.reaction_summary = selectors.post_reaction_summary(post=post, user=request.user)
        return Response(PostSerializer(post, context={"access": access}).data)

    @extend_schema(methods=["POST"], request=ReactionInputSerializer, responses={200: PostSerializer})
    @extend_schema(
        methods=["DELETE"],
        request=None,
        parameters=[OpenApiParameter("kind", str, enum=Reaction.Kind.values, required=True)],
        responses={200: PostSerializer},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[permissions.IsAuthenticated])
    def reactions(self, request, pk=None):
        """POST adds your reaction of `kind` (again: no change); DELETE takes it back."""
        post, access = self._post(pk)
        # DELETE takes `kind` from the query string (many clients drop a DELETE's body); a body
        # still works for the callers written before.
        from_query = request.method == "DELETE" and "kind" in request.query_params
        data = ReactionInputSerializer(data=request.query_params if from_query else request.data)
        data.is_valid(raise_exception=True)
        if request.method == "DELETE":
            discussion_services.reaction_remove(user=request.user, post=post, kind=data.validated_data["kind"])
        else:
            discussion_services.reaction_add(user=request.user, post=post, kind=data.validated_data["kind"])
        post.reaction_summary = selectors.post_reaction_summary(post=post, user=request.user)
        return Response(PostSerializer(post, context={"access": access}).data)


def register(router) -> None:
    router.register("groups", GroupViewSet, basename="group")
    router.register("threads", ThreadViewSet, basename="thread")
    router.register("posts", PostViewSet, basename="post")

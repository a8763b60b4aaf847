"""Community groups: people who care about the same cause find each other, talk and act together.

A thread's opening message is its first `Post` (`is_opening=True`), as in Discourse: edit, delete,
hide, react, flag and mention then work the same way on the opening and on every reply, and the
moderation app's generic flag endpoint (which knows `communities.post`) covers both.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can join")
        REQUEST = "request", _("By request: moderators approve new members")
        PRIVATE = "private", _("Private: hidden, join by invitation only")

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=10_000, help_text=_("Markdown."))
    description_html = models.TextField(blank=True, editable=False)
    cause = models.ForeignKey(
        "campaigns.Cause", null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    location = models.CharField(max_length=120, blank=True, help_text=_("A city, region or 'Online'."))
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    avatar = models.ImageField(upload_to="groups/avatars/%Y/%m/", blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True)
    code_of_conduct = models.TextField(
        blank=True, max_length=10_000, help_text=_("Markdown. Joining asks to accept it.")
    )
    code_of_conduct_html = models.TextField(blank=True, editable=False)
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="groups_created"
    )
    # Hidden by a site moderator (flag upheld): gone from lists and its pages for everyone but its
    # owners and site moderators, until restored. Memberships and discussions are kept.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Tracked share links to this page (campaigns' ShareLink with this as its target), deleted with it.
    share_links = GenericRelation("campaigns.ShareLink", content_type_field="target_type", object_id_field="target_id")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-member_count", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(member_count__gte=0), name="communities_group_member_count_gte_0"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="communities_group_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="communities_group_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="communities_group_coordinates_both_or_neither",
            ),
        ]
        permissions = [("moderate_any_group", "Can act as a moderator in every group, private ones included (audited)")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    accepted_code_of_conduct_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="communities_membership_once")]
        indexes = [models.Index(fields=["group", "role"], name="communities_membership_role")]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.role})"

    @property
    def can_moderate(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MODERATOR)


class Ban(models.Model):
    """A person removed from a group who may not rejoin, request, accept an invitation or post."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_bans")
    banned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="communities_ban_once")]

    def __str__(self):
        return f"{self.user} banned from {self.group}"


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_join_requests")
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(status="pending"), name="communities_joinrequest_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.user} asks to join {self.group} ({self.status})"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link that lets whoever holds it join the group (the only way into a private group)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=120, blank=True, help_text=_("Who this link is for (only moderators see it)."))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gt=0), name="communities_invitation_max_uses_gt_0"
            )
        ]

    def __str__(self):
        return f"Invitation to {self.group}"

    def get_absolute_url(self):
        return reverse("communities:invitation", kwargs={"token": self.token})

    def is_usable(self, now) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > now
            and (self.max_uses is None or self.use_count < self.max_uses)
        )


class GroupCampaign(models.Model):
    """A group says it supports a campaign; shown on both pages."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="supported_campaigns")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="supporting_groups")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["group", "campaign"], name="communities_groupcampaign_once")]

    def __str__(self):
        return f"{self.group} supports {self.campaign}"


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads")
    title = models.CharField(max_length=160)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False, help_text=_("Hidden by a moderator: only moderators see it."))
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        constraints = [
            models.CheckConstraint(condition=Q(reply_count__gte=0), name="communities_thread_reply_count_gte_0")
        ]
        indexes = [models.Index(fields=["group", "-is_pinned", "-last_activity_at"], name="communities_thread_list")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communities:thread", kwargs={"slug": self.group.slug, "thread_id": self.pk})


class Post(models.Model):
    """A message in a thread: the opening message, a reply, or a reply to a reply (one level)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    is_opening = models.BooleanField(default=False)
    body = models.TextField(max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text=_("Deleted by its author: a tombstone remains."))
    is_hidden = models.BooleanField(default=False, help_text=_("Hidden by a moderator."))
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"], condition=Q(is_opening=True), name="communities_post_one_opening_per_thread"
            ),
            models.CheckConstraint(
                condition=Q(is_opening=False) | Q(parent__isnull=True), name="communities_post_opening_has_no_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="communities_post_thread"),
            # The thread page's pages of top-level replies, read in their order (selectors.thread_page).
            models.Index(
                fields=["thread", "created_at", "id"],
                condition=Q(parent__isnull=True, is_opening=False),
                name="communities_post_thread_top",
            ),
        ]

    def __str__(self):
        return f"Post #{self.pk} in {self.thread_id}"

    def get_absolute_url(self):
        """A lasting link to the post (in notifications and emails): it redirects to the page of the
        thread the post is on now (views.discussions.post_permalink)."""
        return reverse("communities:post", kwargs={"slug": self.thread.group.slug, "post_id": self.pk})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        SUPPORT = "support", _("Support")
        CELEBRATE = "celebrate", _("Celebrate")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="communities_reaction_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["like", "support", "celebrate"]), name="communities_reaction_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} on post {self.post_id}"


class Announcement(models.Model):
    """An email from a group's owners or moderators to all its members, sent by a Celery task."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=140)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

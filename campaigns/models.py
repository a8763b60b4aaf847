from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import CURRENCY_CHOICES

# Authors may edit or delete their comment for this long after posting.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


class Cause(models.Model):
    """A cause category (climate, housing, health...) shared by campaigns, events and groups."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A free-form label organizers attach to campaigns ("plastic", "tenants-rights")."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed")

    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(max_length=280, help_text=_("One or two sentences; used in previews and shares."))
    story = models.TextField(help_text=_("Markdown."))
    story_html = models.TextField(blank=True, editable=False)
    cause = models.ForeignKey(Cause, on_delete=models.PROTECT, related_name="campaigns")
    location = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    rejection_reason = models.TextField(blank=True)
    petition_target = models.PositiveIntegerField(null=True, blank=True)
    goal_minor = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("Fundraising goal in the currency's minor unit (cents).")
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="EUR")
    # The language the organizer wrote the original in (title, summary, story): the story's `lang`
    # attribute, the full-text search configuration (SEARCH_CONFIGS) and what visitors see when no
    # CampaignTranslation matches their language.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The decision-maker granted what the petition asked (campaigns.services.delivery): a badge
    # and a list filter. Independent of status: a won campaign may stay open or be closed.
    won_at = models.DateTimeField(null=True, blank=True, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="campaigns")
    cover = models.ImageField(upload_to="campaigns/covers/", blank=True)
    cover_alt = models.CharField(
        max_length=200, blank=True, help_text=_("Describe the cover for people who cannot see it.")
    )
    # Denormalised counters, changed with F() in the same transaction as the rows they count.
    signature_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    # Bumped by signatures, comments and updates; "trending" sorts by recent activity.
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Confirmed signatures + comments of the last TRENDING_WINDOW: +1 in the same transaction as
    # the signature or comment, recomputed exactly (so old activity ages out) by a periodic job
    # (campaigns.services.trending). The list sorts by it through the `campaign_trending` index.
    trending_score = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_minor__isnull=True) | Q(goal_minor__gt=0), name="campaign_goal_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="campaign_status_published"),
            models.Index(fields=["status", "deadline"], name="campaign_status_deadline"),
            # The "trending" order (campaigns.selectors.campaign_search) is read in the order of the
            # `campaign_trending` index (trending_score DESC, last_activity_at DESC NULLS LAST,
            # published_at DESC, id DESC), created on PostgreSQL only by migration 0006 because
            # SQLite refuses NULLS LAST in an index.
            # "Most supported" and "newest" without a status prefix, so `status IN (...)` is a filter
            # on an index read in order, never a sort of every public campaign.
            models.Index(
                F("signature_count").desc(), F("published_at").desc(), F("id").desc(), name="campaign_supported"
            ),
            models.Index(F("published_at").desc(), F("id").desc(), name="campaign_newest"),
        ]
        permissions = [("export_signatures", "Can export any campaign's signatures (names and emails)")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status != self.Status.CLOSED


# The PostgreSQL text-search configuration (snowball stemmer) for content in each language; any
# other language is split into words without stemming by 'simple'. Used by the search indexes of
# migration 0021 and by campaigns.content_selectors, which must write the same expression.
SEARCH_CONFIGS = {"en": "english", "es": "spanish", "ar": "arabic"}


class CampaignTranslation(models.Model):
    """The campaign's title, summary and story in another of the site's languages, written by its
    organizer (campaigns.services.translations). Visitors whose language matches see it instead of
    the original; search finds the campaign by it too."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=280)
    story = models.TextField(help_text=_("Markdown."))
    story_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="campaign_translation_unique_language")
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class PendingCampaign(Campaign):
    """The admin's review queue (pending campaigns only); same table as Campaign."""

    class Meta:
        proxy = True
        verbose_name = _("campaign waiting for review")
        verbose_name_plural = _("review queue")


class CampaignUpdate(models.Model):
    """News the organizer posts on a campaign; followers are notified."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    body = models.TextField(help_text=_("Markdown."))
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by a site moderator (a flag upheld, or enough open flags): gone from the campaign page,
    # the updates page and the API; kept, so restoring it puts it back.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="campaign_update_recent")]

    def __str__(self):
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ShareLink(models.Model):
    """A short tracked link /s/<code> to a campaign or to another app's page (an event, a group:
    the `target`): one per campaign or target for anonymous sharers and one per signed-in sharer.
    The channel (X, WhatsApp...) is recorded on each click. Exactly one of `campaign` and
    `target` is set; higher apps point a target here through `campaigns.services.sharing`
    without campaigns knowing their models."""

    class Channel(models.TextChoices):
        X = "x", "X / Twitter"
        FACEBOOK = "facebook", "Facebook"
        WHATSAPP = "whatsapp", "WhatsApp"
        LINKEDIN = "linkedin", "LinkedIn"
        TELEGRAM = "telegram", "Telegram"
        EMAIL = "email", _("Email")
        COPY = "copy", _("Copied link")
        NATIVE = "native", _("Device share sheet")
        QR = "qr", _("QR code")
        EMBED = "embed", _("Embedded widget")
        DIRECT = "direct", _("Direct")

    code = models.CharField(max_length=12, unique=True)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links")
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="share_links"
    )
    click_count = models.PositiveIntegerField(default=0)
    # The link that brought this sharer to the campaign (their session's referral when this link
    # was made), so insights can walk sharer -> visitor -> sharer chains across generations.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="sharelink_target")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(campaign__isnull=False, target_type__isnull=True, target_id__isnull=True)
                    | Q(campaign__isnull=True, target_type__isnull=False, target_id__isnull=False)
                ),
                name="sharelink_campaign_xor_target",
            ),
            models.UniqueConstraint(
                fields=["target_type", "target_id", "created_by"],
                condition=Q(created_by__isnull=False, target_type__isnull=False),
                name="sharelink_target_one_per_sharer",
            ),
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=Q(created_by__isnull=True, target_type__isnull=False),
                name="sharelink_target_one_anonymous",
            ),
            models.UniqueConstraint(
                fields=["campaign", "created_by"],
                condition=Q(created_by__isnull=False),
                name="sharelink_one_per_sharer",
            ),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(created_by__isnull=True), name="sharelink_one_anonymous"
            ),
        ]

    def __str__(self):
        return f"/s/{self.code}"

    def get_absolute_url(self):
        return reverse("share_redirect", kwargs={"code": self.code})

    def destination_url(self) -> str | None:
        """Where the link leads: the campaign's page or the target's; None once the target is gone."""
        if self.campaign_id:
            return self.campaign.get_absolute_url()
        target = self.target
        return target.get_absolute_url() if target is not None else None


class ShareClick(models.Model):
    """One visitor's arrival through a share link on one day (de-duplicated by the constraint).
    `visitor` is a salted hash, never the raw IP address."""

    share_link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="clicks")
    channel = models.CharField(max_length=10, choices=ShareLink.Channel.choices, default=ShareLink.Channel.DIRECT)
    visitor = models.CharField(max_length=64)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share_link", "visitor", "day"], name="shareclick_once_per_visitor_day")
        ]
        indexes = [
            # Insights' credit by channel: a gift's "latest click on its link before it" is one probe.
            models.Index("share_link", F("created_at").desc(), name="shareclick_link_latest"),
        ]

    def __str__(self):
        return f"{self.share_link_id} via {self.channel} on {self.day}"


class Signature(models.Model):
    """A name added to a campaign's petition. Guests confirm by email before they count."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    comment = models.CharField(max_length=500, blank=True)
    is_public = models.BooleanField(default=True, help_text=_("Show my name on the campaign page."))
    # Opted in to the organizer's updates by email (guests too, once confirmed); nobody who did
    # not tick it is emailed them. Unsubscribing goes through the notifications pipeline.
    keep_updated = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    share_link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint("campaign", Lower("email"), name="signature_once_per_email"),
        ]
        indexes = [
            models.Index(fields=["campaign", "-created_at"], name="signature_recent"),
            # The campaign page's recent signers: confirmed and public, newest first, read in order.
            models.Index(
                "campaign",
                F("confirmed_at").desc(),
                F("id").desc(),
                condition=Q(confirmed_at__isnull=False, is_public=True),
                name="signature_recent_public",
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.name} on {self.campaign_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Follow(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="follow_once")]

    def __str__(self):
        return f"{self.user_id} follows {self.campaign_id}"


class Comment(models.Model):
    """A comment on a campaign, or a reply to one (one level deep)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["campaign", "parent", "-created_at"], name="comment_thread")]

    def __str__(self):
        return f"Comment #{self.pk} on {self.campaign_id}"

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None

    @property
    def is_changeable(self) -> bool:
        """Still inside the author's edit/delete window."""
        return not self.is_removed and timezone.now() - self.created_at <= COMMENT_EDIT_WINDOW


class CampaignRevision(models.Model):
    """A change an organizer made to a published campaign's story or goal (or to the title or story
    of one of its translations), kept so moderators see
    what changed (the diff on the campaign's admin page). CAMPAIGN_EDIT_REVIEW decides whether the
    edit also sends the campaign back to review ("resubmit") or stays live ("notify")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Empty: the campaign's own text; a language code: its translation in that language
    # (campaigns.services.translations), whose title and story are reviewed the same way.
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)
    title_before = models.CharField(max_length=120, blank=True)
    title_after = models.CharField(max_length=120, blank=True)
    story_before = models.TextField(blank=True)
    story_after = models.TextField(blank=True)
    goal_before_minor = models.PositiveBigIntegerField(null=True, blank=True)
    goal_after_minor = models.PositiveBigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    resubmitted = models.BooleanField(default=False, help_text=_("The edit sent the campaign back to review."))
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reviewed_at", "created_at"], name="campaign_revision_unreviewed")]

    def __str__(self):
        return f"Edit of {self.campaign_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def story_changed(self) -> bool:
        return self.story_before != self.story_after

    @property
    def goal_changed(self) -> bool:
        return self.goal_before_minor != self.goal_after_minor

    @property
    def title_changed(self) -> bool:
        return self.title_before != self.title_after


# Outreach (messages to supporters, petition delivery) lives in its own module, registered here.
# Reactions on comments.
from campaigns.comment_models import CommentReaction  # noqa: E402, F401
from campaigns.outreach_models import (  # noqa: E402, F401
    CampaignMessage,
    CampaignMessageClick,
    DecisionMaker,
    PetitionDelivery,
)

# Webhooks out (a partner's URL told of the campaign's events) live in their own module too.
from campaigns.webhook_models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401

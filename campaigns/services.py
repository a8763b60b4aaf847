"""Every write to campaigns goes through here: a check (input, permission, state), then a do.

Permission rules:
- organizers edit, submit, close and post updates on their own campaigns;
- moderators (staff with the campaign change permission) approve, reject, close and unpublish;
- only published campaigns take signatures, follows and comments;
- comment authors edit and delete their own within COMMENT_EDIT_WINDOW; organizers and
  moderators hide comments.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from campaigns.hooks import campaign_currency_locks
from campaigns.models import (
    COMMENT_EDIT_WINDOW,
    Campaign,
    CampaignUpdate,
    Cause,
    Comment,
    Follow,
    ShareClick,
    ShareLink,
    Signature,
    Tag,
)
from causeweb.core import ratelimits
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.core.images import validate_image, web_version
from causeweb.core.markdown import plain_text, render_markdown
from causeweb.core.money import SUPPORTED_CURRENCIES
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify, notify_bulk

SIGNATURE_CONFIRM_MAX_AGE = timedelta(days=7)
SIGNATURE_SALT = "campaigns.signature-confirm"
MAX_TAGS = 8
SHARE_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERRAL_SESSION_KEY = "campaign_referrals"


# --- permissions ----------------------------------------------------------------------------------


def user_is_moderator(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("campaigns.change_campaign")
    )


def user_can_manage(user, campaign: Campaign) -> bool:
    """The organizer (or a moderator) may see and manage a campaign whatever its status."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return campaign.organizer_id == user.pk or user_is_moderator(user)


def user_can_hide_comments(user, campaign: Campaign) -> bool:
    from causeweb.moderation.services import is_site_moderator

    return user_can_manage(user, campaign) or is_site_moderator(user)


def _require_organizer(user, campaign: Campaign) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or campaign.organizer_id != user.pk:
        raise PermissionDenied("Only the campaign's organizer can do that.")


def _require_moderator(user) -> None:
    if not user_is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")


def _require_signed_in(user, what: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(f"Sign in to {what}.")


def _require_published(campaign: Campaign, what: str) -> None:
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError(f"This campaign is not open, so you cannot {what}.", code="not_open")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _bump_activity(campaign_id: int) -> None:
    Campaign.objects.filter(pk=campaign_id).update(last_activity_at=timezone.now())


# --- create / edit --------------------------------------------------------------------------------


RESERVED_SLUGS = {"new", "mine", "signatures"}


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:120].strip("-") or "campaign"
    slug = base
    while slug in RESERVED_SLUGS or Campaign.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _tags_from_names(names) -> list[Tag]:
    if isinstance(names, str):
        names = names.split(",")
    cleaned: dict[str, str] = {}
    for raw in names or []:
        name = " ".join(str(raw).split()).strip().lstrip("#")[:40]
        slug = slugify(name)[:50]
        if slug and slug not in cleaned:
            cleaned[slug] = name.lower()
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags."})
    tags = []
    for slug, name in cleaned.items():
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(slug=slug, name=name)
            except IntegrityError:  # created concurrently, or a name clash with another slug
                tag = Tag.objects.filter(slug=slug).first() or Tag.objects.get(name=name)
        tags.append(tag)
    return tags


def _store_cover(campaign: Campaign, cover: UploadedFile) -> None:
    try:
        validate_image(cover)
    except ValidationError as exc:
        raise ValidationError({"cover": exc.messages})
    resized = web_version(cover, max_width=1600, max_height=1000)
    if campaign.cover:
        campaign.cover.delete(save=False)
    campaign.cover.save(f"{campaign.slug[:60]}-{secrets.token_hex(4)}.jpg", resized, save=False)


def _apply_fields(campaign: Campaign, fields: dict) -> None:
    allowed = {
        "title",
        "summary",
        "story",
        "cause",
        "location",
        "petition_target",
        "goal_minor",
        "currency",
        "deadline",
        "cover_alt",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown campaign fields: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(campaign, name, value)
    errors: dict[str, str] = {}
    if not campaign.title:
        errors["title"] = "Give the campaign a title."
    if not campaign.summary:
        errors["summary"] = "Write a one- or two-sentence summary."
    if not campaign.story:
        errors["story"] = "Tell the story of your campaign."
    if campaign.currency not in SUPPORTED_CURRENCIES:
        errors["currency"] = "Choose a supported currency."
    if campaign.goal_minor is not None and campaign.goal_minor <= 0:
        errors["goal_minor"] = "The fundraising goal must be more than zero."
    if campaign.petition_target is not None and campaign.petition_target <= 0:
        errors["petition_target"] = "The signature target must be more than zero."
    if campaign.deadline and campaign.deadline <= timezone.now() and "deadline" in fields:
        errors["deadline"] = "The deadline must be in the future."
    if errors:
        raise ValidationError(errors)
    campaign.story_html = render_markdown(campaign.story)
    campaign.full_clean(exclude=["organizer", "slug", "cover", "story_html", "tags"])


@transaction.atomic
def campaign_create(
    *,
    organizer,
    title: str,
    summary: str,
    story: str,
    cause: Cause,
    tags=(),
    location: str = "",
    petition_target: int | None = None,
    goal_minor: int | None = None,
    currency: str = "EUR",
    deadline=None,
    cover: UploadedFile | None = None,
    cover_alt: str = "",
) -> Campaign:
    """A new draft owned by `organizer`."""
    _require_signed_in(organizer, "start a campaign")
    campaign = Campaign(organizer=organizer, status=Campaign.Status.DRAFT)
    _apply_fields(
        campaign,
        {
            "title": title,
            "summary": summary,
            "story": story,
            "cause": cause,
            "location": location,
            "petition_target": petition_target,
            "goal_minor": goal_minor,
            "currency": currency,
            "deadline": deadline,
            "cover_alt": cover_alt,
        },
    )
    tag_objects = _tags_from_names(tags)
    campaign.slug = _unique_slug(campaign.title)
    if cover:
        _store_cover(campaign, cover)
    campaign.save()
    campaign.tags.set(tag_objects)
    return campaign


@transaction.atomic
def campaign_edit(*, campaign: Campaign, actor, tags=None, cover: UploadedFile | None = None, **fields) -> Campaign:
    """The organizer edits their campaign (not once closed). A published campaign stays published;
    the slug never changes once set, so shared links keep working. Locks the campaign row."""
    _require_organizer(actor, campaign)
    campaign = _lock(campaign)
    if not campaign.is_editable:
        raise ValidationError("A closed campaign can no longer be edited.", code="closed")
    if fields.get("currency", campaign.currency) != campaign.currency and campaign_currency_locks.any(
        campaign_id=campaign.pk
    ):
        raise ValidationError(
            {"currency": "This campaign has received donations, so its currency can no longer change."},
            code="currency_locked",
        )
    _apply_fields(campaign, fields)
    if cover:
        _store_cover(campaign, cover)
    campaign.save()
    if tags is not None:
        campaign.tags.set(_tags_from_names(tags))
    return campaign


# --- lifecycle ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_submit_for_review(*, campaign: Campaign, actor) -> Campaign:
    """draft or rejected -> pending_review. Locks the campaign row."""
    _require_organizer(actor, campaign)
    campaign = _lock(campaign)
    if campaign.status == Campaign.Status.PENDING_REVIEW:
        raise Conflict("This campaign is already waiting for review.", code="already_pending")
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.REJECTED):
        raise ValidationError("Only drafts can be submitted for review.", code="not_draft")
    campaign.status = Campaign.Status.PENDING_REVIEW
    campaign.submitted_at = timezone.now()
    campaign.save(update_fields=["status", "submitted_at", "updated_at"])
    return campaign


@transaction.atomic
def campaign_approve(*, campaign: Campaign, moderator) -> Campaign:
    """pending_review -> published; the organizer is told. Locks the campaign row."""
    from causeweb.moderation.services import moderation_action_record

    _require_moderator(moderator)
    campaign = _lock(campaign)
    if campaign.status == Campaign.Status.PUBLISHED:
        raise Conflict("This campaign is already published.", code="already_published")
    if campaign.status != Campaign.Status.PENDING_REVIEW:
        raise ValidationError("Only campaigns waiting for review can be approved.", code="not_pending")
    now = timezone.now()
    campaign.status = Campaign.Status.PUBLISHED
    campaign.published_at = campaign.published_at or now
    campaign.last_activity_at = now
    campaign.rejection_reason = ""
    campaign.save(update_fields=["status", "published_at", "last_activity_at", "rejection_reason", "updated_at"])
    moderation_action_record(moderator=moderator, action="campaign_approve", target=campaign)
    notify(
        recipient=campaign.organizer,
        kind=Kind.CAMPAIGN_APPROVED,
        context={
            "title": f"Your campaign “{campaign.title}” is live",
            "body": "A moderator approved it. Share it with the people who care: every share link is tracked.",
            "url": campaign.get_absolute_url(),
            "campaign_id": campaign.pk,
        },
        dedupe_key=f"campaign-approved:{campaign.pk}:{int(now.timestamp())}",
    )
    return campaign


@transaction.atomic
def campaign_reject(*, campaign: Campaign, moderator, reason: str) -> Campaign:
    """pending_review -> rejected with a reason the organizer receives by email."""
    from causeweb.moderation.services import moderation_action_record

    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Tell the organizer why, so they can fix it."})
    campaign = _lock(campaign)
    if campaign.status != Campaign.Status.PENDING_REVIEW:
        raise ValidationError("Only campaigns waiting for review can be rejected.", code="not_pending")
    campaign.status = Campaign.Status.REJECTED
    campaign.rejection_reason = reason
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    moderation_action_record(moderator=moderator, action="campaign_reject", target=campaign, reason=reason)
    notify(
        recipient=campaign.organizer,
        kind=Kind.CAMPAIGN_REJECTED,
        context={
            "title": f"Your campaign “{campaign.title}” needs changes",
            "body": f"A moderator's note: {reason}\n\nEdit the campaign and submit it again when it is ready.",
            "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
            "campaign_id": campaign.pk,
            "reason": reason,
        },
        dedupe_key=f"campaign-rejected:{campaign.pk}:{int(timezone.now().timestamp())}",
    )
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """published -> closed by its organizer or a moderator (or the deadline task, actor=None)."""
    from causeweb.moderation.services import moderation_action_record

    if actor is not None and not user_can_manage(actor, campaign):
        raise PermissionDenied("Only the organizer or a moderator can close this campaign.")
    campaign = _lock(campaign)
    if campaign.status == Campaign.Status.CLOSED:
        raise Conflict("This campaign is already closed.", code="already_closed")
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError("Only published campaigns can be closed.", code="not_published")
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    if actor is not None and actor.pk != campaign.organizer_id:
        moderation_action_record(moderator=actor, action="campaign_close", target=campaign, reason=reason)
    return campaign


@transaction.atomic
def campaign_unpublish(*, campaign: Campaign, moderator, reason: str) -> Campaign:
    """A moderator takes a public campaign down (back to draft, with the reason shown to the
    organizer); it stops being public at once."""
    from causeweb.moderation.services import moderation_action_record

    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the campaign is taken down."})
    campaign = _lock(campaign)
    if not campaign.is_public:
        raise ValidationError("Only public campaigns can be unpublished.", code="not_public")
    campaign.status = Campaign.Status.DRAFT
    campaign.rejection_reason = reason
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    moderation_action_record(moderator=moderator, action="campaign_unpublish", target=campaign, reason=reason)
    notify(
        recipient=campaign.organizer,
        kind=Kind.CAMPAIGN_REJECTED,
        context={
            "title": f"Your campaign “{campaign.title}” was unpublished",
            "body": f"A moderator's note: {reason}",
            "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
            "campaign_id": campaign.pk,
            "reason": reason,
        },
        dedupe_key=f"campaign-unpublished:{campaign.pk}:{int(timezone.now().timestamp())}",
    )
    return campaign


def campaign_close_expired(*, now=None) -> int:
    """Close published campaigns whose deadline has passed (the periodic task). Idempotent."""
    now = now or timezone.now()
    closed = 0
    ids = list(
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED, deadline__lte=now).values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            campaign_close(campaign=Campaign(pk=pk), actor=None)
            closed += 1
        except (Conflict, ValidationError):
            continue
    return closed


# --- updates (news) -------------------------------------------------------------------------------


@transaction.atomic
def campaign_update_create(*, campaign: Campaign, author, title: str, body: str) -> CampaignUpdate:
    """The organizer posts news; every follower is notified in batched inserts."""
    _require_organizer(author, campaign)
    if not campaign.is_public:
        raise ValidationError("Post updates once the campaign is published.", code="not_public")
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the update a title."
    elif len(title) > 120:
        errors["title"] = "Keep the title under 120 characters."
    if not body:
        errors["body"] = "Write the update."
    if errors:
        raise ValidationError(errors)
    update = CampaignUpdate.objects.create(
        campaign=campaign, author=author, title=title, body=body, body_html=render_markdown(body)
    )
    _bump_activity(campaign.pk)
    followers = (
        Follow.objects.filter(campaign=campaign, user__is_active=True)
        .exclude(user=author)
        .select_related("user")
        .iterator(chunk_size=1000)
    )
    notify_bulk(
        recipients=(follow.user for follow in followers),
        kind=Kind.CAMPAIGN_UPDATE,
        context={
            "title": f"{campaign.title}: {title}",
            "body": plain_text(body, limit=500),
            "url": f"{campaign.get_absolute_url()}#update-{update.pk}",
            "campaign_id": campaign.pk,
            "update_id": update.pk,
        },
        dedupe_key=f"campaign-update:{update.pk}",
    )
    return update


# --- signatures -----------------------------------------------------------------------------------


def signature_confirm_token(signature: Signature) -> str:
    return signing.TimestampSigner(salt=SIGNATURE_SALT).sign(str(signature.pk))


def _count_signature(signature: Signature) -> None:
    signature.confirmed_at = timezone.now()
    signature.save(update_fields=["confirmed_at"])
    Campaign.objects.filter(pk=signature.campaign_id).update(
        signature_count=F("signature_count") + 1, last_activity_at=signature.confirmed_at
    )


@transaction.atomic
def signature_create(
    *,
    campaign: Campaign,
    user=None,
    name: str,
    email: str = "",
    comment: str = "",
    is_public: bool = True,
    share_link_id: int | None = None,
) -> Signature:
    """Add a name to the petition, once per email. A signed-in person's signature counts at once
    (their address is verified); a guest's counts when they follow the emailed link.
    The unique constraint on (campaign, lower(email)) makes concurrent duplicates impossible; the
    counter is an F() update in the same transaction, so it never double counts."""
    _require_published(campaign, "sign it")
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in:
        email = user.email
        name = (name or "").strip() or user.public_name
    name, email, comment = (name or "").strip(), (email or "").strip().lower(), (comment or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Tell us your name."
    elif len(name) > 120:
        errors["name"] = "That name is too long."
    if len(comment) > 500:
        errors["comment"] = "Keep your comment under 500 characters."
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    if errors:
        raise ValidationError(errors)
    if share_link_id is not None and not ShareLink.objects.filter(pk=share_link_id, campaign=campaign).exists():
        share_link_id = None
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                campaign=campaign,
                user=user if signed_in else None,
                name=name,
                email=email,
                comment=comment,
                is_public=is_public,
                share_link_id=share_link_id,
            )
    except IntegrityError:
        existing = Signature.objects.select_for_update().filter(campaign=campaign, email__iexact=email).first()
        if existing is not None and not existing.is_confirmed and signed_in:
            # They signed as a guest earlier; their account's address is verified, so count it now.
            existing.user = user
            existing.save(update_fields=["user"])
            _count_signature(existing)
            return existing
        if existing is not None and not existing.is_confirmed:
            raise Conflict(
                "This email address has already signed; check your inbox for the link to confirm it.",
                code="already_signed_unconfirmed",
            )
        raise Conflict("This email address has already signed this petition. Thank you!", code="already_signed")
    if signed_in:
        _count_signature(signature)
    else:
        # One address gets a few confirmation emails per hour across all campaigns, whoever types it
        # in and from wherever; raising rolls the signature back with the transaction.
        ratelimits.enforce_email(
            "signature_email",
            email,
            message="We have already sent several confirmation emails to this address; please try again later.",
        )
        url = reverse("campaigns:signature_confirm", kwargs={"token": signature_confirm_token(signature)})
        notify(
            email=email,
            kind=Kind.SIGNATURE_CONFIRM,
            context={
                "title": f"Confirm your signature on “{campaign.title}”",
                "body": "Follow the link to confirm your signature; it counts once you do. "
                "If you did not sign, ignore this email.",
                "url": url,
                "campaign_id": campaign.pk,
            },
            dedupe_key=f"signature-confirm:{signature.pk}",
        )
    return signature


def signature_from_token(*, token: str) -> Signature:
    try:
        pk = signing.TimestampSigner(salt=SIGNATURE_SALT).unsign(
            token, max_age=SIGNATURE_CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise ValidationError("This confirmation link has expired; sign again to get a new one.", code="expired")
    except signing.BadSignature:
        raise ValidationError("This confirmation link is not valid.", code="invalid")
    signature = Signature.objects.select_related("campaign").filter(pk=int(pk)).first()
    if signature is None:
        raise ValidationError("This signature no longer exists.", code="gone")
    return signature


@transaction.atomic
def signature_confirm(*, token: str) -> Signature:
    """Count a guest's signature. Locks the signature row; confirming twice is a no-op."""
    signature = signature_from_token(token=token)
    signature = Signature.objects.select_for_update().select_related("campaign").get(pk=signature.pk)
    if signature.is_confirmed:
        return signature
    if signature.campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError("This campaign is closed; it no longer takes signatures.", code="not_open")
    _count_signature(signature)
    return signature


def signature_purge_unconfirmed(*, now=None) -> int:
    """Forget guests who never confirmed (their link expired long ago): we keep no address we may
    not use. Idempotent; run daily by the beat."""
    cutoff = (now or timezone.now()) - SIGNATURE_CONFIRM_MAX_AGE * 2
    deleted, _ = Signature.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


# --- follow ---------------------------------------------------------------------------------------


@transaction.atomic
def campaign_follow(*, campaign: Campaign, user) -> Follow:
    _require_signed_in(user, "follow campaigns")
    if not campaign.is_public:
        raise ValidationError("You can follow published campaigns only.", code="not_public")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(campaign=campaign, user=user)
    except IntegrityError:
        raise Conflict("You already follow this campaign.", code="already_following")
    Campaign.objects.filter(pk=campaign.pk).update(follower_count=F("follower_count") + 1)
    return follow


@transaction.atomic
def campaign_unfollow(*, campaign: Campaign, user) -> None:
    _require_signed_in(user, "unfollow campaigns")
    deleted, _ = Follow.objects.filter(campaign=campaign, user=user).delete()
    if not deleted:
        raise Conflict("You do not follow this campaign.", code="not_following")
    Campaign.objects.filter(pk=campaign.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)


# --- comments -------------------------------------------------------------------------------------


def _clean_comment_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > 5000:
        raise ValidationError({"body": "Keep comments under 5,000 characters."})
    return body


@transaction.atomic
def comment_create(*, campaign: Campaign, author, body: str, parent: Comment | None = None) -> Comment:
    """A comment, or a reply to a top-level comment (replies to replies attach to the top one)."""
    _require_signed_in(author, "comment")
    _require_published(campaign, "comment")
    ratelimits.enforce_user("comment_user", author, message="You are commenting very fast; please wait a few minutes.")
    body = _clean_comment_body(body)
    if parent is not None:
        if parent.campaign_id != campaign.pk:
            raise ValidationError("That comment belongs to another campaign.", code="wrong_campaign")
        if parent.is_removed:
            raise ValidationError("That comment was removed; you cannot reply to it.", code="removed")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    comment = Comment.objects.create(
        campaign=campaign, author=author, parent=parent, body=body, body_html=render_markdown(body)
    )
    _bump_activity(campaign.pk)
    if parent is not None and parent.author_id != author.pk:
        notify(
            recipient=parent.author,
            kind=Kind.COMMENT_REPLY,
            context={
                "title": f"{author.public_name} replied to your comment on “{campaign.title}”",
                "body": plain_text(body, limit=300),
                "url": f"{campaign.get_absolute_url()}#comment-{comment.pk}",
                "campaign_id": campaign.pk,
            },
            dedupe_key=f"comment-reply:{comment.pk}",
        )
    return comment


def _require_author_in_window(comment: Comment, actor, what: str) -> None:
    if not getattr(actor, "is_authenticated", False) or comment.author_id != actor.pk:
        raise PermissionDenied(f"Only the author can {what} this comment.")
    if comment.is_removed:
        raise ValidationError("This comment was removed.", code="removed")
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        minutes = int(COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise ValidationError(f"Comments can be changed for {minutes} minutes after posting.", code="window_closed")


@transaction.atomic
def comment_edit(*, comment: Comment, actor, body: str) -> Comment:
    _require_author_in_window(comment, actor, "edit")
    body = _clean_comment_body(body)
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor) -> Comment:
    """Soft delete: the text goes, the row stays so replies keep their place."""
    _require_author_in_window(comment, actor, "delete")
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["deleted_at", "body", "body_html"])
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor, reason: str = "") -> Comment:
    """The campaign's organizer or a moderator hides a comment (kept for the audit trail)."""
    from causeweb.moderation.services import moderation_action_record

    campaign = Campaign.objects.only("pk", "organizer_id").get(pk=comment.campaign_id)
    if not user_can_hide_comments(actor, campaign):
        raise PermissionDenied("Only the organizer or a moderator can hide comments.")
    if comment.hidden_at is not None:
        raise Conflict("This comment is already hidden.", code="already_hidden")
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.save(update_fields=["hidden_at", "hidden_by"])
    moderation_action_record(moderator=actor, action="comment_hide", target=comment, reason=reason)
    return comment


@transaction.atomic
def comment_unhide(*, comment: Comment, moderator) -> Comment:
    from causeweb.moderation.services import moderation_action_record

    _require_moderator(moderator)
    comment.hidden_at = None
    comment.hidden_by = None
    comment.save(update_fields=["hidden_at", "hidden_by"])
    moderation_action_record(moderator=moderator, action="comment_restore", target=comment)
    return comment


def comment_flag(*, comment: Comment, reporter, reason: str, note: str = ""):
    """Anyone signed in may flag a comment; the moderation queue picks it up."""
    from causeweb.moderation.services import flag_create

    return flag_create(reporter=reporter, target=comment, reason=reason, note=note)


# --- sharing --------------------------------------------------------------------------------------


def _new_share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(7))


def share_link_get_or_create(*, campaign: Campaign, user=None) -> ShareLink:
    """The sharer's tracked link to a campaign (one per signed-in person, one for everyone else)."""
    if not campaign.is_public:
        raise ValidationError("Only published campaigns can be shared.", code="not_public")
    sharer = user if getattr(user, "is_authenticated", False) else None
    existing = ShareLink.objects.filter(campaign=campaign, created_by=sharer).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(campaign=campaign, created_by=sharer, code=_new_share_code())
        except IntegrityError:
            existing = ShareLink.objects.filter(campaign=campaign, created_by=sharer).first()
            if existing is not None:  # created concurrently by another request
                return existing
    raise Conflict("Could not create a share link; try again.", code="share_code_exhausted")


_PREVIEW_BOT_MARKERS = (
    "bot",
    "crawler",
    "spider",
    "facebookexternalhit",
    "facebookcatalog",
    "whatsapp",
    "telegram",
    "linkedin",
    "slack",
    "discord",
    "embedly",
    "preview",
    "curl/",
    "python-requests",
)


def is_link_preview_bot(user_agent: str) -> bool:
    """Networks fetch a shared link to build its preview card (WhatsApp, Facebook, X, Telegram...);
    those fetches are not people and must not count as clicks."""
    agent = (user_agent or "").lower()
    return not agent or any(marker in agent for marker in _PREVIEW_BOT_MARKERS)


def visitor_fingerprint(*, user_id: int | None, ip: str) -> str:
    """A salted hash naming one visitor for click de-duplication (no raw IP stored): the user, or
    the client address; never the User-Agent, which the client rotates at will."""
    raw = f"user:{user_id}" if user_id else f"anon:{ip}"
    return hashlib.sha256(f"{settings.SECRET_KEY}|share-visitor|{raw}".encode()).hexdigest()


@transaction.atomic
def share_click_record(*, share_link: ShareLink, channel: str, visitor: str, session=None) -> bool:
    """Count a click once per visitor per day and remember the referral in the session, so a later
    signature (donation, RSVP) can be attributed. Returns True when this click was counted."""
    if channel not in ShareLink.Channel.values:
        channel = ShareLink.Channel.DIRECT
    if session is not None:
        referrals = dict(session.get(REFERRAL_SESSION_KEY, {}))
        referrals[str(share_link.campaign_id)] = share_link.pk
        session[REFERRAL_SESSION_KEY] = referrals
    try:
        with transaction.atomic():
            ShareClick.objects.create(
                share_link=share_link, channel=channel, visitor=visitor, day=timezone.now().date()
            )
    except IntegrityError:
        return False
    ShareLink.objects.filter(pk=share_link.pk).update(click_count=F("click_count") + 1)
    return True


# --- hooks for the site moderation queue (registered in apps.py) ----------------------------------


def comment_hide_by_site_moderator(comment: Comment, *, moderator, reason: str = "") -> None:
    """Idempotent hide used when a site moderator upholds a flag (moderation writes the audit row)."""
    Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(hidden_at=timezone.now(), hidden_by=moderator)


def comment_restore_by_site_moderator(comment: Comment, *, moderator) -> None:
    Comment.objects.filter(pk=comment.pk).update(hidden_at=None, hidden_by=None)


@transaction.atomic
def campaign_hide_by_site_moderator(campaign: Campaign, *, moderator, reason: str = "") -> None:
    """A site moderator upheld a flag on a campaign: take it down (idempotent). The organizer is
    told why and can edit and resubmit it."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_public:
        return
    campaign.status = Campaign.Status.DRAFT
    campaign.rejection_reason = reason or "Reported by visitors and taken down by a moderator."
    campaign.save(update_fields=["status", "rejection_reason", "updated_at"])
    notify(
        recipient=campaign.organizer,
        kind=Kind.CAMPAIGN_REJECTED,
        context={
            "title": f"Your campaign “{campaign.title}” was taken down",
            "body": f"A moderator's note: {campaign.rejection_reason}",
            "url": reverse("campaigns:edit", kwargs={"slug": campaign.slug}),
            "campaign_id": campaign.pk,
        },
        dedupe_key=f"campaign-taken-down:{campaign.pk}:{int(timezone.now().timestamp())}",
    )


def campaign_restore_by_site_moderator(campaign: Campaign, *, moderator) -> None:
    """Restoring a taken-down campaign sends it back to the review queue rather than straight online."""
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
        status=Campaign.Status.PENDING_REVIEW, submitted_at=timezone.now()
    )


def campaign_flag(*, campaign: Campaign, reporter, reason: str, note: str = ""):
    """Anyone signed in may report a public campaign to the moderators."""
    from causeweb.moderation.services import flag_create

    if not campaign.is_public:
        raise ValidationError("Only public campaigns can be reported.", code="not_public")
    return flag_create(reporter=reporter, target=campaign, reason=reason, note=note)

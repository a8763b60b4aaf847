"""Creating and editing a campaign's content: fields, tags, cover image, slug."""

import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from campaigns.hooks import campaign_currency_locks
from campaigns.models import Campaign, CampaignRevision, Cause, Tag
from campaigns.services._common import lock, require_organizer, require_signed_in
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.core.images import validate_image, web_version
from causeweb.core.markdown import render_markdown
from causeweb.core.money import SUPPORTED_CURRENCIES
from causeweb.core.slugs import ascii_slug, unique_slug

RESERVED_SLUGS = {"new", "mine", "signatures"}  # URLs of ours under /campaigns/
MAX_TAGS = 8


def _tags_from_names(names) -> list[Tag]:
    if isinstance(names, str):
        names = names.split(",")
    cleaned: dict[str, str] = {}
    for raw in names or []:
        name = " ".join(str(raw).split()).strip().lstrip("#")[:40]
        # A tag is only ever in the list's ?tag= filter, never in a path: an Arabic tag keeps its
        # letters in a Unicode slug rather than vanish; Latin ones are transliterated as before.
        slug = (ascii_slug(name) or slugify(name, allow_unicode=True))[:50]
        if slug and slug not in cleaned:
            cleaned[slug] = name.lower()
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": gettext("Use at most %(max)d tags.") % {"max": MAX_TAGS}})
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
        "language",
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
    if "language" in fields and campaign.pk and campaign.translations.filter(language=campaign.language).exists():
        errors["language"] = "There is a translation in this language: remove it first, or choose another language."
    if campaign.petition_target is not None and campaign.petition_target <= 0:
        errors["petition_target"] = "The signature target must be more than zero."
    if campaign.deadline and campaign.deadline <= timezone.now() and "deadline" in fields:
        errors["deadline"] = "The deadline must be in the future."
    if errors:
        raise ValidationError(errors)
    campaign.story_html = render_markdown(campaign.story)
    campaign.full_clean(exclude=["organizer", "slug", "cover", "story_html", "tags"])


def _active_site_language() -> str:
    active = translation.get_language() or settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.LANGUAGES]
    return (
        active if active in codes else active.split("-")[0] if active.split("-")[0] in codes else settings.LANGUAGE_CODE
    )


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
    language: str = "",
) -> Campaign:
    """A new draft owned by `organizer`, written in `language` (by default the organizer's
    active language)."""
    require_signed_in(organizer, gettext("Sign in to start a campaign."))
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
            "language": language or _active_site_language(),
        },
    )
    tag_objects = _tags_from_names(tags)
    # The base is cut at 120 characters (127 with the random suffix), within the 140 of the field.
    campaign.slug = unique_slug(
        campaign.title,
        queryset=Campaign.objects.all(),
        max_length=127,
        fallback="campaign",
        reserved=RESERVED_SLUGS,
    )
    if cover:
        _store_cover(campaign, cover)
    campaign.save()
    campaign.tags.set(tag_objects)
    return campaign


@transaction.atomic
def campaign_edit(*, campaign: Campaign, actor, tags=None, cover: UploadedFile | None = None, **fields) -> Campaign:
    """The organizer edits their campaign (not once closed); the slug never changes once set, so
    shared links keep working. A change to a published campaign's story or goal is kept as a
    CampaignRevision for moderators; with CAMPAIGN_EDIT_REVIEW = "resubmit" it also sends the
    campaign back to review. Locks the campaign row."""
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise Conflict(gettext("A closed campaign can no longer be edited."), code="closed")
    if fields.get("currency", campaign.currency) != campaign.currency and campaign_currency_locks.any(
        campaign_id=campaign.pk
    ):
        raise ValidationError(
            {"currency": gettext("This campaign has received donations, so its currency can no longer change.")},
            code="currency_locked",
        )
    story_before, goal_before, was_published = campaign.story, campaign.goal_minor, campaign.is_open
    _apply_fields(campaign, fields)
    if cover:
        _store_cover(campaign, cover)
    revision = None
    if was_published and (campaign.story != story_before or campaign.goal_minor != goal_before):
        revision = _record_revision(campaign, actor=actor, story_before=story_before, goal_before=goal_before)
    campaign.save()
    if revision is not None:
        revision.save()
    if tags is not None:
        campaign.tags.set(_tags_from_names(tags))
    return campaign


def _delete_file_after_commit(storage, name: str) -> None:
    """A file the row no longer names goes once the row's change is committed: a rolled-back
    request keeps the old cover on disk as it keeps it in the row."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def campaign_cover_set(*, campaign: Campaign, actor, cover: UploadedFile, cover_alt: str | None = None) -> Campaign:
    """The organizer replaces the campaign's cover (validated by Pillow: type, bytes, pixels;
    stored as a resized JPEG) and optionally its description. Not once closed. Locks the row."""
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise Conflict(gettext("A closed campaign can no longer be edited."), code="closed")
    if cover_alt is not None:
        _apply_fields(campaign, {"cover_alt": cover_alt})
    try:
        validate_image(cover)
    except ValidationError as exc:
        raise ValidationError({"cover": exc.messages})
    old = campaign.cover.name if campaign.cover else ""
    resized = web_version(cover, max_width=1600, max_height=1000)
    campaign.cover.save(f"{campaign.slug[:60]}-{secrets.token_hex(4)}.jpg", resized, save=False)
    campaign.save(update_fields=["cover", "cover_alt", "updated_at"])
    _delete_file_after_commit(campaign.cover.storage, old)
    return campaign


@transaction.atomic
def campaign_cover_remove(*, campaign: Campaign, actor) -> Campaign:
    """The organizer removes the cover (and its description). Removing no cover is a no-op; not
    once closed. Locks the row."""
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise Conflict(gettext("A closed campaign can no longer be edited."), code="closed")
    if not campaign.cover:
        return campaign
    old = campaign.cover.name
    storage = campaign.cover.storage
    campaign.cover = ""
    campaign.cover_alt = ""
    campaign.save(update_fields=["cover", "cover_alt", "updated_at"])
    _delete_file_after_commit(storage, old)
    return campaign


EDIT_REVIEW_MODES = ("resubmit", "notify")


def _edit_review_mode() -> str:
    mode = settings.CAMPAIGN_EDIT_REVIEW
    if mode not in EDIT_REVIEW_MODES:
        raise ImproperlyConfigured(f"CAMPAIGN_EDIT_REVIEW must be one of {EDIT_REVIEW_MODES}, not {mode!r}.")
    return mode


def _record_revision(campaign: Campaign, *, actor, story_before: str, goal_before) -> CampaignRevision:
    """The revision (saved by the caller with the campaign); in "resubmit" mode the campaign goes
    back to pending review here, off the public site until a moderator approves it again."""
    resubmit = _send_back_to_review_if_asked(campaign)
    return CampaignRevision(
        campaign=campaign,
        editor=actor,
        story_before=story_before,
        story_after=campaign.story,
        goal_before_minor=goal_before,
        goal_after_minor=campaign.goal_minor,
        currency=campaign.currency,
        resubmitted=resubmit,
    )


def _send_back_to_review_if_asked(campaign: Campaign) -> bool:
    resubmit = _edit_review_mode() == "resubmit"
    if resubmit:
        campaign.status = Campaign.Status.PENDING_REVIEW
        campaign.submitted_at = timezone.now()
    return resubmit


def translation_edit_review(
    *,
    campaign: Campaign,
    actor,
    language: str,
    title_before: str,
    title_after: str,
    story_before: str,
    story_after: str,
) -> CampaignRevision | None:
    """A published campaign's translation got a new title or story (a new translation counts, from
    nothing): the same edit review as an edit of the original (CAMPAIGN_EDIT_REVIEW), so text in
    another language cannot go live unseen. The campaign row is locked by the caller; in "resubmit"
    mode it goes back to pending review. None when nothing reviewable changed or the campaign is
    not live."""
    if not campaign.is_open or (title_before == title_after and story_before == story_after):
        return None
    resubmit = _send_back_to_review_if_asked(campaign)
    if resubmit:
        campaign.save(update_fields=["status", "submitted_at", "updated_at"])
    return CampaignRevision.objects.create(
        campaign=campaign,
        editor=actor,
        language=language,
        title_before=title_before,
        title_after=title_after,
        story_before=story_before,
        story_after=story_after,
        goal_before_minor=campaign.goal_minor,
        goal_after_minor=campaign.goal_minor,
        currency=campaign.currency,
        resubmitted=resubmit,
    )

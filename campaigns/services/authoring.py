"""Creating and editing a campaign's content: fields, tags, cover image, slug."""

import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns.hooks import campaign_currency_locks
from campaigns.models import Campaign, Cause, Tag
from campaigns.services._common import lock, require_organizer, require_signed_in
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.core.images import validate_image, web_version
from causeweb.core.markdown import render_markdown
from causeweb.core.money import SUPPORTED_CURRENCIES
from causeweb.core.slugs import unique_slug

RESERVED_SLUGS = {"new", "mine", "signatures"}  # URLs of ours under /campaigns/
MAX_TAGS = 8


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
    require_signed_in(organizer, "start a campaign")
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
    """The organizer edits their campaign (not once closed). A published campaign stays published;
    the slug never changes once set, so shared links keep working. Locks the campaign row."""
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise Conflict("A closed campaign can no longer be edited.", code="closed")
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

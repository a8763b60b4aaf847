"""A campaign's title, summary and story in other languages (CampaignTranslation), written by
the people who may edit the campaign, under the same rules as an edit (docs/i18n-content.md),
including its review: a live campaign's translated title or story is reviewed like an edit of its
story (CAMPAIGN_EDIT_REVIEW, campaigns.services.authoring.translation_edit_review)."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from campaigns.models import Campaign, CampaignTranslation
from campaigns.services._common import lock, require_organizer
from campaigns.services.authoring import translation_edit_review
from causeweb.core.exceptions import Conflict, ValidationError
from causeweb.core.markdown import render_markdown

SITE_LANGUAGES = dict(settings.LANGUAGES)


def _check_language(campaign: Campaign, language: str) -> None:
    if language not in SITE_LANGUAGES:
        raise ValidationError({"language": "Choose one of the site's languages."}, code="language")
    if language == campaign.language:
        # The campaign's state, not the input, is in the way (a 409 from the API).
        raise Conflict(
            gettext("The campaign is already written in this language; edit the campaign instead."),
            code="original_language",
        )


def _require_editable(*, campaign: Campaign, actor) -> Campaign:
    require_organizer(actor, campaign)
    campaign = lock(campaign)
    if not campaign.is_editable:
        raise Conflict("A closed campaign can no longer be edited.", code="closed")
    return campaign


@transaction.atomic
def campaign_translation_save(
    *, campaign: Campaign, actor, language: str, title: str, summary: str, story: str
) -> CampaignTranslation:
    """Add the campaign's version in `language`, or replace it. The story is Markdown, sanitized
    like the original's. Locks the campaign row (as campaign_edit does), so two editors do not
    both create the same language."""
    campaign = _require_editable(campaign=campaign, actor=actor)
    _check_language(campaign, language)
    version = CampaignTranslation.objects.filter(campaign=campaign, language=language).first() or CampaignTranslation(
        campaign=campaign, language=language
    )
    title_before, story_before = version.title, version.story  # "" for a new translation
    version.title, version.summary, version.story = title.strip(), summary.strip(), story.strip()
    errors = {}
    if not version.title:
        errors["title"] = "Give the campaign a title."
    if not version.summary:
        errors["summary"] = "Write a one- or two-sentence summary."
    if not version.story:
        errors["story"] = "Tell the story of your campaign."
    if errors:
        raise ValidationError(errors)
    version.story_html = render_markdown(version.story)
    version.full_clean(exclude=["campaign", "story_html"], validate_unique=False)
    version.save()
    translation_edit_review(
        campaign=campaign, actor=actor, language=language, title_before=title_before, title_after=version.title,
        story_before=story_before, story_after=version.story,
    )  # fmt: skip
    return version


@transaction.atomic
def campaign_translation_delete(*, campaign: Campaign, actor, language: str) -> None:
    """Remove the campaign's version in `language` (nothing to do if there is none). Locks the
    campaign row."""
    campaign = _require_editable(campaign=campaign, actor=actor)
    for version in CampaignTranslation.objects.filter(campaign=campaign, language=language):
        version.delete()  # through the model, so the page cache's watch sees it

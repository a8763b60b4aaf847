"""A published campaign's translation goes through the same edit review as the campaign itself
(CAMPAIGN_EDIT_REVIEW): a new or changed translated title or story is a CampaignRevision for
moderators ("notify": it stays live and the change page shows it; "resubmit": back to review).
Drafts, and saves that change neither title nor story, record nothing."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign, CampaignRevision
from campaigns.services import lifecycle
from campaigns.services.translations import campaign_translation_save
from causeweb.moderation.roles import MODERATOR
from tests.campaigns.factories import DraftCampaignFactory, PendingCampaignFactory
from tests.factories import CampaignFactory, staff_with_role

pytestmark = pytest.mark.django_db

SPANISH = {"title": "Agua limpia", "summary": "Agua para cada hogar.", "story": "Línea uno\nLínea dos"}


def _save(campaign, **changes):
    return campaign_translation_save(
        campaign=campaign, actor=campaign.organizer, language="es", **{**SPANISH, **changes}
    )


@pytest.mark.parametrize("mode", ["notify", "resubmit"])
def test_a_new_translation_of_a_live_campaign_is_reviewed(settings, mode):
    settings.CAMPAIGN_EDIT_REVIEW = mode
    campaign = CampaignFactory()
    _save(campaign)
    revision = CampaignRevision.objects.get(campaign=campaign)
    assert (revision.language, revision.title_before, revision.title_after) == ("es", "", "Agua limpia")
    assert (revision.story_before, revision.story_after) == ("", SPANISH["story"])
    assert not revision.goal_changed and revision.resubmitted == (mode == "resubmit")
    campaign.refresh_from_db()
    expected = Campaign.Status.PENDING_REVIEW if mode == "resubmit" else Campaign.Status.PUBLISHED
    assert campaign.status == expected


def test_resubmit_mode_sends_a_translated_story_edit_back_to_review(settings):
    settings.CAMPAIGN_EDIT_REVIEW = "notify"
    campaign = CampaignFactory()
    _save(campaign)
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    _save(campaign, story="Línea uno\nAlgo nuevo")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW and not campaign.is_public
    latest = CampaignRevision.objects.filter(campaign=campaign).first()
    assert latest.resubmitted and latest.story_before == SPANISH["story"]
    lifecycle.campaign_approve(campaign=campaign, moderator=staff_with_role(MODERATOR))
    assert not CampaignRevision.objects.filter(campaign=campaign, reviewed_at__isnull=True).exists()


def test_notify_mode_shows_moderators_the_translated_title_and_story(settings, client):
    settings.CAMPAIGN_EDIT_REVIEW = "notify"
    campaign = CampaignFactory()
    _save(campaign)
    CampaignRevision.objects.update(reviewed_at="2026-01-01T00:00:00Z")
    _save(campaign, title="Agua sucia", story="Línea uno\nLínea 2")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED
    client.force_login(staff_with_role(MODERATOR))
    response = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert response.status_code == 200, response
    body = response.content.decode()
    assert "Translation (Español)" in body or "Translation (Spanish)" in body
    assert "<del>Agua limpia</del> → <ins>Agua sucia</ins>" in body
    assert '<span class="del">-Línea dos</span>' in body and '<span class="add">+Línea 2</span>' in body


def test_summary_only_changes_drafts_and_pending_campaigns_record_nothing(settings):
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    for campaign in (DraftCampaignFactory(), PendingCampaignFactory()):
        _save(campaign)
        _save(campaign, story="Otra historia")
    assert not CampaignRevision.objects.exists()
    settings.CAMPAIGN_EDIT_REVIEW = "notify"
    live = CampaignFactory()
    _save(live)
    _save(live, summary="Otro resumen.")  # neither title nor story
    assert CampaignRevision.objects.filter(campaign=live).count() == 1

"""Campaign updates in the moderation queue: flagged, hidden (by the queue and by N open flags)
and restored like comments; a hidden update is gone from the campaign page, the updates page and
the API, and comes back when restored."""

import pytest
from django.urls import reverse

from campaigns.models import CampaignUpdate
from causeweb.moderation import selectors, services
from causeweb.moderation.models import Flag, ModerationAction
from tests.campaigns.factories import UpdateFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/flag/queue/"
API_RESOLVE = "/api/v1/moderation/queue/resolve/"


def _flag(target, reason="spam"):
    return services.flag_create(reporter=UserFactory(), target=target, reason=reason)


def _seen_by_public(client, update) -> dict[str, bool]:
    campaign = update.campaign
    api = client.get(f"/api/v1/campaigns/{campaign.slug}/").json()
    return {
        "page": update.title in client.get(campaign.get_absolute_url()).content.decode(),
        "updates": update.title in client.get(_updates_url(campaign)).content.decode(),
        "api": update.title in [row["title"] for row in api["updates"]],
    }


def _updates_url(campaign):
    return reverse("campaigns:updates", kwargs={"slug": campaign.slug})


def test_update_hidden_from_the_queue_vanishes_everywhere_and_is_restored(client, moderator):
    update = UpdateFactory(title="Send cash to my personal account")
    other = UpdateFactory(campaign=update.campaign, title="We met the mayor")
    assert _seen_by_public(client, update) == {"page": True, "updates": True, "api": True}
    _flag(update, "fraud")
    client.force_login(moderator)
    response = client.post(
        QUEUE, {"content_type": "campaigns.campaignupdate", "object_id": update.pk, "resolution": "hide"}
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.hidden_at is not None and update.hidden_by == moderator
    assert Flag.objects.get().status == Flag.Status.UPHELD
    client.logout()
    assert _seen_by_public(client, update) == {"page": False, "updates": False, "api": False}
    assert _seen_by_public(client, other) == {"page": True, "updates": True, "api": True}
    services.content_restore(target=update, moderator=moderator)
    assert _seen_by_public(client, update) == {"page": True, "updates": True, "api": True}
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("id")) == ["hide", "restore"]
    assert ModerationAction.objects.filter(action="hide").get().subject == update.author


def test_update_hidden_by_n_open_flags_pending_review(settings, client):
    settings.MODERATION_AUTO_HIDE_FLAGS = 2
    update = UpdateFactory(title="Spammy news")
    _flag(update)
    assert CampaignUpdate.objects.get(pk=update.pk).hidden_at is None
    _flag(update)
    assert CampaignUpdate.objects.get(pk=update.pk).hidden_at is not None
    assert _seen_by_public(client, update)["page"] is False
    assert ModerationAction.objects.get().action == "auto_hide"
    assert [item.label for item in selectors.flag_queue()] == ["campaigns.campaignupdate"]


def test_update_flag_page_and_api(client):
    update = UpdateFactory()
    reporter = UserFactory()
    client.force_login(reporter)
    url = f"/campaigns/{update.campaign.slug}/updates/{update.pk}/report/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam", "note": "ads"})
    assert response.status_code == 302
    assert Flag.objects.get().target == update
    api = client.post(
        "/api/v1/flags/",
        {"content_type": "campaigns.campaignupdate", "object_id": update.pk, "reason": "spam"},
        content_type="application/json",
    )
    assert api.status_code == 409  # already flagged by this person


def test_hidden_update_cannot_be_flagged_by_the_public(client, moderator):
    update = UpdateFactory()
    services.flag_uphold(flag=_flag(update), moderator=moderator)
    client.force_login(UserFactory())
    assert client.get(f"/campaigns/{update.campaign.slug}/updates/{update.pk}/report/").status_code == 404
    api = client.post(
        "/api/v1/flags/",
        {"content_type": "campaigns.campaignupdate", "object_id": update.pk, "reason": "spam"},
        content_type="application/json",
    )
    assert api.status_code == 404


def test_suspending_with_hide_content_hides_their_updates(moderator):
    update = UpdateFactory()
    services.user_suspend(
        user=update.author, moderator=moderator, rule="spam", note="", ends_at=None, hide_content=True
    )
    assert CampaignUpdate.objects.get(pk=update.pk).hidden_at is not None

"""PUT|DELETE /api/v1/me/campaigns/{slug}/cover/: the organizer uploads (multipart, validated by
Pillow, size-limited) and removes the cover through campaign_cover_set / campaign_cover_remove;
anyone else is refused."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from campaigns.models import Campaign
from tests.campaigns.conftest import make_image_upload
from tests.campaigns.factories import DraftCampaignFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def cover_url(campaign):
    return f"/api/v1/me/campaigns/{campaign.slug}/cover/"


def test_the_organizer_uploads_replaces_and_removes_the_cover(campaign, user, django_capture_on_commit_callbacks):
    api = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(
            cover_url(campaign), {"cover": make_image_upload(), "cover_alt": "Volunteers"}, format="multipart"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["cover_url"].endswith(".jpg")
    campaign.refresh_from_db()
    first = campaign.cover.name
    assert campaign.cover_alt == "Volunteers" and campaign.cover.storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        again = api.put(cover_url(campaign), {"cover": make_image_upload(color=(1, 2, 3))}, format="multipart")
    assert again.status_code == 200
    campaign.refresh_from_db()
    assert campaign.cover.name != first and not campaign.cover.storage.exists(first)  # the old file goes
    assert campaign.cover_alt == "Volunteers"  # not given: kept

    second = campaign.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        removed = api.delete(cover_url(campaign))
    assert removed.status_code == 200 and removed.json()["cover_url"] is None
    campaign.refresh_from_db()
    assert not campaign.cover and campaign.cover_alt == ""
    assert not default_storage.exists(second)
    assert api.delete(cover_url(campaign)).status_code == 200  # removing no cover: a no-op


def test_a_draft_takes_a_cover_too(user):
    draft = DraftCampaignFactory(organizer=user)
    response = client_for(user).put(cover_url(draft), {"cover": make_image_upload()}, format="multipart")
    assert response.status_code == 200


def test_a_non_image_and_a_too_large_file_are_400(campaign, user, settings):
    api = client_for(user)
    text = SimpleUploadedFile("cover.png", b"not an image at all", content_type="image/png")
    response = api.put(cover_url(campaign), {"cover": text}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"]["cover"]
    small = make_image_upload(size=(50, 50))
    response = api.put(cover_url(campaign), {"cover": small}, format="multipart")
    assert response.status_code == 400 and "at least" in response.json()["errors"]["cover"][0]
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    response = api.put(cover_url(campaign), {"cover": big}, format="multipart")
    assert response.status_code == 400 and "limit" in response.json()["errors"]["cover"][0]
    assert api.put(cover_url(campaign), {}, format="multipart").status_code == 400  # no file
    json_body = api.put(cover_url(campaign), {"cover": "x"}, format="json")
    assert json_body.status_code == 415
    campaign.refresh_from_db()
    assert not campaign.cover


def test_someone_else_is_refused(campaign, other_user, user):
    api = client_for(other_user)
    assert api.put(cover_url(campaign), {"cover": make_image_upload()}, format="multipart").status_code == 403
    assert api.delete(cover_url(campaign)).status_code == 403
    draft = DraftCampaignFactory(organizer=user)  # not public: its existence does not leak
    assert api.put(cover_url(draft), {"cover": make_image_upload()}, format="multipart").status_code == 404
    assert api.delete(cover_url(draft)).status_code == 404
    assert APIClient().delete(cover_url(campaign)).status_code == 401
    campaign.refresh_from_db()
    assert not campaign.cover


def test_a_closed_campaign_keeps_its_cover(campaign, user):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    response = client_for(user).put(cover_url(campaign), {"cover": make_image_upload()}, format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "closed"

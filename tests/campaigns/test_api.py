import pytest
from django.core import mail
from rest_framework.test import APIClient

from campaigns.models import Comment, Signature
from tests.campaigns.factories import CampaignFactory, CommentFactory, DraftCampaignFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_list_is_public_filtered_and_paginated(api, cause):
    CampaignFactory.create_batch(3, cause=cause)
    CampaignFactory(title="Bees of Berlin")
    DraftCampaignFactory(title="Hidden draft")
    response = api.get("/api/v1/campaigns/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert "Hidden draft" not in str(body)
    assert {"slug", "title", "signature_count", "petition_target", "url", "cover_url"} <= set(body["results"][0])
    found = api.get("/api/v1/campaigns/", {"q": "bees"}).json()
    assert [c["title"] for c in found["results"]] == ["Bees of Berlin"]
    assert api.get("/api/v1/campaigns/", {"cause": cause.slug}).json()["count"] == 3


def test_list_query_count_is_constant(api, django_assert_max_num_queries):
    campaigns = []
    for _ in range(25):
        campaign = CampaignFactory()
        SignatureFactory.create_batch(2, campaign=campaign)
        campaigns.append(campaign)
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/campaigns/")
    body = response.json()
    # The few queries still return the rows: a full first page of the 25, each one of them.
    assert response.status_code == 200 and body["count"] == 25
    assert len(body["results"]) == 20
    assert {c["slug"] for c in body["results"]} <= {c.slug for c in campaigns}
    assert len({c["slug"] for c in body["results"]}) == 20


def test_detail_public_only(api, campaign):
    body = api.get(f"/api/v1/campaigns/{campaign.slug}/").json()
    assert body["story_html"] == campaign.story_html and body["organizer"] == campaign.organizer.public_name
    assert api.get(f"/api/v1/campaigns/{DraftCampaignFactory().slug}/").status_code == 404


def test_sign_as_guest_then_duplicate_is_409(api, campaign, django_capture_on_commit_callbacks):
    url = f"/api/v1/campaigns/{campaign.slug}/sign/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"name": "Ana", "email": "ana@example.org"}, format="json")
    assert response.status_code == 201 and response.json() == {"confirmed": False, "signature_count": 0}
    assert len(mail.outbox) == 1
    duplicate = api.post(url, {"name": "Ana", "email": "ANA@example.org"}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "already_signed_unconfirmed"
    bad = api.post(url, {"name": "", "email": "x"}, format="json")
    assert bad.status_code == 400


def test_sign_signed_in_counts(api, campaign, other_user):
    api.force_authenticate(other_user)
    response = api.post(f"/api/v1/campaigns/{campaign.slug}/sign/", {}, format="json")
    assert response.status_code == 201 and response.json() == {"confirmed": True, "signature_count": 1}
    assert Signature.objects.get().user == other_user


def test_sign_closed_campaign_is_400(api):
    closed = CampaignFactory(status="closed")
    response = api.post(f"/api/v1/campaigns/{closed.slug}/sign/", {"name": "A", "email": "a@example.org"})
    assert response.status_code == 400


def test_follow_needs_auth_and_conflicts(api, campaign, other_user):
    url = f"/api/v1/campaigns/{campaign.slug}/follow/"
    assert api.post(url).status_code in (401, 403)
    api.force_authenticate(other_user)
    assert api.post(url).status_code == 201
    assert api.post(url).status_code == 409
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 409


def test_comments_read_public_write_authenticated(api, campaign, other_user):
    top = CommentFactory(campaign=campaign)
    CommentFactory(campaign=campaign, parent=top)
    url = f"/api/v1/campaigns/{campaign.slug}/comments/"
    listing = api.get(url).json()
    assert listing["next"] is None  # cursor pages, as the schema says
    assert len(listing["results"]) == 1 and len(listing["results"][0]["replies"]) == 1
    assert api.post(url, {"body": "hi"}, format="json").status_code in (401, 403)
    api.force_authenticate(other_user)
    created = api.post(url, {"body": "**Yes**", "parent": top.pk}, format="json")
    assert created.status_code == 201 and "<strong>Yes</strong>" in created.json()["body_html"]
    assert Comment.objects.get(pk=created.json()["id"]).parent == top
    assert api.post(url, {"body": "x", "parent": 999999}, format="json").status_code == 400
    assert api.post(url, {"body": ""}, format="json").status_code == 400


def test_schema_includes_campaign_endpoints(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/campaigns/{slug}/sign/" in response.content


def test_sign_through_the_api_opts_in_only_when_asked(api, campaign):
    url = f"/api/v1/campaigns/{campaign.slug}/sign/"
    api.post(url, {"name": "Ana", "email": "ana@example.org", "keep_updated": True}, format="json")
    api.post(url, {"name": "Bo", "email": "bo@example.org"}, format="json")
    assert dict(Signature.objects.values_list("email", "keep_updated")) == {
        "ana@example.org": True,
        "bo@example.org": False,
    }

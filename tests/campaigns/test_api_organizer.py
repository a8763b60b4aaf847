"""/api/v1/me/campaigns/ and /api/v1/me/signatures/: the organizer's writes through the same
services as the pages, both directions of every permission, and no signer's email leaking."""

import pytest
from rest_framework.test import APIClient

from campaigns.models import Campaign, CampaignUpdate
from tests.campaigns.factories import CampaignFactory, DraftCampaignFactory, SignatureFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user=None):
    api = APIClient()
    if user:
        api.force_authenticate(user)
    return api


@pytest.fixture
def organizer(user):
    return client_for(user)


@pytest.fixture
def stranger(other_user):
    return client_for(other_user)


def test_create_edit_submit_through_the_api(organizer, user, cause):
    created = organizer.post(
        "/api/v1/me/campaigns/",
        {
            "title": "Trees for Tallinn",
            "summary": "Plant 500 trees.",
            "story": "We **can**.",
            "cause": cause.slug,
            "tags": ["trees", "city"],
            "goal_minor": 500_000,
            "currency": "EUR",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and set(body["tags"]) == {"city", "trees"}
    slug = body["slug"]
    edited = organizer.patch(f"/api/v1/me/campaigns/{slug}/", {"summary": "Plant 600 trees."}, format="json")
    assert edited.status_code == 200 and edited.json()["summary"] == "Plant 600 trees."
    assert edited.json()["title"] == "Trees for Tallinn"  # untouched fields stay
    submitted = organizer.post(f"/api/v1/me/campaigns/{slug}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending_review"
    again = organizer.post(f"/api/v1/me/campaigns/{slug}/submit/")
    assert again.status_code == 409 and again.json()["code"] == "already_pending"
    listed = organizer.get("/api/v1/me/campaigns/").json()
    assert [c["slug"] for c in listed["results"]] == [slug]


def test_bad_input_is_a_field_error(organizer, cause):
    response = organizer.post(
        "/api/v1/me/campaigns/", {"title": "x", "summary": "y", "story": "z", "cause": "no-such-cause"}, format="json"
    )
    assert response.status_code == 400 and "cause" in response.json()["errors"]
    assert not Campaign.objects.filter(title="x").exists()


def test_nobody_else_sees_or_changes_my_campaign(stranger, user):
    draft = DraftCampaignFactory(organizer=user)
    published = CampaignFactory(organizer=user)
    for campaign in (draft, published):
        base = f"/api/v1/me/campaigns/{campaign.slug}/"
        assert stranger.get(base).status_code == 404
        assert stranger.patch(base, {"title": "Mine now"}, format="json").status_code == 404
        assert stranger.post(base + "submit/").status_code == 404
        assert stranger.post(base + "close/").status_code == 404
        assert stranger.post(base + "updates/", {"title": "t", "body": "b"}, format="json").status_code == 404
        assert stranger.get(base + "signatures/").status_code == 404
    assert stranger.get("/api/v1/me/campaigns/").json()["results"] == []
    draft.refresh_from_db()
    assert draft.title != "Mine now" and draft.status == Campaign.Status.DRAFT


def test_anonymous_and_read_tokens_cannot_write(user, cause):
    anonymous = client_for()
    assert anonymous.post("/api/v1/me/campaigns/", {}, format="json").status_code == 401
    from causeweb.accounts.services import api_token_create

    _, secret = api_token_create(user=user, name="ro", scope="read")
    read_only = APIClient()
    read_only.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert read_only.get("/api/v1/me/campaigns/").status_code == 200
    response = read_only.post(
        "/api/v1/me/campaigns/", {"title": "t", "summary": "s", "story": "s", "cause": cause.slug}, format="json"
    )
    assert response.status_code == 403 and not Campaign.objects.filter(title="t").exists()


def test_close_and_post_updates_and_their_state_conflicts(organizer, user):
    campaign = CampaignFactory(organizer=user)
    update = organizer.post(
        f"/api/v1/me/campaigns/{campaign.slug}/updates/", {"title": "Week one", "body": "We did it."}, format="json"
    )
    assert update.status_code == 201 and CampaignUpdate.objects.filter(campaign=campaign, title="Week one").exists()
    closed = organizer.post(f"/api/v1/me/campaigns/{campaign.slug}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert organizer.post(f"/api/v1/me/campaigns/{campaign.slug}/close/").status_code == 409
    edit = organizer.patch(f"/api/v1/me/campaigns/{campaign.slug}/", {"title": "Later"}, format="json")
    assert edit.status_code == 409 and edit.json()["code"] == "closed"
    draft = DraftCampaignFactory(organizer=user)
    not_yet = organizer.post(f"/api/v1/me/campaigns/{draft.slug}/updates/", {"title": "t", "body": "b"}, format="json")
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "not_public"


def test_signatures_export_is_the_csv_as_json_for_the_organizer_only(organizer, stranger, user, client):
    campaign = CampaignFactory(organizer=user)
    SignatureFactory(campaign=campaign, name="Ada", email="ada@example.org")
    SignatureFactory(campaign=campaign, name="Bo", email="bo@example.org")
    rows = organizer.get(f"/api/v1/me/campaigns/{campaign.slug}/signatures/").json()["results"]
    assert [(r["name"], r["email"]) for r in rows] == [("Ada", "ada@example.org"), ("Bo", "bo@example.org")]
    # The same rows as the CSV the organizer downloads from the site.
    client.force_login(user)
    csv_lines = b"".join(client.get(f"/campaigns/{campaign.slug}/signatures.csv").streaming_content).decode()
    assert "ada@example.org" in csv_lines and "bo@example.org" in csv_lines
    # Nobody else, and not through the public campaign either.
    assert stranger.get(f"/api/v1/me/campaigns/{campaign.slug}/signatures/").status_code == 404
    assert "ada@example.org" not in stranger.get(f"/api/v1/campaigns/{campaign.slug}/").content.decode()


def test_signatures_export_pages_by_cursor_in_constant_queries(organizer, user, django_assert_max_num_queries):
    campaign = CampaignFactory(organizer=user)
    SignatureFactory.create_batch(45, campaign=campaign)
    with django_assert_max_num_queries(6):
        first = organizer.get(f"/api/v1/me/campaigns/{campaign.slug}/signatures/").json()
    assert len(first["results"]) == 20 and first["next"]
    seen = {r["id"] for r in first["results"]}
    page = first
    while page["next"]:
        page = organizer.get(page["next"]).json()
        seen |= {r["id"] for r in page["results"]}
    assert len(seen) == 45


def test_my_signatures_are_mine_only(user, other_user):
    mine = SignatureFactory(user=user, email=user.email, name="Me")
    SignatureFactory(email=other_user.email)
    SignatureFactory(email=user.email.upper(), confirmed_at=None)  # someone typed my address: not proven mine
    rows = client_for(user).get("/api/v1/me/signatures/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert "email" not in rows[0]
    assert client_for().get("/api/v1/me/signatures/").status_code == 401


def test_my_signatures_query_count_is_constant(user, django_assert_max_num_queries):
    for _ in range(30):
        SignatureFactory(user=user, email=user.email, campaign=CampaignFactory())
    with django_assert_max_num_queries(4):
        response = client_for(user).get("/api/v1/me/signatures/")
    assert len(response.json()["results"]) == 20


def test_my_campaigns_api_and_page_agree(user, client):
    CampaignFactory(organizer=user, title="Alpha")
    DraftCampaignFactory(organizer=user, title="Beta")
    CampaignFactory(organizer=UserFactory(), title="Gamma")
    api_titles = {c["title"] for c in client_for(user).get("/api/v1/me/campaigns/").json()["results"]}
    client.force_login(user)
    page = client.get("/campaigns/mine/").content.decode()
    assert api_titles == {"Alpha", "Beta"}
    assert all(title in page for title in api_titles) and "Gamma" not in page

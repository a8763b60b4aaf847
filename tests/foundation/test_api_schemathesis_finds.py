"""What a Schemathesis run against a live server on PostgreSQL found (docs/api.md, "Schemathesis"),
each held here on its own so it stays fixed."""

import pytest
from rest_framework.test import APIClient

from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_campaign_filter_is_a_400_not_a_database_error():
    """PostgreSQL refuses NUL in text: `?q=%00` reached the query and answered 500 there."""
    CampaignFactory(title="Clean water")
    api = APIClient()
    for query in ("q=a%00b", "tag=%00", "location=x%00", "cause=not%20a%20slug", "sort=sideways", "status=maybe"):
        response = api.get(f"/api/v1/campaigns/?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"], query
    assert len(api.get("/api/v1/campaigns/?status=open&sort=newest&q=water").json()["results"]) == 1


def _schema():
    return APIClient().get("/api/schema/?format=json").json()


def test_the_thread_posts_page_is_a_cursor_page_in_the_schema():
    schema = _schema()
    ref = schema["paths"]["/api/v1/threads/{id}/posts/"]["get"]["responses"]["200"]["content"]["application/json"]
    page = schema["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"next", "previous", "results"} and "count" not in page.get("required", [])


def test_a_signature_without_a_share_link_is_null_in_the_schema():
    field = _schema()["components"]["schemas"]["SignatureExport"]["properties"]["via_share_link"]
    assert field.get("nullable") is True or {"type": "null"} in field.get("oneOf", field.get("anyOf", []))


def test_the_campaign_filters_say_what_the_form_accepts():
    parameters = {p["name"]: p["schema"] for p in _schema()["paths"]["/api/v1/campaigns/"]["get"]["parameters"]}
    assert parameters["q"]["maxLength"] == 200 and "\\u0000" in parameters["q"]["pattern"]
    assert set(parameters["sort"]["enum"]) == {"", "trending", "newest", "supported", "closing"}
    assert set(parameters["status"]["enum"]) == {"", "open", "closed", "won"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/groups/?q=a%00b",
        "/api/v1/groups/?place=%00",
        "/api/v1/me/webhooks/?campaign=%00",
        "/api/v1/campaigns/?sort=newest&q=%00",
    ],
)
def test_a_nul_in_any_api_query_is_a_json_400(path, user):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(path)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "invalid" and response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/campaigns/a%00b/", "/api/v1/groups/a%00/", "/api/v1/events/%00/"])
def test_a_nul_in_an_api_path_is_a_json_404(path):
    response = APIClient().get(path)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/campaigns/a%00b/", "/events/a%00/", "/campaigns/?q=%00"])
def test_the_pages_refuse_a_nul_too(client, path):
    assert client.get(path).status_code in (400, 404)

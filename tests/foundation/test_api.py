import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower()  # the sidecar serves Swagger UI from our static files


def test_api_root_lists_resources(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert isinstance(response.json(), dict)


def test_api_errors_are_json_4xx_not_500(client):
    response = client.get("/api/v1/no-such-resource/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404

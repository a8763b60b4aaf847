"""Request body limits (causeweb/core/body_limits.py): an oversized body is a 413 with a clear
message, HTML for people and the API's error body for programs; an upload has its own, larger
limit; nothing reads the body to refuse it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _post(client, path, *, length, content_type, body=b"x=1", **headers):
    """A POST claiming `length` bytes: the check is on Content-Length, before the body is read."""
    return client.generic("POST", path, body, content_type=content_type, CONTENT_LENGTH=str(length), **headers)


def test_an_oversized_form_post_is_a_413_page_not_a_400_or_500():
    response = _post(
        Client(), reverse("account_login"), length=11 * MB, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "too large" in text and "10.0\xa0MB" in text
    assert response["Cache-Control"] == "no-store"


def test_an_oversized_json_body_to_the_api_is_a_json_413():
    response = _post(Client(), "/api/v1/campaigns/", length=11 * MB, content_type="application/json", body=b"{}")
    assert response.status_code == 413
    body = json.loads(response.content)
    assert body["code"] == "request_too_large" and "10.0\xa0MB" in body["detail"]


def test_uploads_have_their_own_larger_limit(settings):
    login = reverse("account_login")
    # 11 MB is over the form limit but under the upload limit: it goes on to the view.
    big_file = SimpleUploadedFile("cover.jpg", b"\xff" * (11 * MB), content_type="image/jpeg")
    under = Client().post(login, {"login": "a@example.org", "password": "x", "cover": big_file})
    assert under.status_code == 200  # the login form's own answer
    multipart = "multipart/form-data; boundary=BoUnDaRy"
    over = _post(Client(), login, length=13 * MB, content_type=multipart, body=b"--BoUnDaRy--\r\n")
    assert over.status_code == 413
    assert "files and form together can be at most 12.0\xa0MB" in over.content.decode()
    assert settings.UPLOAD_MAX_BODY_SIZE == 12 * MB and settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * MB


def test_a_real_oversized_body_is_refused_and_the_message_is_in_the_browsers_language():
    body = b"comment=" + b"a" * (10 * MB + 1)
    response = Client().post(
        reverse("account_login"),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 413
    assert '<html lang="es"' in response.content.decode()


def test_form_fields_over_the_limit_inside_an_upload_are_a_413_not_a_400(settings):
    """Django's own check while parsing a multipart body (RequestDataTooBig) answers the same 413."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # a small limit instead of a 10 MB test body
    response = Client().post(reverse("account_login"), {"login": "a@example.org", "password": "p" * 4096})
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_an_api_upload_whose_fields_are_too_large_is_a_json_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    campaign = CampaignFactory()
    client = Client()
    client.force_login(UserFactory())
    response = client.post(f"/api/v1/campaigns/{campaign.slug}/comments/", {"body": "t" * 4096})
    assert response.status_code == 413
    assert json.loads(response.content)["code"] == "request_too_large"


def test_other_bad_requests_stay_400():
    response = Client().get("/", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400

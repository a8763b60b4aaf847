"""Personal API tokens: created, named and revoked on the profile page (the secret shown once,
stored hashed), `Authorization: Bearer` on /api/v1/ before the session, scopes read / write,
revoked tokens and suspended people answer 401, and the session keeps its CSRF check."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from causeweb.accounts import services
from causeweb.accounts.models import ApiToken
from causeweb.core.exceptions import PermissionDenied, RateLimited, ValidationError
from causeweb.moderation.services import user_reinstate, user_suspend
from tests.factories import CampaignFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
WRITE = "/api/v1/notifications/read-all/"


def bearer(secret: str, *, csrf_checks: bool = True) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf_checks)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def make_token(user, scope="read", name="Script"):
    return services.api_token_create(user=user, name=name, scope=scope)


# --- the service: hashed at rest, shown once -------------------------------------------------------


def test_created_token_is_stored_as_a_hash_and_a_display_prefix_only(user):
    token, secret = make_token(user, scope="write", name="  Partner site  ")
    token.refresh_from_db()
    assert secret.startswith("cw_") and len(secret) > 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10]
    assert token.name == "Partner site" and token.scope == "write"
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored
    assert not any(secret[10:20] in value for value in stored)  # nothing past the prefix in clear


def test_each_token_gets_its_own_secret(user):
    _, first = make_token(user)
    _, second = make_token(user)
    assert first != second


@pytest.mark.parametrize(
    ("name", "scope", "field"),
    [
        ("", "read", "name"),
        ("   ", "read", "name"),
        ("a\nb", "read", "name"),
        ("x" * 81, "read", "name"),
        ("ok", "admin", "scope"),
    ],
)
def test_create_refuses_bad_names_and_unknown_scopes(user, name, scope, field):
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(user=user, name=name, scope=scope)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_suspended_people_cannot_create_tokens(user):
    user.is_active = False
    user.save()
    with pytest.raises(PermissionDenied):
        make_token(user)


def test_creation_is_rate_limited_per_person(user, other_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token_create_user": "2/h"}
    make_token(user)
    make_token(user)
    with pytest.raises(RateLimited):
        make_token(user)
    make_token(other_user)  # another person's bucket
    assert ApiToken.objects.filter(user=user).count() == 2


def test_working_tokens_are_capped(user, monkeypatch):
    monkeypatch.setattr(services, "MAX_ACTIVE_API_TOKENS", 2)
    first, _ = make_token(user)
    make_token(user)
    with pytest.raises(ValidationError):
        make_token(user)
    services.api_token_revoke(token=first, actor=user)
    make_token(user)  # a revoked one no longer counts


def test_only_the_owner_renames_or_revokes(user, other_user, staff_user):
    token, _ = make_token(user)
    for stranger in (other_user, staff_user):
        with pytest.raises(PermissionDenied):
            services.api_token_rename(token=token, actor=stranger, name="mine now")
        with pytest.raises(PermissionDenied):
            services.api_token_revoke(token=token, actor=stranger)
    token.refresh_from_db()
    assert token.name == "Script" and token.revoked_at is None


def test_revoke_twice_says_so(user):
    token, _ = make_token(user)
    assert services.api_token_revoke(token=token, actor=user) is True
    assert services.api_token_revoke(token=token, actor=user) is False


# --- authentication and scopes on /api/v1/ ---------------------------------------------------------


def test_read_token_reads_as_its_owner_and_records_use(user, other_user):
    NotificationFactory(recipient=user)
    NotificationFactory(recipient=other_user)
    token, secret = make_token(user, scope="read")
    response = bearer(secret).get(LIST)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
    token.refresh_from_db()
    assert token.last_used is not None


def test_read_token_cannot_write(user):
    NotificationFactory(recipient=user)
    _, secret = make_token(user, scope="read")
    response = bearer(secret).post(WRITE)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "read scope" in response.json()["detail"]
    assert user.notifications.filter(read_at__isnull=True).count() == 1


def test_read_token_cannot_write_even_where_the_view_allows_anyone(user):
    """The sign endpoint is AllowAny: the scope is checked at authentication, not per view."""
    campaign = CampaignFactory()
    _, secret = make_token(user, scope="read")
    response = bearer(secret).post(f"/api/v1/campaigns/{campaign.slug}/sign/", {}, format="json")
    assert response.status_code == 403
    assert not campaign.signatures.exists()


def test_write_token_writes_without_csrf(user):
    NotificationFactory(recipient=user)
    _, secret = make_token(user, scope="write")
    response = bearer(secret, csrf_checks=True).post(WRITE)
    assert response.status_code == 200, response.content
    assert response.json()["marked"] == 1


@pytest.mark.parametrize(
    "header",
    ["Bearer cw_not-a-real-token", "Bearer", "Bearer two parts", "bearer   "],
)
def test_unknown_or_malformed_tokens_answer_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] in ("authentication_failed", "not_authenticated")


def test_revoked_token_answers_401(user):
    token, secret = make_token(user, scope="write")
    assert bearer(secret).get(LIST).status_code == 200
    services.api_token_revoke(token=token, actor=user)
    response = bearer(secret).get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_suspension_ends_tokens_for_good(user, staff_user):
    token, secret = make_token(user, scope="write")
    user_suspend(user=user, moderator=staff_user, rule="spam")
    assert bearer(secret).get(LIST).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    user_reinstate(user=user, moderator=staff_user)
    assert bearer(secret).get(LIST).status_code == 401


def test_inactive_owner_is_refused_even_if_the_token_was_not_revoked(user):
    """Deactivated in the admin's user form, without the suspend action: still 401."""
    _, secret = make_token(user, scope="write")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert bearer(secret).get(LIST).status_code == 401


def test_anonymous_write_answers_401_with_a_bearer_challenge():
    response = APIClient().post(WRITE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_drf_authtoken_tokens_are_not_accepted(user):
    response = APIClient().get(LIST, HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert response.status_code == 401


# --- the session still works, with its CSRF check ---------------------------------------------------


def test_session_writes_still_need_csrf(user):
    NotificationFactory(recipient=user)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(LIST).status_code == 200
    refused = client.post(WRITE)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get(reverse("accounts:profile"))  # sets the csrftoken cookie
    accepted = client.post(WRITE, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert accepted.status_code == 200
    assert accepted.json()["marked"] == 1


# --- the profile page -------------------------------------------------------------------------------


def test_profile_page_creates_a_token_and_shows_the_secret_once(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:api_token_create"), {"name": "My phone", "scope": "write"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    page = response.content.decode()
    secret = page.split("data-secret>", 1)[1].split("<", 1)[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.key_hash
    assert "no-store" in response["Cache-Control"]
    again = client.get(reverse("accounts:profile")).content.decode()
    assert secret not in again
    assert "My phone" in again and token.prefix in again
    assert bearer(secret).post(WRITE).status_code == 200


def test_profile_page_shows_form_errors_and_creates_nothing(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:api_token_create"), {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert "data-secret" not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_profile_page_shows_the_rate_limit_as_a_form_error(client, user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token_create_user": "1/h"}
    client.force_login(user)
    client.post(reverse("accounts:api_token_create"), {"name": "one", "scope": "read"})
    response = client.post(reverse("accounts:api_token_create"), {"name": "two", "scope": "read"})
    assert response.status_code == 400
    assert "many tokens recently" in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_profile_page_renames_and_revokes(client, user):
    token, secret = make_token(user, name="Old name")
    client.force_login(user)
    client.post(reverse("accounts:api_token_rename", args=[token.pk]), {"name": "New name"})
    token.refresh_from_db()
    assert token.name == "New name"
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.prefix not in client.get(reverse("accounts:profile")).content.decode()
    assert bearer(secret).get(LIST).status_code == 401


def test_other_peoples_tokens_are_invisible_and_untouchable(client, user, other_user):
    theirs, secret = make_token(other_user, name="Their secret integration")
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Their secret integration" not in page and theirs.prefix not in page
    assert client.post(reverse("accounts:api_token_rename", args=[theirs.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("accounts:api_token_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their secret integration" and theirs.revoked_at is None


def test_token_pages_need_sign_in_and_post(client, user):
    response = client.post(reverse("accounts:api_token_create"), {"name": "x", "scope": "write"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(user)
    assert client.get(reverse("accounts:api_token_create")).status_code == 405
    assert not ApiToken.objects.exists()


# --- admin and schema -------------------------------------------------------------------------------


def test_admin_lists_tokens_read_only(client, staff_user, user):
    token, secret = make_token(user, name="Visible to admins")
    client.force_login(staff_user)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "Visible to admins" in listing and secret not in listing
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert detail.status_code == 200 and secret not in detail.content.decode()
    client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "changed"})
    token.refresh_from_db()
    assert token.name == "Visible to admins"


def test_schema_documents_the_bearer_scheme(client):
    schema = client.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["personalToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    security = schema["paths"]["/api/v1/notifications/"]["get"]["security"]
    assert {"personalToken": []} in security

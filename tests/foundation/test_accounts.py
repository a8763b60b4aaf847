import re

import pytest
from django.core import mail
from django.urls import reverse

from causeweb.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-unusual-passphrase-42"


def test_sign_up_verify_email_then_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {"display_name": "New Person", "email": "New.Person@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact="new.person@example.org")
    assert not user.emailaddress_set.get().verified

    # Mandatory verification: signing in before confirming does not start a session.
    client.logout()
    client.post(reverse("account_login"), {"login": "new.person@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    body = mail.outbox[-1].body
    confirm_url = re.search(r"http://\S+/accounts/confirm-email/\S+/", body).group(0)
    path = confirm_url.split("testserver", 1)[-1] if "testserver" in confirm_url else "/" + confirm_url.split("/", 3)[3]
    response = client.post(path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.person@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_with_mismatched_passwords_shows_field_error(client):
    response = client.post(
        reverse("account_signup"),
        {"display_name": "X", "email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert "same password" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_duplicate_email_creates_no_second_account_and_reveals_nothing(client, user):
    """allauth prevents account enumeration: the form looks successful, the owner gets an email."""
    client.post(
        reverse("account_signup"),
        {"display_name": "Copy", "email": user.email.upper(), "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert any(user.email in m.to for m in mail.outbox)


def test_suspended_user_cannot_sign_in(client, user):
    user.is_active = False
    user.save()
    client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session


def test_profile_requires_login_and_saves(client, user):
    assert client.get(reverse("accounts:profile")).status_code == 302
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "  Ada  ", "bio": "Organizer", "location": "Leeds", "timezone": "Europe/London"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.timezone) == ("Ada", "Europe/London")


def test_profile_rejects_unknown_timezone(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Ada", "bio": "", "location": "", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_password_reset_sends_email(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert any(user.email in m.to for m in mail.outbox)


def test_sign_up_asks_for_the_name_others_see(client):
    response = client.get(reverse("account_signup"))
    assert 'name="display_name"' in response.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "display_name": "  Nora   Nováková ",
            "email": "nora.new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="nora.new@example.org")
    assert user.display_name == "Nora Nováková"
    assert user.public_name == "Nora Nováková"


@pytest.mark.parametrize(
    "name, error", [("", "This field is required"), ("   ", "This field is required"), ("Eve\u202e", "")]
)
def test_sign_up_without_a_usable_name_is_a_field_error(client, name, error):
    response = client.post(
        reverse("account_signup"),
        {"display_name": name, "email": "noname@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="noname@example.org").exists()

"""The profile's "show my name in top advocates" opt-in (off by default)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PROFILE = {"display_name": "Ana", "bio": "", "location": "", "timezone": ""}


def test_advocates_are_anonymous_until_they_opt_in_on_their_profile(client):
    person = UserFactory()
    assert person.show_as_advocate is False
    client.force_login(person)
    assert client.post(reverse("accounts:profile"), {**PROFILE, "show_as_advocate": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.show_as_advocate is True
    client.post(reverse("accounts:profile"), PROFILE)  # unticked
    person.refresh_from_db()
    assert person.show_as_advocate is False

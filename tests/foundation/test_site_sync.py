"""The Sites row follows SITE_URL and SITE_NAME, so account emails name the real site."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command

from causeweb.accounts.sites import site_sync

pytestmark = pytest.mark.django_db


def test_site_row_is_set_from_settings_after_migrate(settings):
    settings.SITE_URL = "https://act.example.org"
    settings.SITE_NAME = "Act Now"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    call_command("migrate", "sites", verbosity=0)
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("act.example.org", "Act Now")


def test_site_sync_creates_the_row_and_keeps_a_port(settings):
    Site.objects.all().delete()
    settings.SITE_URL = "http://127.0.0.1:8000"
    site_sync()
    assert Site.objects.get(pk=settings.SITE_ID).domain == "127.0.0.1:8000"


def test_sign_up_email_names_the_site_not_example_com(client, settings):
    settings.SITE_URL = "https://act.example.org"
    site_sync()
    client.post(
        "/accounts/signup/",
        {
            "display_name": "Nora",
            "email": "nora.new@example.org",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert mail.outbox, "no confirmation email was sent"
    subject = mail.outbox[0].subject
    assert "example.com" not in subject and subject.startswith(f"[{settings.SITE_NAME}]")

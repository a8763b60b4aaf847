"""ANYMAIL_ESP + ANYMAIL_API_KEY configure anymail for each supported provider: the backend that
settings name can be built from the ANYMAIL dict they make, and holds the key (causeweb/settings_email.py)."""

import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.test import override_settings

from causeweb.settings_email import ESP_SETTINGS, anymail_settings

KEY = "key-from-the-environment-123"
EXTRA = {"SECRET_KEY": "mailjet-secret", "PROJECT_ID": "scw-project", "API_URL": "https://mail.example.org/"}


def _env(monkeypatch, **values):
    for name in [n for n in os.environ if n.startswith("ANYMAIL_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


@pytest.mark.parametrize("esp", sorted(ESP_SETTINGS))
def test_each_provider_gets_its_key_under_its_own_setting_name(esp, monkeypatch):
    _, key_setting, required, _ = ESP_SETTINGS[esp]
    env = _env(monkeypatch, ANYMAIL_API_KEY=KEY, **{f"ANYMAIL_{name}": EXTRA[name] for name in required})
    backend_path, anymail = anymail_settings(env=env, esp=esp)
    assert backend_path == f"anymail.backends.{esp}.EmailBackend"
    with override_settings(EMAIL_BACKEND=backend_path, ANYMAIL=anymail):
        # anymail reads its settings when the backend is made: a wrong setting name raises
        # AnymailConfigurationError here (it did for postmark, mailersend, mailtrap, scaleway, mailjet).
        backend = get_connection(backend_path)
    if key_setting:
        assert KEY in [value for value in vars(backend).values() if isinstance(value, str)]


def test_a_missing_key_or_required_setting_refuses_to_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_API_KEY"):
        anymail_settings(env=_env(monkeypatch), esp="postmark")
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_SECRET_KEY"):
        anymail_settings(env=_env(monkeypatch, ANYMAIL_API_KEY=KEY), esp="mailjet")
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        anymail_settings(env=_env(monkeypatch, ANYMAIL_API_KEY=KEY), esp="pigeon")


def test_amazon_ses_needs_no_anymail_key(monkeypatch):
    assert anymail_settings(env=_env(monkeypatch), esp="amazon_ses") == ("anymail.backends.amazon_ses.EmailBackend", {})


def test_settings_module_uses_the_table():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, sorted(settings.ANYMAIL.items()))"
    env = {**os.environ, "ANYMAIL_ESP": "postmark", "ANYMAIL_API_KEY": KEY}
    env["DJANGO_SETTINGS_MODULE"] = "causeweb.settings"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "anymail.backends.postmark.EmailBackend" in out
    assert f"('POSTMARK_SERVER_TOKEN', '{KEY}')" in out

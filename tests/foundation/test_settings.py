"""Settings load in the embedded mode and in production mode, from the environment alone."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, "
    "'stripe_base': s.STRIPE_API_BASE, 'ssl_redirect': getattr(s, 'SECURE_SSL_REDIRECT', False)}))"
)
MODE_VARS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "STRIPE_SECRET_KEY", "EMAIL_URL", "DEBUG", "CI")


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in MODE_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE="causeweb.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )
    return result


def test_embedded_mode_needs_no_environment():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["cache"].endswith("LocMemCache")
    assert loaded["eager"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["stripe_base"] == "http://127.0.0.1:8420"


def test_production_mode_reads_services_from_environment():
    result = load_settings(
        DATABASE_URL="postgres://app:secret@db.internal:5432/causeweb",
        REDIS_URL="redis://cache.internal:6379/0",
        SECRET_KEY="x" * 64,
        STRIPE_SECRET_KEY="sk_live_abc",
        EMAIL_URL="smtp+tls://user:pass@smtp.example.org:587",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["cache"].endswith("RedisCache")
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://cache.internal:6379/0"
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["stripe_base"] == ""  # the real Stripe API
    assert loaded["ssl_redirect"] is True


def test_production_without_secret_key_fails_loudly():
    result = load_settings(DATABASE_URL="postgres://app:secret@db.internal:5432/causeweb")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr

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
MODE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "EMAIL_URL",
    "DEBUG",
    "CI",
    "ALLOW_LOCALSTRIPE",
    "SENTRY_DSN",
    "AWS_STORAGE_BUCKET_NAME",
)
PRODUCTION = {
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/causeweb",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "q8#Lw!3zT9@vN2$kR7^pX5&mC1*bY6(hJ4)dF0_sG-eA+uQ=Zt7%Wc",
    "STRIPE_SECRET_KEY": "sk_live_abc",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_abc",
    "STRIPE_WEBHOOK_SECRET": "whsec_abc",
    "ALLOWED_HOSTS": "causeweb.example.org",
    "SITE_URL": "https://causeweb.example.org",
    "EMAIL_URL": "smtp+tls://user:pass@smtp.example.org:587",
}


def clean_environment(**env) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' Playwright in this process; a real
    # deployment never has it (check --deploy refuses it).
    clean = {k: v for k, v in os.environ.items() if k not in MODE_VARS and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update(env, DJANGO_SETTINGS_MODULE="causeweb.settings")
    return clean


def load_settings(**env):
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


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
        STRIPE_WEBHOOK_SECRET="whsec_abc",
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


def test_check_deploy_with_production_settings_is_clean():
    """`manage.py check --deploy` as production runs it: no error and no warning."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=clean_environment(**PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only security.W021 is silenced (HSTS preload is the operator's decision, causeweb/settings.py).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_reports_a_production_setting_that_is_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=clean_environment(**{**PRODUCTION, "SECURE_HSTS_SECONDS": "0"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_production_refuses_to_start_on_localstripe():
    no_keys = {k: v for k, v in PRODUCTION.items() if not k.startswith("STRIPE_")}
    result = load_settings(**no_keys)
    assert result.returncode != 0 and "localstripe" in result.stderr
    loopback = load_settings(**{**PRODUCTION, "STRIPE_API_BASE": "http://127.0.0.1:8420"})
    assert loopback.returncode != 0 and "localstripe" in loopback.stderr


def test_production_refuses_to_start_without_a_webhook_secret():
    result = load_settings(**{k: v for k, v in PRODUCTION.items() if k != "STRIPE_WEBHOOK_SECRET"})
    assert result.returncode != 0 and "STRIPE_WEBHOOK_SECRET must be set" in result.stderr


def test_the_test_harness_may_run_production_mode_on_localstripe():
    no_keys = {k: v for k, v in PRODUCTION.items() if not k.startswith("STRIPE_")}
    result = load_settings(**no_keys, ALLOW_LOCALSTRIPE="true")
    assert result.returncode == 0, result.stderr

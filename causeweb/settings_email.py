"""Outgoing email through django-anymail from the environment: ANYMAIL_ESP names the provider
(anymail's backend module: postmark, mailgun, sendgrid, amazon_ses...) and ANYMAIL_API_KEY its
credential. Each provider names that credential differently in anymail's settings (Postmark's is a
SERVER_TOKEN, MailerSend's an API_TOKEN, Scaleway's a SECRET_KEY), so a plain "<ESP>_API_KEY"
would leave most of them unconfigured and every email failing at send time. The table below maps
each supported provider to its setting; the extra settings some need come from ANYMAIL_<NAME>
(ANYMAIL_SECRET_KEY for Mailjet, ANYMAIL_PROJECT_ID for Scaleway, ANYMAIL_API_URL for Postal and
Unisender Go, ANYMAIL_SENDER_DOMAIN for Mailgun...). Tested per provider in
tests/foundation/test_email_settings.py; docs/operations.md lists them."""

from django.core.exceptions import ImproperlyConfigured

# ANYMAIL_ESP -> (anymail's setting prefix, the setting ANYMAIL_API_KEY fills or None, settings
# that must also be given, optional ones passed through when set).
ESP_SETTINGS: dict[str, tuple[str, str | None, tuple[str, ...], tuple[str, ...]]] = {
    # Amazon SES authenticates through boto3 (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the
    # instance's role): no key of anymail's own.
    "amazon_ses": ("AMAZON_SES", None, (), ("CONFIGURATION_SET_NAME",)),
    "brevo": ("BREVO", "API_KEY", (), ()),
    "mailersend": ("MAILERSEND", "API_TOKEN", (), ()),
    "mailgun": ("MAILGUN", "API_KEY", (), ("SENDER_DOMAIN", "API_URL")),
    "mailjet": ("MAILJET", "API_KEY", ("SECRET_KEY",), ()),
    "mailtrap": ("MAILTRAP", "API_TOKEN", (), ("SANDBOX_ID",)),
    "mandrill": ("MANDRILL", "API_KEY", (), ()),
    "postal": ("POSTAL", "API_KEY", ("API_URL",), ()),
    "postmark": ("POSTMARK", "SERVER_TOKEN", (), ("MESSAGE_STREAM",)),
    "resend": ("RESEND", "API_KEY", (), ()),
    "scaleway": ("SCALEWAY", "SECRET_KEY", ("PROJECT_ID",), ("REGION",)),
    "sendgrid": ("SENDGRID", "API_KEY", (), ()),
    "sparkpost": ("SPARKPOST", "API_KEY", (), ("API_URL",)),
    "unisender_go": ("UNISENDER_GO", "API_KEY", ("API_URL",), ()),
}


def anymail_settings(*, env, esp: str) -> tuple[str, dict]:
    """(EMAIL_BACKEND, ANYMAIL) for `esp`; refuses to start with an unknown provider or a
    missing credential, rather than failing at the first email."""
    esp = esp.strip().lower()
    if esp not in ESP_SETTINGS:
        supported = ", ".join(sorted(ESP_SETTINGS))
        raise ImproperlyConfigured(f"ANYMAIL_ESP={esp!r} is not supported; use one of {supported}.")
    prefix, key_setting, required, optional = ESP_SETTINGS[esp]
    anymail: dict = {}
    if key_setting:
        key = env("ANYMAIL_API_KEY", default="")
        if not key:
            raise ImproperlyConfigured(f"ANYMAIL_ESP={esp} needs ANYMAIL_API_KEY (anymail's {prefix}_{key_setting}).")
        anymail[f"{prefix}_{key_setting}"] = key
    for name in required:
        value = env(f"ANYMAIL_{name}", default="")
        if not value:
            raise ImproperlyConfigured(f"ANYMAIL_ESP={esp} needs ANYMAIL_{name} (anymail's {prefix}_{name}).")
        anymail[f"{prefix}_{name}"] = value
    for name in optional:
        value = env(f"ANYMAIL_{name}", default="")
        if value:
            anymail[f"{prefix}_{name}"] = value
    return f"anymail.backends.{esp}.EmailBackend", anymail

"""Deploy checks (`manage.py check --deploy`): production must not silently fall back to the
embedded defaults meant for a laptop."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from causeweb.core.share_cards import font_path


@register(Tags.security, deploy=True)
def check_production_services(app_configs, **kwargs):
    errors = []
    if settings.STRIPE_API_BASE.startswith("http://127.0.0.1"):
        errors.append(
            Error(
                "Payments point at the offline localstripe server.",
                hint="Set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET.",
                id="causeweb.E001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(Error("Production needs PostgreSQL.", hint="Set DATABASE_URL.", id="causeweb.E002"))
    if not settings.REDIS_URL:
        errors.append(
            Error("Production needs Redis for Celery and the cache.", hint="Set REDIS_URL.", id="causeweb.E003")
        )
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        errors.append(
            Error(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: webhooks cannot be verified, "
                "so payments would never be confirmed (or unsigned events would have to be trusted).",
                hint="Set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...).",
                id="causeweb.E004",
            )
        )
    return errors


EDIT_REVIEW_MODES = ("resubmit", "notify")


@register(Tags.compatibility)
def check_campaign_edit_review(app_configs, **kwargs):
    """CAMPAIGN_EDIT_REVIEW is read on every edit of a live campaign: a typo fails at start-up."""
    mode = getattr(settings, "CAMPAIGN_EDIT_REVIEW", "notify")
    if mode in EDIT_REVIEW_MODES:
        return []
    return [
        Error(
            f"CAMPAIGN_EDIT_REVIEW is {mode!r}.",
            hint='Set it to "resubmit" (edits go back to review) or "notify" (moderators see a diff).',
            id="causeweb.E010",
        )
    ]


@register(Tags.compatibility, deploy=True)
def check_unicode_font(app_configs, **kwargs):
    """The share cards and the petition PDF draw any language (Arabic too) in DejaVu Sans: without
    it the cards fall back to a Latin-only bitmap font and the petition PDF cannot be made."""
    if font_path(False) is not None:
        return []
    return [
        Warning(
            "DejaVu Sans is not installed: share cards lose Arabic and the petition PDF fails.",
            hint="Install Debian's fonts-dejavu-core (the Dockerfile does).",
            id="causeweb.W011",
        )
    ]

"""The Sites framework's one row, kept equal to SITE_URL and SITE_NAME.

allauth puts the current Site in every account email ("[Causeweb] Please confirm your email
address", links to the real host); left at Django's default the emails read
"[example.com] ...", which looks like phishing. The row is written after every `migrate`, so a
deployment that changes SITE_URL gets it on its next deploy."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site


def site_sync(*, site_model=Site, using: str = "default") -> None:
    """Create or update Site(SITE_ID) with SITE_URL's host (and port) and SITE_NAME."""
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    site_model.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain[:100], "name": settings.SITE_NAME[:50]}
    )
    Site.objects.clear_cache()  # Django caches the current Site per process


def sync_site_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs) -> None:
    """post_migrate receiver: once the sites table exists (and after Django's own default row)."""
    if app_config is None or app_config.label != "sites":
        return
    site_sync(site_model=apps.get_model("sites", "Site") if apps is not None else Site, using=using)

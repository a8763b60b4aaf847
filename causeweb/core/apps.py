from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "causeweb.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from causeweb.core import (
            checks,  # noqa: F401 - registers the deploy checks
            converters,  # noqa: F401 - registers the <id:...> URL converter
        )
        from causeweb.core.abuse import admin_attention as rate_limit_attention
        from causeweb.core.abuse import overrides_changed
        from causeweb.core.hooks import admin_attention
        from causeweb.core.models import RateLimitOverride

        # Cache invalidation only: the next limited request reads the overrides again.
        post_save.connect(overrides_changed, sender=RateLimitOverride, dispatch_uid="ratelimit-overrides-saved")
        post_delete.connect(overrides_changed, sender=RateLimitOverride, dispatch_uid="ratelimit-overrides-deleted")
        admin_attention.register("core-ratelimits", rate_limit_attention, order=50)

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from causeweb.accounts import views as accounts_views
from causeweb.core import views as core_views

admin.site.site_header = _("Causeweb administration")
admin.site.site_title = _("Causeweb admin")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # The header's language switcher (Django's set_language, plus the account's saved choice).
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    # No cache_page: its copy would not vary on the language cookie; ETag + 304 keep it cheap.
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("stripe/webhook/", include("fundraising.webhook_urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("causeweb.accounts.urls")),
    # A person's public profile, where an @mention links (the handle of causeweb.core.mentions).
    path("people/<str:handle>/", accounts_views.person_profile, name="person_profile"),
    path("notifications/", include("causeweb.notifications.urls")),
    path("moderation/", include("causeweb.moderation.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include("campaigns.share_urls")),
    path("donate/", include("fundraising.urls")),
    path("events/", include("events.urls")),
    path("groups/", include("communities.urls")),
    path("insights/", include("insights.urls")),
    path("api/v1/", include("causeweb.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "causeweb.core.body_limits.bad_request"
handler404 = "causeweb.core.views.page_not_found"
handler500 = "causeweb.core.views.server_error"

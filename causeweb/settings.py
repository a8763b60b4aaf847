"""Causeweb settings, twelve-factor style: everything that differs between a laptop and production
comes from the environment (django-environ). With no environment set, the embedded default runs:
SQLite, eager Celery, local-memory cache, console email and the localstripe payment server.
"""

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # optional; never required

DEBUG = env.bool("DEBUG", default=False)
# The embedded default (no DATABASE_URL) is a developer's machine; production always sets DATABASE_URL.
EMBEDDED = "DATABASE_URL" not in env
# The test suite runs on Postgres in CI (DATABASE_URL set) over plain HTTP on loopback.
TESTING = "pytest" in sys.modules
LOCAL = DEBUG or EMBEDDED or TESTING
DEV_SECRET_KEY = "django-insecure-causeweb-local-development-key-not-for-production"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY if LOCAL else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (DEBUG off and DATABASE_URL set).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The site's own origin is trusted for CSRF behind the TLS proxy (Django 4+ checks Origin on HTTPS).
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
SITE_NAME = "Causeweb"

# Place names to coordinates (causeweb/core/geocoding.py): the shipped gazetteer always; a
# Nominatim (https://.../search) or Photon (https://.../api) URL here is asked first, its answers
# cached, the gazetteer answering whenever it fails or is slower than the timeout.
# "Keep me updated about this campaign" on signing: unticked unless this says otherwise. Leave it
# off where the law needs consent to be given actively (GDPR, ePrivacy: most of Europe).
SUPPORTER_UPDATES_PRETICKED = env.bool("SUPPORTER_UPDATES_PRETICKED", default=False)
GEOCODER_URL = env("GEOCODER_URL", default="")
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=3.0)
# How many messages a campaign's organizer may send to supporters in a rolling day
# (campaigns.services.messages), against turning a campaign into a spam cannon.
CAMPAIGN_MESSAGES_PER_DAY = env.int("CAMPAIGN_MESSAGES_PER_DAY", default=2)
# Result maps (Leaflet, vendored under static/vendor/leaflet/): where the tiles come from and the
# credit their licence asks for. OpenStreetMap's own tile servers suit a small site; a busy one
# points these at its own or a commercial tile service (https://operations.osmfoundation.org/policies/tiles/).
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "anymail",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "causeweb.core",
    "causeweb.accounts",
    "causeweb.notifications",
    "causeweb.moderation",
    "campaigns",
    "fundraising",
    "events",
    "communities",
    "insights",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # A request id for the logs and the X-Request-ID response header, the 503 pages included.
    "causeweb.core.request_id.RequestIdMiddleware",
    # An oversized body is a 413 from Content-Length, before anything reads it (core/body_limits.py).
    "causeweb.core.body_limits.RequestBodyLimitMiddleware",
    # Then: a database outage is a 503 with Retry-After, never a 500 (causeweb/core/outage.py).
    "causeweb.core.outage.DatabaseUnavailableMiddleware",
    # Public reads on the replica unless this browser just wrote (causeweb/core/replica.py).
    "causeweb.core.replica.ReplicaPinMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "causeweb.core.clientip.ClientIPMiddleware",
    # A NUL in the path or query is a 404 / 400 before any view or cache sees it (PostgreSQL refuses it).
    "causeweb.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag + 304 on every non-streaming response; then who may cache it (causeweb/core/http_cache.py),
    # outside the session and CSRF middlewares so it sees the cookies they set.
    "django.middleware.http.ConditionalGetMiddleware",
    "causeweb.core.http_cache.HttpCachePolicyMiddleware",
    # Anonymous visitors' cached pages, answered before the middlewares below (core/page_cache.py).
    "causeweb.core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's saved language wins over the cookie and Accept-Language (docs/i18n.md).
    "causeweb.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy and Permissions-Policy (settings at the end of this file).
    "csp.middleware.CSPMiddleware",
    "causeweb.core.security_headers.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "causeweb.core.middleware.UserTimezoneMiddleware",
    "causeweb.core.ratelimits.RateLimitedMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "causeweb.urls"
WSGI_APPLICATION = "causeweb.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "causeweb.core.context_processors.site",
            ],
        },
    },
]

# --- Database (causeweb/settings_database.py: the primary and the optional read replica) ----------
from causeweb.settings_database import databases  # noqa: E402

DATABASES, DATABASE_ROUTERS, DATABASE_REPLICA_ENABLED = databases(env=env, base_dir=BASE_DIR, testing=TESTING)
# A browser that wrote reads the primary this long (replication lag is normally well under a second).
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
# After a failed connect to the replica, public reads use the primary this long before trying again.
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Client address and rate limits ---------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For (the load balancer: 1).
# 0 trusts no forwarded header: the TCP peer is the client. See causeweb/core/clientip.py.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Every limit by name (django-ratelimit rates: count/period, period s, m, h, d or e.g. 10m), each
# overridable with RATE_LIMIT_<NAME>, e.g. RATE_LIMIT_SIGNATURE_EMAIL=5/h. See causeweb/core/ratelimits.py.
_RATE_LIMIT_DEFAULTS = {
    # Guests' signatures and RSVPs mail whatever address is typed in: per client address, and per
    # recipient across all campaigns/events, so one victim cannot be mail-bombed from many addresses.
    "signature_guest_ip": "20/h",
    "signature_email": "3/h",
    "rsvp_guest_ip": "20/h",
    "rsvp_email": "3/h",
    # Each donation start creates a Stripe customer and SetupIntent (a card-testing route).
    "donation_start_ip": "20/10m",
    "donation_start_user": "10/10m",
    "donation_start_email": "10/h",
    # Writing and reporting, per signed-in user.
    "comment_user": "10/5m",
    "comment_reaction_user": "60/5m",
    "post_user": "10/5m",
    "thread_user": "5/h",
    "flag_user": "10/h",
    "invitation_user": "20/h",
    # An organizer's messages to supporters and the tests they send themself (campaigns.services.messages).
    "campaign_message_user": "10/h",
    "petition_delivery_user": "10/h",
    # Personal API tokens, per person (causeweb.accounts.services.api_token_create).
    "api_token_create_user": "10/h",
}
RATE_LIMITS = {name: env(f"RATE_LIMIT_{name.upper()}", default=rate) for name, rate in _RATE_LIMIT_DEFAULTS.items()}
# django-ratelimit's own settings (its counters go to the default cache).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "causeweb.core.clientip.client_ip"

# --- Cache and Celery -----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft: a Redis outage is a cache miss, not a 500 (causeweb/core/cache.py).
            "BACKEND": "causeweb.core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=5.0)
# The anonymous visitor's page cache, invalidated exactly; the TTL is only a safety net
# (causeweb/core/page_cache.py, docs/performance.md).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# No result backend: no caller reads a task's result, and the Redis result backend's reconnect
# loop ran inside apply_async (a Redis outage stalled every request that queued a task for 19 s).
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = env.bool("CELERY_TASK_IGNORE_RESULT", default=True)
# Publishing during a broker outage fails within about a second (one retry) instead of stalling
# the request; what must not be lost is in Postgres and swept (docs/reliability.md).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: a task taken by a worker that was killed is redelivered after this long
# (acks_late). It must exceed the longest task (settling, 200 Stripe calls bounded to ~17 s each,
# runs far under it in practice); 15 minutes instead of an hour. See docs/reliability.md.
# unacked_restore_*: how often a worker looks for such messages. kombu's default scans every
# 10 s x 10 = 100 s (on top of the visibility timeout); every 10 s x 3 = 30 s here, a cheap
# ZRANGE on the small unacked index. A worker also scans when it starts.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 3,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ROUTES = {
    "causeweb.notifications.tasks.*": {"queue": "notifications"},
    "fundraising.tasks.*": {"queue": "payments"},
}
# Content with this many open flags (from different people) is hidden until a moderator decides;
# 0 turns automatic hiding off.
MODERATION_AUTO_HIDE_FLAGS = env.int("MODERATION_AUTO_HIDE_FLAGS", default=5)
# How long the appeal link in a moderation notice works (days).
MODERATION_APPEAL_WINDOW_DAYS = env.int("MODERATION_APPEAL_WINDOW_DAYS", default=60)
# An organizer's edit of a published campaign's story or goal: "resubmit" sends it back to review
# (off the public site until approved again), "notify" keeps it live and shows moderators the diff.
CAMPAIGN_EDIT_REVIEW = env.str("CAMPAIGN_EDIT_REVIEW", default="notify")
# Moderators get one batched alert when reported items have waited in the queue longer than this.
MODERATION_ALERT_AFTER = timedelta(minutes=env.int("MODERATION_ALERT_AFTER_MINUTES", default=60))
# An unconfirmed guest RSVP holds its seats this long; confirming the email keeps them.
GUEST_RSVP_HOLD = timedelta(minutes=env.int("GUEST_RSVP_HOLD_MINUTES", default=30))
# A newly published campaign counts this many points of trending activity for its first days, so
# the default campaign list shows it on the first page (campaigns/services/trending.py).
TRENDING_NEW_CAMPAIGN_BOOST = env.int("TRENDING_NEW_CAMPAIGN_BOOST", default=25)
TRENDING_NEW_CAMPAIGN_DAYS = env.int("TRENDING_NEW_CAMPAIGN_DAYS", default=3)
# Periodic tasks are registered by each app in causeweb/celery.py's beat schedule.

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login (admin or allauth) while username+address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Then: ends a suspension whose period passed (right password only), so the next two sign the
    # person in even before the periodic job runs; it never signs anyone in itself.
    "causeweb.moderation.auth_backends.SuspensionEndedBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "causeweb.accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "causeweb.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# Login lockout for every login form that calls authenticate() (the admin's and allauth's):
# AXES_FAILURE_LIMIT wrong passwords for one account from one client address lock that pair out for
# the cool-off, even with the right password. By username + address, not username alone, so a
# stranger cannot lock a real person out of their account from elsewhere; allauth's per-key limit
# above still slows a distributed guess at one account.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "causeweb.core.clientip.axes_client_ip"
AXES_USERNAME_CALLABLE = "causeweb.accounts.adapter.axes_username"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False

# --- Email ----------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Causeweb <hello@causeweb.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {}
if env("ANYMAIL_ESP", default=""):
    # e.g. ANYMAIL_ESP=postmark -> anymail.backends.postmark.EmailBackend with ANYMAIL_API_KEY as
    # its POSTMARK_SERVER_TOKEN: each provider's setting name is in causeweb/settings_email.py.
    from causeweb.settings_email import anymail_settings  # noqa: E402

    EMAIL_BACKEND, ANYMAIL = anymail_settings(env=env, esp=env("ANYMAIL_ESP"))
elif env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Bounds one SMTP call, so a hung mail server cannot hold a notification's claim past
# NOTIFICATIONS_CLAIM_TIMEOUT (see causeweb/notifications/delivery.py).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Stripe ---------------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
LOCALSTRIPE_PORT = env.int("LOCALSTRIPE_PORT", default=8420)
# With no keys set, the demo talks to localstripe on loopback (started by the run command).
STRIPE_TEST_MODE = not STRIPE_SECRET_KEY or STRIPE_SECRET_KEY.startswith("sk_test")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="" if STRIPE_SECRET_KEY else f"http://127.0.0.1:{LOCALSTRIPE_PORT}")
if not STRIPE_SECRET_KEY:
    STRIPE_SECRET_KEY = "sk_test_causeweb_localstripe"
    STRIPE_PUBLISHABLE_KEY = "pk_test_causeweb_localstripe"
    STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET or "whsec_causeweb_localstripe"
# Production refuses to start on the offline payment server, or with live keys it could not verify
# webhooks for (payments would never be confirmed). ALLOW_LOCALSTRIPE=true is for the test harness's
# subprocesses (Celery workers, gunicorn, manage.py check in scripts/test.sh) only, never a real host.
_PAYMENTS_OFFLINE = STRIPE_SECRET_KEY == "sk_test_causeweb_localstripe" or (
    urlsplit(STRIPE_API_BASE).hostname in ("127.0.0.1", "localhost", "::1")
)
if not LOCAL and not env.bool("ALLOW_LOCALSTRIPE", default=False):
    if _PAYMENTS_OFFLINE:
        raise ImproperlyConfigured(
            "Production would take payments through localstripe: set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY "
            "and STRIPE_WEBHOOK_SECRET (and no STRIPE_API_BASE on loopback)."
        )
    if not STRIPE_WEBHOOK_SECRET:
        raise ImproperlyConfigured(
            "STRIPE_WEBHOOK_SECRET must be set in production: Stripe's events cannot be verified."
        )
# Every Stripe call is bounded well under gunicorn's 30 s worker timeout: connect 3 s, read 8 s,
# one retry of a connection error or timeout, so one call waits at most about 2 x 8 s + backoff.
# After a connection error or timeout the gateway answers "payments are temporarily unavailable"
# at once for STRIPE_BREAKER_SECONDS instead of making the next donors wait too (per process).
# See docs/reliability.md.
STRIPE_CONNECT_TIMEOUT_SECONDS = env.float("STRIPE_CONNECT_TIMEOUT_SECONDS", default=3.0)
STRIPE_READ_TIMEOUT_SECONDS = env.float("STRIPE_READ_TIMEOUT_SECONDS", default=8.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)
STRIPE_BREAKER_SECONDS = env.float("STRIPE_BREAKER_SECONDS", default=15.0)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
from causeweb import settings_i18n  # noqa: E402

LANGUAGES = settings_i18n.LANGUAGES
LOCALE_PATHS = settings_i18n.locale_paths(BASE_DIR)
LANGUAGE_COOKIE_NAME = settings_i18n.LANGUAGE_COOKIE_NAME
LANGUAGE_COOKIE_AGE = settings_i18n.LANGUAGE_COOKIE_AGE
LANGUAGE_COOKIE_SAMESITE = settings_i18n.LANGUAGE_COOKIE_SAMESITE
LANGUAGE_COOKIE_SECURE = not LOCAL
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not LOCAL
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Media on S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set (causeweb/settings_storage.py).
from causeweb.settings_storage import object_storage  # noqa: E402

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"], MEDIA_URL = object_storage(env=env, bucket=AWS_STORAGE_BUCKET_NAME)
# Locally (runserver without DEBUG, tests) whitenoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = LOCAL
# Media is served by Django in the embedded mode only; production puts it behind the proxy or object storage.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=LOCAL) and not AWS_STORAGE_BUCKET_NAME
# Body limits (causeweb/core/body_limits.py, 413 over them): forms, JSON and webhooks 10 MB; an
# upload (multipart) 12 MB in all, its file at most 5 MB (the forms check it). Caddy's
# request_body max_size (deploy/Caddyfile) matches UPLOAD_MAX_BODY_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
UPLOAD_MAX_BODY_SIZE = env.int("UPLOAD_MAX_BODY_SIZE", default=12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- REST API (causeweb/settings_api.py) ---------------------------------------------------------
from causeweb.settings_api import api_settings  # noqa: E402

REST_FRAMEWORK, SPECTACULAR_SETTINGS = api_settings(env=env, trusted_proxy_count=TRUSTED_PROXY_COUNT)

# --- Webhooks out (campaigns.services.webhooks) ----------------------------------------------------
# Outside LOCAL a partner's URL must be https and resolve to public addresses only (no SSRF into
# our network); tests and the embedded mode use a loopback server.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=LOCAL)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=LOCAL)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # the campaign embed widget opts out per view with xframe_options_exempt
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if not LOCAL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Submitting a domain to the browsers' HSTS preload list is close to irreversible and covers
        # every subdomain; that is the operator's decision (SECURE_HSTS_PRELOAD=True), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # /healthz and /readyz are probed over plain HTTP by the load balancer inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Logs: every line carries the client address and the request id (X-Request-ID, echoed in the
# response; causeweb/core/request_id.py). LOG_FORMAT=json writes one JSON object per line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_ip": {"()": "causeweb.core.clientip.ClientIPLogFilter"},
        "request_id": {"()": "causeweb.core.request_id.RequestIdLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(client_ip)s %(request_id)s] %(message)s"},
        "json": {"()": "causeweb.core.request_id.JsonLogFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["client_ip", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # fontTools (the petition PDF's font subsetting) logs every table it prunes at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Content-Security-Policy and Permissions-Policy -----------------------------------------------
# The policies are in causeweb/settings_headers.py (extend them there, or with CSP_EXTRA_*_SRC).
from causeweb.settings_headers import header_policies  # noqa: E402

CONTENT_SECURITY_POLICY, CSP_EMBED_POLICY, CSP_STRIPE_SOURCES, PERMISSIONS_POLICY = header_policies(
    env=env, media_url=MEDIA_URL, map_tile_url=MAP_TILE_URL
)

# --- Error tracking -------------------------------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from causeweb.core.observability import init_sentry  # noqa: E402

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

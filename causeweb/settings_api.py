"""The REST API's settings (DRF and drf-spectacular): causeweb/settings.py takes them from
api_settings(), to keep the settings module by concept and under the size limit."""


def api_settings(*, env, trusted_proxy_count: int) -> tuple[dict, dict]:
    """(REST_FRAMEWORK, SPECTACULAR_SETTINGS)."""
    rest_framework = {
        # Personal tokens first: anonymous writes answer 401 (WWW-Authenticate: Bearer), and a request
        # with a token skips the session's CSRF check; the site's htmx calls use the session + CSRF.
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "causeweb.accounts.authentication.PersonalTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
        "PAGE_SIZE": 20,
        "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
        # The platform client address (causeweb.core.clientip), not a client-supplied X-Forwarded-For.
        "DEFAULT_THROTTLE_CLASSES": [
            "causeweb.core.ratelimits.AnonThrottle",
            "causeweb.core.ratelimits.UserThrottle",
            "causeweb.core.ratelimits.ClientIPThrottle",
        ],
        "NUM_PROXIES": trusted_proxy_count,
        "DEFAULT_THROTTLE_RATES": {
            "anon": env("API_THROTTLE_ANON", default="120/min"),
            "user": env("API_THROTTLE_USER", default="600/min"),
            # Per client address, whoever is signed in (people behind one NAT share it: kept generous).
            "ip": env("API_THROTTLE_IP", default="1200/min"),
        },
        "DEFAULT_SCHEMA_CLASS": "causeweb.core.api_schema.ApiSchema",
        "EXCEPTION_HANDLER": "causeweb.core.api_errors.exception_handler",
    }
    spectacular = {
        "TITLE": "Causeweb API",
        "DESCRIPTION": "Campaigns, donations, events and groups.",
        "VERSION": "1.0.0",
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "SERVE_INCLUDE_SCHEMA": False,
        # Choice sets that share a field name get names of their own (`spectacular --fail-on-warn`).
        "ENUM_NAME_OVERRIDES": {
            "CampaignStatusEnum": "campaigns.models.Campaign.Status",
            "EventStatusEnum": "events.models.Event.Status",
            "EventKindEnum": "events.models.Event.Kind",
            "RSVPStatusEnum": "events.models.RSVP.Status",
            "GroupVisibilityEnum": "communities.models.Group.Visibility",
            "MembershipRoleEnum": "communities.models.Membership.Role",
            "ReactionKindEnum": "communities.models.Reaction.Kind",
            "DonationStateEnum": "fundraising.models.Donation.State",
            "DonationVisibilityEnum": "fundraising.models.Donation.Visibility",
            "MonthlyGiftStateEnum": "fundraising.models.MonthlyPlan.State",
            "DonationPaymentStatusEnum": "fundraising.api.PAYMENT_STATUSES",
            "WebhookEventTypeEnum": "campaigns.models.WebhookEndpoint.EventType",
        },
        "COMPONENT_SPLIT_REQUEST": True,
    }
    return rest_framework, spectacular

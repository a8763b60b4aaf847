"""Error tracking: sentry-sdk when SENTRY_DSN is set (called from settings). No personal data is
sent (send_default_pii off: no cookies, no user emails, no client addresses); the request id is a
tag, so a Sentry issue leads to the log lines of its request."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from causeweb.core.request_id import current_request_id


def _tag_request_id(event, hint):
    request_id = current_request_id()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration(event_level=None)],
        before_send=_tag_request_id,
    )

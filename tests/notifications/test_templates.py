"""Every kind has its own HTML and text template, and each renders with just title/body/url."""

from pathlib import Path

import pytest
from django.conf import settings

from causeweb.notifications import delivery
from causeweb.notifications.kinds import MANDATORY_KINDS, Kind
from causeweb.notifications.models import Notification

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(settings.BASE_DIR) / "causeweb/notifications/templates/notifications/email"


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_has_its_own_template_pair(kind):
    assert (TEMPLATE_DIR / f"{kind}.html").exists()
    assert (TEMPLATE_DIR / f"{kind}.txt").exists()


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_renders_with_only_title_body_url(kind, user):
    notification = Notification.objects.create(
        recipient=user,
        email=user.email,
        kind=kind,
        title="Tea & biscuits <for all>",
        body="Line one\nLine two",
        url="/somewhere/",
        context={"title": "Tea & biscuits <for all>", "body": "Line one\nLine two", "url": "/somewhere/"},
        dedupe_key=f"tpl:{kind}",
    )
    message = delivery.build_message(notification)
    html = message.alternatives[0][0]
    assert "Tea &amp; biscuits &lt;for all&gt;" in html  # escaped in HTML
    assert "Tea & biscuits <for all>" in message.body  # not in plain text
    assert "Line one<br>Line two" in html
    assert "http://127.0.0.1:8000/somewhere/" in html
    assert "http://127.0.0.1:8000/somewhere/" in message.body
    assert "None" not in message.body
    if kind in MANDATORY_KINDS:
        assert "Unsubscribe" not in html
    else:
        assert "Unsubscribe from these emails" in html
        assert "/notifications/unsubscribe/" in message.body


def test_extras_are_shown_when_given(user):
    notification = Notification.objects.create(
        recipient=user,
        email=user.email,
        kind=Kind.DONATION_RECEIPT,
        title="Thank you for your donation",
        context={"title": "Thank you", "amount": "€25.00", "campaign": "Clean water", "reference": "D-42"},
        dedupe_key="tpl:extras",
    )
    message = delivery.build_message(notification)
    assert "Thank you for your donation to Clean water" in message.body
    assert "Amount: €25.00" in message.body
    assert "(reference D-42)" in message.body
    assert "€25.00" in message.alternatives[0][0]


def test_unknown_kind_falls_back_to_the_default_pair(user):
    notification = Notification(pk=1, recipient=user, email=user.email, kind="brand_new_kind", title="Hello", url="")
    message = delivery.build_message(notification)
    assert "Hello" in message.body
    assert "Open on" not in message.body  # no url, no button
    assert "<h1" in message.alternatives[0][0]


def test_guest_manage_link_is_absolute_in_both_parts():
    notification = Notification.objects.create(
        email="guest@example.org",
        kind=Kind.RSVP_CONFIRMATION,
        title="You are going",
        context={"title": "You are going", "manage_url": "/events/rsvp/abc123/"},
        dedupe_key="tpl:manage",
    )
    message = delivery.build_message(notification)
    assert "Change or cancel (no account needed): http://127.0.0.1:8000/events/rsvp/abc123/" in message.body
    assert 'href="http://127.0.0.1:8000/events/rsvp/abc123/"' in message.alternatives[0][0]

"""Notifications in the reader's language (issue 19): emails in the recipient's language (subject,
body, `<html lang dir>`, dates in their time zone), the in-app list in the viewer's language, and
English unchanged. Messages are stored as ids + params (causeweb.notifications.texts) and rendered
when read or sent."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from causeweb.moderation.models import ModerationAction, Suspension
from causeweb.moderation.services.notices import suspension_notice
from causeweb.notifications import delivery, texts
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from causeweb.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _suspend(user, *, ends_at=datetime(2027, 3, 1, 12, 0, tzinfo=UTC)):
    suspension = Suspension.objects.create(user=user, rule="spam", ends_at=ends_at)
    decision = ModerationAction.objects.create(action="suspend_user", subject=user, rule="spam")
    suspension_notice(suspension=suspension, decision=decision)
    return Notification.objects.get(recipient=user)


def _send(notification) -> mail.EmailMessage:
    mail.outbox.clear()
    assert delivery.deliver_email(notification.pk).outcome == delivery.SENT
    (message,) = mail.outbox
    return message


def test_arabic_user_gets_an_arabic_right_to_left_email():
    user = UserFactory(language="ar", timezone="Asia/Riyadh")
    message = _send(_suspend(user))
    assert message.subject == "[Causeweb] حسابك موقوف"
    html = message.alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in html
    assert "حسابك موقوف" in html and "لمخالفة القاعدة «رسائل مزعجة أو إعلانات»" in message.body
    # The layout's own words too, and the end date in the recipient's time zone (UTC+3).
    assert "هذه رسالة خدمة تتعلق بنشاطك أو حسابك" in message.body
    assert "حتى مارس 1, 2027, 3 م (Asia/Riyadh)" in message.body
    assert "Your account" not in message.body


def test_english_user_email_is_unchanged():
    user = UserFactory(language="en")
    notification = _suspend(user)
    message = _send(notification)
    assert message.subject == "[Causeweb] Your account is suspended"
    assert '<html lang="en" dir="ltr">' in message.alternatives[0][0]
    assert message.body.startswith("Your account is suspended\n")
    assert "Your account is suspended until March 1, 2027, noon (UTC) for breaking the rule “Spam or advertising”." in (
        message.body
    )
    # The stored columns are English whatever language was active when it was raised.
    assert notification.title == "Your account is suspended"


def test_a_message_raised_under_another_language_is_stored_in_english_and_read_in_each_readers():
    spanish, english = UserFactory(language="es"), UserFactory(language="")
    with translation.override("ar"):  # e.g. an Arabic-speaking moderator's request
        _suspend(spanish)
        _suspend(english)
    assert Notification.objects.get(recipient=english).title == "Your account is suspended"
    assert _send(Notification.objects.get(recipient=spanish)).subject == "[Causeweb] Tu cuenta está suspendida"
    # No language chosen: the site's language.
    assert _send(Notification.objects.get(recipient=english)).subject == "[Causeweb] Your account is suspended"


def test_spanish_users_notification_list_is_in_spanish(client):
    user = UserFactory(language="es")
    _suspend(user, ends_at=None)
    notify(recipient=user, kind=Kind.MENTION, context={"title": "Ana: hello"}, dedupe_key="plain")
    client.force_login(user)
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Tu cuenta está suspendida" in page
    assert "Tu cuenta está suspendida para siempre por incumplir la norma «Spam o publicidad»." in page
    assert "Cuenta y seguridad" in page  # the kind's label
    assert "Marcar todo como leído" in page
    assert "Ana: hello" in page  # plain strings (user content, callers not converted) stay as they are
    api = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert "Tu cuenta está suspendida" in [row["title"] for row in api["results"]]


def test_guest_email_uses_the_language_they_acted_in():
    notification = notify(
        email="guest@example.org",
        kind=Kind.SIGNATURE_CONFIRM,
        context={"title": texts.message(gettext_noop("Confirm your signature")), "campaign": "Trees"},
        dedupe_key="guest-sign",
        language="es-mx",
    )
    assert notification.language == "es"
    message = _send(notification)
    assert message.subject == "[Causeweb] Confirma tu firma"
    assert "Confirma tu firma en Trees." in message.body


def test_digest_in_the_users_language(settings):
    user = UserFactory(language="ar")
    _suspend(user)
    message = delivery.build_digest_message(
        user=user, items=list(Notification.objects.filter(recipient=user)), date=datetime(2027, 1, 5).date()
    )
    assert message.subject == "[Causeweb] ملخصك اليومي: 1 جديد"
    assert "حسابك موقوف" in message.body
    assert 'dir="rtl"' in message.alternatives[0][0]


def test_render_falls_back_to_english_when_a_translation_lost_a_placeholder():
    value = texts.message("Hello %(name)s", name="Ana")
    assert texts.render(value) == "Hello Ana"
    assert texts.render("plain") == "plain"
    assert texts.render(texts.joined(value, "!", sep="")) == "Hello Ana!"

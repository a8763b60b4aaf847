"""Events in Spanish and Arabic (issue 19): pages, form and service errors, dates with the
language's own month and day names, Arabic plural forms, and the embed's <html lang dir>."""

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from causeweb.core.exceptions import ValidationError
from events import previews
from events.forms import EventFilterForm
from events.services.rsvps import rsvp_create
from events.timezones import local_to_utc
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

# 18:00 in Madrid on Monday 1 July 2030.
START = local_to_utc(datetime(2030, 7, 1, 18, 0), "Europe/Madrid")


def _event(**fields):
    return EventFactory(timezone="Europe/Madrid", starts_at=START, ends_at=START + timedelta(hours=2), **fields)


def _get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_event_page_in_spanish_and_arabic(client):
    event = _event(capacity=10)
    english = _get(client, event.get_absolute_url(), "en")
    spanish = _get(client, event.get_absolute_url(), "es")
    arabic = _get(client, event.get_absolute_url(), "ar")
    assert '<h2 id="when-heading">When</h2>' in english
    assert '<h2 id="when-heading">Cuándo</h2>' in spanish
    assert '<h2 id="when-heading">متى</h2>' in arabic  # one wording per msgid across apps
    assert "Añadir al calendario (.ics)" in spanish and "إضافة إلى التقويم (.ics)" in arabic
    assert '<p class="eyebrow">Concentración' in spanish and '<p class="eyebrow">تجمّع' in arabic


def test_event_dates_use_the_languages_month_and_day_names(client):
    event = _event()
    assert "Monday 1 July 2030, 18:00" in _get(client, event.get_absolute_url(), "en")
    assert "lunes 1 de julio de 2030, 18:00" in _get(client, event.get_absolute_url(), "es")
    assert "الاثنين 1 يوليو 2030، 18:00" in _get(client, event.get_absolute_url(), "ar")
    # Built in Python (share text, embed, notifications) too, never strftime's English.
    with translation.override("es"):
        assert previews.event_when_label(event) == "lun 1 jul 2030, 18:00 (Europe/Madrid)"
    with translation.override("en"):
        assert previews.event_when_label(event) == "Mon 1 Jul 2030, 18:00 (Europe/Madrid)"


def test_event_list_in_arabic_uses_arabic_plural_forms(client):
    _event(capacity=2)
    arabic = _get(client, "/events/", "ar")
    assert "تبقّى مقعدان (2)" in arabic  # the dual form: needs the catalogue's Plural-Forms header
    assert "<h1>الفعاليات</h1>" in arabic
    assert "2 spots left" in _get(client, "/events/", "en")


def test_embed_html_lang_follows_the_language(client):
    event = _event(capacity=3)
    arabic = _get(client, f"/events/{event.slug}/embed/", "ar")
    assert '<html lang="ar" dir="rtl">' in arabic and "تأكيد الحضور" in arabic
    spanish = _get(client, f"/events/{event.slug}/embed/", "es")
    assert '<html lang="es" dir="ltr">' in spanish and "Quedan" in spanish


def test_form_and_service_errors_in_spanish():
    with translation.override("es"):
        form = EventFilterForm({"lat": "38.7"})
        assert not form.is_valid()
        assert form.non_field_errors() == ["Indica latitud y longitud para buscar cerca de un punto."]
        assert str(form.fields["radius_km"].label) == "En un radio de (km)"
        with pytest.raises(ValidationError) as refused:
            rsvp_create(event_id=_event().pk, name="", email="not-an-email")
    assert refused.value.message_dict["name"] == ["Dile tu nombre a quien organiza."]


def test_rsvp_refused_with_a_spanish_message(client):
    event = _event(status="cancelled")
    response = client.post(
        f"/events/{event.slug}/rsvp/",
        {"name": "Ana", "email": "ana@example.org"},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    assert "Este evento se canceló." in response.content.decode()


def test_calendar_feed_speaks_its_owners_language(client):
    from events.services.calendar import calendar_feed_get_or_create
    from tests.factories import UserFactory

    owner = UserFactory(language="es")
    feed = calendar_feed_get_or_create(user=owner)
    body = client.get(f"/events/calendar/{feed.token}.ics", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "X-WR-CALNAME:Causeweb: mis eventos" in body


def test_reminders_from_the_beat_reach_each_person_in_their_language():
    """The beat runs in English; a Spanish guest (the page they RSVPed on) and an Arabic member
    (their account's choice) each get the reminder in theirs, an English member in English."""
    from django.utils import timezone

    from causeweb.notifications.kinds import Kind
    from causeweb.notifications.models import Notification
    from events.services.links import rsvp_confirm_token
    from events.services.rsvps import rsvp_confirm_email
    from events.services.turnout import event_reminders_send
    from tests.factories import UserFactory

    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=23), ends_at=now + timedelta(hours=25), title="Big rally")
    with translation.override("es"):
        guest = rsvp_create(event_id=event.pk, name="Ana", email="ana@example.org", now=now)
    rsvp_confirm_email(token=rsvp_confirm_token(guest), now=now)
    arabic, english = UserFactory(language="ar"), UserFactory(language="")
    rsvp_create(event_id=event.pk, user=arabic, now=now)
    rsvp_create(event_id=event.pk, user=english, now=now)
    with translation.override("en"):
        assert event_reminders_send(now=now) == 3
    titles = {(n.recipient_id, n.email): n.title for n in Notification.objects.filter(kind=Kind.EVENT_REMINDER)}
    assert titles[(None, "ana@example.org")] == "Recordatorio: Big rally empieza mañana"
    assert titles[(arabic.pk, arabic.email)] == "تذكير: تبدأ Big rally غدًا"
    assert titles[(english.pk, english.email)] == "Reminder: Big rally starts tomorrow"

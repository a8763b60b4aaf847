"""The moderation pages in the visitor's language (issue 19)."""

from datetime import UTC, datetime

import pytest
import time_machine

from causeweb.moderation import services
from causeweb.notifications.models import Notification
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_transparency_page_in_spanish(client, moderator):
    campaign = CampaignFactory(title="Plant trees")
    flag = services.flag_create(reporter=UserFactory(), target=campaign, reason="fraud")
    services.flag_dismiss(flag=flag, moderator=moderator)
    page = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in page
    assert "Registro de transparencia de la moderación" in page
    assert "Decisiones por mes y norma" in page
    assert "Fraude o estafa" in page  # the rule
    assert "Denuncias descartadas, contenido mantenido" in page  # the outcome
    assert "No se puede apelar" in page
    assert "Moderation transparency log" not in page


def test_transparency_page_in_english_is_unchanged(client):
    page = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Moderation transparency log" in page
    assert "No decisions yet." in page


# Dates in the locale's formats (DATE_FORMAT, YEAR_MONTH_FORMAT), as on the rest of the site; the
# pages had literal formats ("j M Y": "5 Feb 2027" in Spanish too).
DECIDED = datetime(2027, 2, 5, 10, 30, tzinfo=UTC)


@pytest.fixture
def hidden_event(moderator):
    event = EventFactory()
    with time_machine.travel(DECIDED, tick=False):
        flag = services.flag_create(reporter=UserFactory(), target=event, reason="spam")
        services.flag_uphold(flag=flag, moderator=moderator, reason="selling pills")
    return event


@pytest.mark.parametrize(
    ("language", "day", "month"),
    [("es", "5 de febrero de 2027", "febrero de 2027"), ("en", "Feb. 5, 2027", "February 2027")],
)
def test_transparency_page_writes_dates_in_the_locale_s_formats(client, hidden_event, language, day, month):
    with time_machine.travel(DECIDED, tick=False):  # the monthly table covers the last twelve months
        page = client.get("/moderation/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<th scope="row">{month}</th>' in page
    assert f">{day}</td>" in page


def test_appeal_page_in_spanish_writes_the_decision_and_appeal_dates_in_spanish(client, hidden_event):
    url = Notification.objects.get(recipient=hidden_event.host, title__startswith="A moderator hid").url
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<dd>5 de febrero de 2027</dd>" in page
    with time_machine.travel(datetime(2027, 2, 6, 9, 0, tzinfo=UTC), tick=False):
        client.post(url, {"statement": "Era una venta de pasteles."}, HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Apelaste esta decisión el 6 de febrero de 2027." in page

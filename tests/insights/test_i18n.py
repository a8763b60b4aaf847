"""The organizer's dashboard and digest in Spanish and Arabic (issue 19): headings, chart
labels, money and dates per locale, a form error in Spanish, the digest in the organizer's
language."""

from datetime import date, timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real

from causeweb.core.money import format_money
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from fundraising.models import Donation
from insights.charts import day_label
from insights.models import CampaignDailyViews
from insights.services import organizer_weekly_digest_send
from tests.factories import CampaignFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogues():
    """The .mo files are built, not committed: compile this app's catalogues when missing or older
    than their .po, and drop Django's cached translations so they are read afresh."""
    for po_path in (Path(settings.BASE_DIR) / "insights" / "locale").rglob("*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    trans_real._translations = {}
    trans_real._default = None
    yield


def _url(campaign, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("insights:campaign", args=[campaign.slug]) + (f"?{query}" if query else "")


@pytest.fixture
def campaign():
    campaign = FundraisingCampaignFactory(currency="EUR")
    CampaignDailyViews.objects.create(campaign=campaign, day=timezone.localdate(), views=17)
    return campaign


def test_dashboard_in_spanish_with_money_and_chart_dates_per_locale(client, campaign):
    DonationFactory(campaign=campaign, amount_minor=125050, state=Donation.State.SUCCEEDED, succeeded_at=timezone.now())
    client.force_login(campaign.organizer)
    html = client.get(_url(campaign), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<h1>Estadísticas</h1>" in html
    assert "<strong>17</strong> visitas a la página" in html
    assert "Visitas a la página por día" in html  # the chart's accessible name
    assert format_money(125050, "EUR", locale="es") in html  # "1250,50 €", not "€1,250.50"
    assert format_money(125050, "EUR", locale="en") not in html
    today = timezone.localdate()
    assert f">{day_label(today)}</text>" in html
    assert '<th scope="col">Día</th>' in html  # the on-screen table's heading
    assert f"<td>{today:%d/%m/%Y}</td>" in html  # its days in the Spanish short date format


def test_dashboard_in_arabic(client, campaign):
    client.force_login(campaign.organizer)
    html = client.get(_url(campaign), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "<h1>الإحصاءات</h1>" in html and 'dir="rtl"' in html
    assert "مسار التحويل" in html and "الزوار" in html  # the funnel and its first step


def test_chart_day_labels_use_the_languages_month_names():
    from django.utils import translation

    day = date(2026, 12, 2)
    with translation.override("es"):
        assert day_label(day) == "2 dic"
    with translation.override("ar"):
        assert "ديسمبر" in day_label(day)
    with translation.override("en"):
        assert day_label(day) == "Dec 2"


def test_a_bad_period_is_explained_in_spanish(client, campaign):
    client.force_login(campaign.organizer)
    today = timezone.localdate()
    bad = _url(campaign, start=today.isoformat(), end=(today - timedelta(days=3)).isoformat())
    html = client.get(bad, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "La fecha de inicio debe ser igual o anterior a la fecha de fin." in html
    assert "Se muestran los últimos 30 días." in html


def test_the_digest_is_written_in_the_organizers_language(django_capture_on_commit_callbacks):
    monday = date(2026, 11, 23)
    campaign = CampaignFactory()
    campaign.organizer.language = "es"
    campaign.organizer.save(update_fields=["language"])
    CampaignDailyViews.objects.create(campaign=campaign, day=monday, views=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert organizer_weekly_digest_send(week_start=monday) == 1
    notification = Notification.objects.get(kind=Kind.ORGANIZER_WEEKLY)
    assert notification.title == f"Tu semana en {campaign.title}: 0 firmas"
    assert "30 visitas a la página" in notification.context["body"]


def test_the_kept_dashboard_is_never_shown_in_another_language(client, campaign, settings):
    settings.PAGE_CACHE_ENABLED = True
    client.force_login(campaign.organizer)
    for _ in range(2):  # the second view of each language is its kept copy
        assert "<h1>Insights</h1>" in client.get(_url(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        spanish = client.get(_url(campaign), HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert "<h1>Estadísticas</h1>" in spanish and 'lang="es"' in spanish

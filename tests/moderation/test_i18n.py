"""The moderation pages in the visitor's language (issue 19)."""

import pytest

from causeweb.moderation import services
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

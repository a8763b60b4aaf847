"""The site's language (docs/i18n.md): chosen from the account, then the language cookie, then
Accept-Language; the header's switcher; right-to-left Arabic; caches that never cross languages;
API errors in the visitor's language; 500/503 pages in the active language."""

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from causeweb.accounts import services

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_tag(response) -> str:
    content = response.content.decode()
    start = content.index("<html")
    return content[start : content.index(">", start) + 1]


@pytest.mark.parametrize(
    ("accept", "lang", "direction", "text"),
    [
        ("es-ES,es;q=0.9,en;q=0.5", "es", "ltr", "Crea una campaña"),
        ("ar-EG,ar;q=0.9", "ar", "rtl", "ابدأ حملة"),
        ("en-GB,en;q=0.9", "en", "ltr", "Start a campaign"),
        ("de-DE,de;q=0.9", "en", "ltr", "Start a campaign"),  # not offered: the source language
    ],
)
def test_accept_language_picks_the_page_language(client, accept, lang, direction, text):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{lang}" dir="{direction}">'
    assert response["Content-Language"] == lang
    assert text in response.content.decode()


def test_the_switcher_names_each_language_in_its_own_language(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f'action="{reverse("set_language")}"' in content
    assert '<option value="en" lang="en">English</option>' in content
    assert '<option value="es" lang="es">español</option>' in content
    assert '<option value="ar" lang="ar" selected>العربيّة</option>' in content


def test_the_switcher_sets_the_cookie_and_goes_back(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/campaigns/?q=air"})
    assert response.status_code == 302
    assert response["Location"] == "/campaigns/?q=air"
    assert response.cookies[COOKIE].value == "es"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    # The cookie then wins over the browser's language.
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert html_tag(page) == '<html lang="es" dir="ltr">'


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switcher_never_redirects_off_site(client, next_url):
    response = client.post(reverse("set_language"), {"language": "ar", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "ar"


def test_a_visitors_switch_needs_no_csrf_token_and_pages_stay_cookie_free():
    client = Client(enforce_csrf_checks=True)
    home = client.get("/")
    assert not home.cookies, "the shared page sets no cookie (no CSRF token in the switcher)"
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "es"


def test_a_signed_in_switch_is_checked_for_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.language == ""


def test_a_signed_in_choice_is_saved_and_follows_the_person(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    user.refresh_from_db()
    assert user.language == "ar"
    # Another browser: no language cookie, a Spanish browser; the account's choice wins.
    other = Client()
    other.force_login(user)
    page = other.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "ابدأ حملة" in page.content.decode()


def test_an_unknown_language_is_not_saved(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_a_visitors_choice_is_kept_at_sign_in(client, user):
    client.cookies[COOKIE] = "es"
    response = client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"


def test_a_saved_choice_is_not_overwritten_by_the_cookie_at_sign_in(client, user):
    user.language = "ar"
    user.save(update_fields=["language"])
    client.cookies[COOKIE] = "es"
    client.post(reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"})
    user.refresh_from_db()
    assert user.language == "ar"
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'


def test_the_profile_edits_the_language(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert 'name="language"' in page.content.decode()
    data = {"display_name": user.display_name, "bio": "", "location": "", "timezone": "", "language": "es"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    data["language"] = ""  # back to the browser's
    client.post(reverse("accounts:profile"), data)
    user.refresh_from_db()
    assert user.language == ""


def test_user_set_language_ignores_what_is_not_offered(user):
    assert services.user_set_language(user=user, language="fr") is False
    assert services.user_set_language(user=user, language="es") is True
    assert services.user_set_language(user=user, language="es") is False


def test_public_pages_vary_on_language_and_cookie(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert "public" in response["Cache-Control"]


def test_the_page_cache_never_serves_one_language_to_another(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    for _ in range(2):  # the second render stores a servable copy (page_cache docstring)
        client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["X-Page-Cache"] == "hit"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.get("X-Page-Cache") != "hit"
    assert html_tag(english) == '<html lang="en" dir="ltr">'
    assert "Start a campaign" in english.content.decode()
    arabic = Client()
    arabic.cookies[COOKIE] = "ar"
    page = arabic.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.get("X-Page-Cache") != "hit"
    assert html_tag(page) == '<html lang="ar" dir="rtl">'


def test_api_errors_speak_the_visitors_language(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado.", "errors": {}, "code": "not_found"}
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.json()["detail"] == "غير موجود."


def test_api_field_errors_summary_is_translated():
    from causeweb.core.api_errors import _validation_response

    with translation.override("es"):
        response = _validation_response({"email": ["x"]})
    assert response.data["detail"] == "Algunos campos no son válidos: email."


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_error_pages_render_without_a_request_in_the_active_language(template):
    with translation.override("ar"):
        html = loader.get_template(template).render({})
    assert '<html lang="ar" dir="rtl">' in html
    assert "الرئيسية" in html
    with translation.override("en"):
        html = loader.get_template(template).render({})
    assert '<html lang="en" dir="ltr">' in html


def test_the_javascript_catalogue_is_served(client):
    response = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Copiado!" in response.content.decode()  # JSON: the ¡ is escaped


def test_the_lockout_page_says_how_long_in_words_in_the_visitors_language(rf):
    from datetime import timedelta

    request = rf.get("/accounts/login/")
    with translation.override("es"):
        html = loader.render_to_string(
            "lockout.html", {"cooloff_time": "PT15M", "cooloff_timedelta": timedelta(minutes=15)}, request=request
        )
    assert "Espera 15 minutos y vuelve a intentarlo" in html
    assert "PT15M" not in html


def test_money_and_numbers_follow_the_active_language():
    from causeweb.core.templatetags.causeweb import money, number

    with translation.override("en"):
        assert money(125000, "USD") == "$1,250"
        assert number(12500) == "12,500"
    with translation.override("es"):
        assert money(125000, "USD") == "1.250\xa0US$"
        assert money(125050, "EUR") == "1.250,50\xa0€"
        assert number(12500) == "12.500"


def test_the_admin_speaks_the_staff_members_language(client, staff_user):
    """Our admin labels are translated (issue 19): column headers, the values our columns show,
    the model's name and the search help text, in the language Accept-Language asks for."""
    from causeweb.core.models import RateLimitOverride

    RateLimitOverride.objects.create(limit="", ip="198.51.100.77", reason="Partner NGO office")
    client.force_login(staff_user)
    page = client.get(reverse("admin:core_ratelimitoverride_changelist"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">Límite<" in page and ">Tasa<" in page  # column headers (@admin.display descriptions)
    assert "todos los límites" in page and "quitado (sin límite)" in page  # what the columns say
    assert "excepción de límite" in page  # Meta.verbose_name in the page title
    assert '<td class="field-rate_label">quitado (sin límite)</td>' in page

    hits = client.get(reverse("admin:core_ratelimithit_changelist"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "El correo de una persona, un ámbito (campaigns.campaign:12)" in hits  # search_help_text

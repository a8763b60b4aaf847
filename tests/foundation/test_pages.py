import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_renders_with_navigation(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Campaigns", "Events", "Groups"):
        assert f">{label}</a>" in html
    assert '<main id="main"' in html
    assert "htmx" in html  # served locally by django-htmx


def test_healthz_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_ok_when_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] is True


def test_readyz_503_when_database_unreachable(client, monkeypatch):
    from causeweb.core import views

    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] is False


def test_readyz_503_when_redis_unreachable(client, settings, monkeypatch):
    from causeweb.core import views

    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    def broken_set(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(views.cache, "set", broken_set)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] is False


def test_admin_login_page_reachable(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_static_css_is_served_locally_without_collectstatic(client):
    """run_demo serves with DEBUG off and no collectstatic: whitenoise must find the source files."""
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_home_page_offers_start_a_campaign_and_searches(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("campaigns:create")}">Start a campaign</a>' in html
    assert f'action="{reverse("campaigns:list")}" role="search"' in html and 'name="q"' in html
    assert f'action="{reverse("events:list")}" role="search"' in html and 'name="place"' in html


def test_home_event_search_by_city_lands_on_events_near_it(client):
    response = client.get(reverse("events:list"), {"place": "Lisbon"})
    assert response.status_code == 200
    assert "Nearest first, within 50 km" in response.content.decode()

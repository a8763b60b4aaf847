"""Walk the demo site the way a curious visitor would: follow every same-site link from the home
page (bounded) as a visitor and as a signed-in person, and never meet a server error."""

import io
import re
from collections import deque

import pytest
from django.core.management import call_command

from causeweb.accounts.models import User

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/static/", "/media/", "/admin/", "/api/docs", "/api/redoc")
MAX_PAGES = 160


def crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html") and not response.streaming:
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return seen


@pytest.fixture
def demo_site(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_visitor_never_meets_a_server_error(client, demo_site):
    statuses = crawl(client)
    assert len(statuses) > 40  # the demo is rich enough to walk
    errors = {path: status for path, status in statuses.items() if status >= 500}
    assert errors == {}


def test_signed_in_person_never_meets_a_server_error(client, demo_site):
    client.force_login(User.objects.get(email="amina@causeweb.local"))
    statuses = crawl(client)
    assert len(statuses) > 40
    errors = {path: status for path, status in statuses.items() if status >= 500}
    assert errors == {}


def test_every_admin_page_renders_for_staff(client, demo_site):
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    staff = User.objects.get(email="admin@causeweb.local")
    client.force_login(staff)
    request = RequestFactory().get("/admin/")
    request.user = staff
    checked = 0
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"admin:{info}_changelist")).status_code == 200, info
        first = model_admin.get_queryset(request).first()
        if first is not None:
            response = client.get(reverse(f"admin:{info}_change", args=[first.pk]))
            assert response.status_code == 200, info
        checked += 1
    assert checked > 15

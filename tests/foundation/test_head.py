"""HEAD is answered like GET (RFC 9110: same status and headers, no body) on every page a visitor or
a signed-in person can reach, and a HEAD never performs what only a POST does."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from causeweb.accounts.models import User
from tests.foundation.test_smoke_crawl import crawl


@pytest.fixture
def demo_site(db):
    call_command("seed_demo", stdout=io.StringIO())


def assert_head_matches_get(client, statuses):
    ok = [path for path, status in statuses.items() if status == 200]
    assert len(ok) > 40  # the sweep reaches the site's pages, not a handful
    mismatched = {}
    for path in ok:
        cache.clear()  # the crawl's GETs count against the pages' rate limits (login, signup)
        head = client.head(path)
        if head.status_code != 200 or (not head.streaming and head.content != b""):
            mismatched[path] = head.status_code
    assert mismatched == {}


def test_head_answers_like_get_for_a_visitor(client, demo_site):
    assert_head_matches_get(client, crawl(client))


def test_head_answers_like_get_for_a_signed_in_person(client, demo_site):
    client.force_login(User.objects.get(email="amina@causeweb.local"))
    assert_head_matches_get(client, crawl(client))


@pytest.mark.parametrize("path", ["/healthz", "/campaigns/", "/events/"])
def test_head_on_named_public_pages_is_200_not_405(client, db, path):
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_head_on_the_sign_form_redirects_like_get_and_signs_nobody(client, db):
    from campaigns.models import Signature
    from tests.factories import CampaignFactory

    campaign = CampaignFactory()
    response = client.head(f"/campaigns/{campaign.slug}/sign/")
    assert response.status_code == 302
    assert response["Location"].endswith("#sign")
    assert not Signature.objects.exists()

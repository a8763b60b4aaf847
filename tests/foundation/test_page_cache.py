"""The anonymous visitor's page cache (causeweb/core/page_cache.py): a hit costs no query, what a
page shows is fresh the moment the write that changed it commits (signatures, donations, comments,
updates, edits, moderation), nothing of a signed-in person reaches the shared copy, and the shared
pages set no cookie (their per-visitor forms load as fragments)."""

import pytest
from django.conf import settings
from django.core.cache import cache

from campaigns.services.comments import comment_create
from campaigns.services.moderation import comment_hide_by_site_moderator
from campaigns.services.signatures import signature_create
from campaigns.services.trending import campaign_trending_refresh
from campaigns.services.updates import campaign_update_create
from causeweb.core import page_cache
from communities.models import GroupCampaign
from events.services.moderation import event_hide_by_site_moderator
from fundraising.services.transitions import donation_mark_succeeded
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def warm(client, path):
    """The first render learns the page's scopes, the second stores a servable copy."""
    fetch(client, path)
    fetch(client, path)
    response = fetch(client, path)
    assert response[page_cache.HIT_HEADER] == "hit", path
    return response


def hit_or_miss(client, path) -> str:
    return fetch(client, path)[page_cache.HIT_HEADER]


@pytest.fixture
def pages(db):
    campaign = CampaignFactory()
    event = EventFactory()
    group = GroupFactory()
    return {
        "home": "/",
        "campaign list": "/campaigns/",
        "campaign page": campaign.get_absolute_url(),
        "event list": "/events/",
        "event page": event.get_absolute_url(),
        "group page": group.get_absolute_url(),
    }


@pytest.mark.parametrize("name", ["home", "campaign list", "campaign page", "event list", "event page", "group page"])
def test_a_hit_costs_no_query_sets_no_cookie_and_is_public(client, pages, name, django_assert_num_queries):
    path = pages[name]
    warm(client, path)
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response[page_cache.HIT_HEADER] == "hit"
    assert response.cookies == {}
    assert "public" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()


def test_the_first_render_is_never_served_from_the_cache(client, pages):
    """Its tokens are read only after it rendered, so it might be older than them."""
    path = pages["campaign page"]
    assert hit_or_miss(client, path) == "miss"
    assert hit_or_miss(client, path) == "miss"
    assert hit_or_miss(client, path) == "hit"


def test_a_new_signature_shows_at_once_on_the_cached_page(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    assert "Ada Lovelace" not in warm(client, path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=campaign, user=UserFactory(), name="Ada Lovelace", is_public=True)
    response = fetch(client, path)
    assert response[page_cache.HIT_HEADER] == "miss"
    assert "Ada Lovelace" in response.content.decode()
    warm(client, path)


def test_a_rolled_back_write_keeps_the_copy(client):
    """Tokens move on commit only (here the test's transaction never commits)."""
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    warm(client, path)
    signature_create(campaign=campaign, user=UserFactory(), name="Grace Hopper", is_public=True)
    assert hit_or_miss(client, path) == "hit"


def test_the_campaign_list_shows_a_new_signature_count_at_once(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(title="Count me in")
    warm(client, "/campaigns/")
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=campaign, user=UserFactory(), name="Someone", is_public=True)
    assert hit_or_miss(client, "/campaigns/") == "miss"


def test_a_settled_donation_shows_at_once(client, django_capture_on_commit_callbacks):
    campaign = FundraisingCampaignFactory()
    path = campaign.get_absolute_url()
    warm(client, path)
    donation = DonationFactory(campaign=campaign, donor_name="Katherine Johnson", amount_minor=4200)
    warm(client, path)  # a pending donation's commit moved the token; nothing shows yet
    with django_capture_on_commit_callbacks(execute=True):
        assert donation_mark_succeeded(donation_id=donation.pk, payment_intent_id="pi_page_cache")
    response = fetch(client, path)
    assert response[page_cache.HIT_HEADER] == "miss"
    assert "Katherine Johnson" in response.content.decode()
    assert "42" in response.content.decode()


def test_comments_updates_edits_and_moderation_show_at_once(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    author = UserFactory()

    def after(write, text, present=True):
        warm(client, path)
        with django_capture_on_commit_callbacks(execute=True):
            result = write()
        response = fetch(client, path)
        assert response[page_cache.HIT_HEADER] == "miss"
        assert (text in response.content.decode()) is present
        return result

    comment = after(lambda: comment_create(campaign=campaign, author=author, body="Count me in too"), "Count me in too")
    after(
        lambda: campaign_update_create(
            campaign=campaign, author=campaign.organizer, title="We met the mayor", body="x"
        ),  # noqa: E501
        "We met the mayor",
    )

    def edit():
        campaign.title = "A brand new title"
        campaign.save(update_fields=["title"])

    after(edit, "A brand new title")
    # A site moderator's hide is a QuerySet.update(): the service says what changed itself.
    after(
        lambda: comment_hide_by_site_moderator(comment, moderator=UserFactory(is_staff=True)),
        "Count me in too",
        present=False,
    )


def test_unrelated_writes_leave_a_campaign_page_cached(client, django_capture_on_commit_callbacks):
    campaign, other = CampaignFactory(), CampaignFactory()
    path = campaign.get_absolute_url()
    warm(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        signature_create(campaign=other, user=UserFactory(), name="Elsewhere", is_public=True)
    assert hit_or_miss(client, path) == "hit"


def test_event_group_and_list_pages_follow_their_writes(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    event = EventFactory(campaign=campaign)
    group = GroupFactory()
    for path in (event.get_absolute_url(), "/events/", campaign.get_absolute_url()):
        warm(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        event_hide_by_site_moderator(event, moderator=UserFactory(is_staff=True))
    assert client.get(event.get_absolute_url()).status_code == 404
    assert hit_or_miss(client, "/events/") == "miss"
    assert hit_or_miss(client, campaign.get_absolute_url()) == "miss"

    warm(client, group.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        GroupCampaign.objects.create(group=group, campaign=campaign)
    response = fetch(client, group.get_absolute_url())
    assert response[page_cache.HIT_HEADER] == "miss"
    assert campaign.title in response.content.decode()


def test_the_trending_refresh_moves_the_lists(client, django_capture_on_commit_callbacks):
    CampaignFactory()
    warm(client, "/campaigns/")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_trending_refresh()
    assert hit_or_miss(client, "/campaigns/") == "miss"


def test_nothing_of_a_signed_in_person_reaches_the_shared_copy(client, pages):
    alice = UserFactory(display_name="Alice Privatename")
    client.force_login(alice)
    for path in pages.values():
        response = fetch(client, path)
        assert page_cache.HIT_HEADER not in response  # never served from, nor stored in, the cache
    assert "Alice Privatename" in fetch(client, "/").content.decode()
    client.logout()
    client.cookies.clear()
    for path in pages.values():
        for _ in range(3):
            response = fetch(client, path)
            body = response.content.decode()
            assert "Alice Privatename" not in body
            assert "Sign out" not in body
        assert response[page_cache.HIT_HEADER] == "hit"


def test_a_guest_with_a_session_gets_their_own_page(client, pages):
    """A guest who signed has a session: they see "check your inbox", never the shared copy."""
    path = pages["campaign page"]
    warm(client, path)
    client.cookies[settings.SESSION_COOKIE_NAME] = "guest-session"
    assert page_cache.HIT_HEADER not in fetch(client, path)


def test_the_key_follows_the_query_string_and_the_language(client, pages):
    warm(client, "/campaigns/")
    assert hit_or_miss(client, "/campaigns/?sort=newest") == "miss"
    assert hit_or_miss(client, "/campaigns/?page=1&sort=newest") == "miss"
    fetch(client, "/campaigns/?page=1&sort=newest")
    assert hit_or_miss(client, "/campaigns/?sort=newest&page=1") == "hit"  # same query, other order


def test_the_sign_form_loads_as_a_private_fragment_with_its_token(client):
    campaign = CampaignFactory()
    page = fetch(client, campaign.get_absolute_url()).content.decode()
    fragment_url = f"/campaigns/{campaign.slug}/sign/form/"
    assert f'hx-get="{fragment_url}"' in page
    assert f'href="{fragment_url}"' in page  # without JavaScript: a page of its own
    fragment = client.get(fragment_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert settings.CSRF_COOKIE_NAME in fragment.cookies
    assert "private" in fragment["Cache-Control"]
    no_js = client.get(fragment_url)
    assert "<html" in no_js.content.decode() and 'name="csrfmiddlewaretoken"' in no_js.content.decode()


def test_the_sign_form_fragment_posts_a_signature(client):
    campaign = CampaignFactory()
    client.get(f"/campaigns/{campaign.slug}/sign/form/", HTTP_HX_REQUEST="true")
    response = client.post(
        f"/campaigns/{campaign.slug}/sign/", {"name": "Guest Signer", "email": "guest@example.org", "is_public": "on"}
    )
    assert response.status_code == 302
    assert campaign.signatures.filter(email="guest@example.org").exists()


def test_signed_in_people_get_the_sign_form_inline_and_the_fragment_redirects(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory())
    page = fetch(client, campaign.get_absolute_url()).content.decode()
    assert f'action="/campaigns/{campaign.slug}/sign/"' in page
    assert client.get(f"/campaigns/{campaign.slug}/sign/form/").status_code == 302


def test_the_rsvp_form_loads_as_a_private_fragment(client):
    event = EventFactory()
    page = fetch(client, event.get_absolute_url()).content.decode()
    fragment_url = f"/events/{event.slug}/rsvp/form/"
    assert f'hx-get="{fragment_url}"' in page
    fragment = client.get(fragment_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in fragment.content.decode()
    assert settings.CSRF_COOKIE_NAME in fragment.cookies


def test_a_lost_token_is_replaced_by_one_no_copy_has_seen(client):
    campaign = CampaignFactory()
    path = campaign.get_absolute_url()
    warm(client, path)
    cache.delete(page_cache.TOKEN_PREFIX + f"campaign:{campaign.pk}")  # evicted by Redis
    assert hit_or_miss(client, path) == "miss"


def test_the_tag_cloud_is_cached_until_a_campaign_or_its_tags_change(django_capture_on_commit_callbacks):
    from campaigns import selectors
    from campaigns.models import Tag

    water = Tag.objects.create(name="water", slug="water")
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        campaign.tags.add(water)
    assert [t.slug for t in selectors.tag_cloud(limit=5)] == ["water"]
    assert [t.slug for t in selectors.tag_cloud(limit=5)] == ["water"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        selectors.tag_cloud(limit=5)
    assert len(queries) == 0
    schools = Tag.objects.create(name="schools", slug="schools")
    with django_capture_on_commit_callbacks(execute=True):
        campaign.tags.add(schools)
    assert sorted(t.slug for t in selectors.tag_cloud(limit=5)) == ["schools", "water"]
    with django_capture_on_commit_callbacks(execute=True):
        campaign.status = campaign.Status.DRAFT  # no longer public: its tags leave the cloud
        campaign.save(update_fields=["status"])
    assert selectors.tag_cloud(limit=5) == []


def test_an_rsvp_shows_at_once_on_the_event_its_campaign_and_its_group(client, django_capture_on_commit_callbacks):
    """The campaign and group pages depend on each event their events section shows."""
    from events.services.rsvps import rsvp_create

    campaign, group = CampaignFactory(), GroupFactory()
    event = EventFactory(campaign=campaign, group=group, capacity=None)
    cards = {campaign.get_absolute_url(): "{n} going", group.get_absolute_url(): "{n} going", "/events/": "{n} going"}
    cards[event.get_absolute_url()] = "<strong>{n}</strong> going"
    for path, text in cards.items():
        assert text.format(n=0) in warm(client, path).content.decode(), path
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_create(event_id=event.pk, user=UserFactory())
    for path, text in cards.items():
        response = fetch(client, path)
        assert response[page_cache.HIT_HEADER] == "miss", path
        assert text.format(n=1) in response.content.decode(), path


# The early lookup (PageCacheMiddleware): a hit skips the inner middlewares and the view -------------


@pytest.mark.parametrize("name", ["home", "campaign page", "event page"])
def test_a_hit_carries_the_headers_the_inner_middlewares_set_on_the_miss(client, pages, name):
    path = pages[name]
    miss = fetch(client, path)
    warm(client, path)
    hit = fetch(client, path)
    assert hit[page_cache.HIT_HEADER] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Permissions-Policy"):
        assert hit.has_header(header), header
        assert hit[header] == miss[header], header
    vary = {part.strip() for part in hit["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert hit.content == fetch(client, path).content


def test_a_hit_never_runs_the_view_or_the_inner_middlewares(client, pages, monkeypatch):
    """Answered before the session, CSRF and auth middlewares: the request never gets a user."""
    path = pages["campaign page"]
    warm(client, path)
    seen = []
    original = page_cache.cache.get

    def spy(key, *args, **kwargs):
        seen.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "get", spy)
    response = client.get(path)
    assert response[page_cache.HIT_HEADER] == "hit"
    assert not hasattr(response.wsgi_request, "user")
    # The copy, then its scope tokens: no session, rate-limit or other read.
    assert [key.split(":")[0] for key in seen] == ["page"] + ["page-scope"] * (len(seen) - 1)


def test_each_language_gets_its_own_copy(client, pages):
    path = pages["campaign page"]
    warm(client, path)
    for _ in range(3):
        spanish = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish[page_cache.HIT_HEADER] == "hit"
    assert spanish["Content-Language"] == "es"
    assert 'lang="es"' in spanish.content.decode()
    english = client.get(path)
    assert english[page_cache.HIT_HEADER] == "hit"
    assert 'lang="en"' in english.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    for _ in range(3):
        arabic = client.get(path)
    assert arabic[page_cache.HIT_HEADER] == "hit"
    assert 'dir="rtl"' in arabic.content.decode()


def test_a_hit_answers_a_matching_etag_with_304(client, pages):
    path = pages["campaign page"]
    hit = warm(client, path)
    again = client.get(path, HTTP_IF_NONE_MATCH=hit["ETag"])
    assert again.status_code == 304


def test_without_the_middleware_the_view_caches_by_itself(client, pages, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "causeweb.core.page_cache.PageCacheMiddleware"]
    path = pages["campaign page"]
    hit = warm(client, path)
    assert not hasattr(hit, page_cache.PENDING_COPY_ATTR)


def test_paths_of_other_views_are_not_looked_up(client, monkeypatch):
    """/healthz and the API never pay a cache read for the page cache (the API's campaign list
    reads its own copy in the view, `cached_api_response`: tests/campaigns/test_api_cache.py)."""
    seen = []
    original = page_cache.cache.get
    monkeypatch.setattr(page_cache.cache, "get", lambda key, *a, **k: seen.append(key) or original(key, *a, **k))
    assert client.get("/healthz").status_code == 200
    client.get("/api/v1/events/")
    client.get("/no-such-page/")
    assert not [key for key in seen if key.startswith(page_cache.ENTRY_PREFIX)]

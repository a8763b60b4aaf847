"""The thread page in the anonymous visitor's page cache (causeweb/core/page_cache.py): a hit
costs no query; a new post, a reaction, an edit, a moderator's hide and a change of the group
show at once; another group's post leaves the copy (a post in the same group moves the group's scope, which
the thread page depends on for its header)."""

import pytest

from causeweb.core import page_cache
from communities.services.discussions import post_create, reaction_add, thread_create
from communities.services.site_moderation import post_hide_by_site_moderator
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def discussion(django_capture_on_commit_callbacks):
    group = GroupFactory()
    author = UserFactory()
    add_member(group, author)
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(author=author, group=group, title="Saturday clean-up", body="Who brings gloves?")
        other = thread_create(author=author, group=group, title="Next month", body="Ideas?")
    return group, author, thread, other


def state(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response[page_cache.HIT_HEADER]


def warm(client, thread):
    state(client, thread)
    state(client, thread)
    assert state(client, thread) == "hit"


def test_a_hit_costs_no_query_and_sets_no_cookie(client, discussion, django_assert_num_queries):
    _group, _author, thread, _other = discussion
    warm(client, thread)
    with django_assert_num_queries(0):
        response = client.get(thread.get_absolute_url())
    assert response[page_cache.HIT_HEADER] == "hit" and response.cookies == {}
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()


def test_a_new_post_shows_at_once_and_another_groups_post_keeps_the_copy(
    client, discussion, django_capture_on_commit_callbacks
):
    group, author, thread, _other = discussion
    elsewhere = GroupFactory()
    add_member(elsewhere, author)
    with django_capture_on_commit_callbacks(execute=True):
        far = thread_create(author=author, group=elsewhere, title="Far away", body="Hello")
    warm(client, thread)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=author, thread=far, body="Elsewhere")
    assert state(client, thread) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=author, thread=thread, body="I bring twenty pairs")
    response = client.get(thread.get_absolute_url())
    assert response[page_cache.HIT_HEADER] == "miss" and "I bring twenty pairs" in response.content.decode()


def test_a_reaction_and_a_moderators_hide_show_at_once(client, discussion, django_capture_on_commit_callbacks):
    group, author, thread, _other = discussion
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=author, thread=thread, body="Offensive words here")
    warm(client, thread)
    reader = UserFactory()
    add_member(group, reader)
    with django_capture_on_commit_callbacks(execute=True):
        reaction_add(user=reader, post=post, kind="like")
    assert state(client, thread) == "miss"
    warm(client, thread)
    with django_capture_on_commit_callbacks(execute=True):
        post_hide_by_site_moderator(post, moderator=UserFactory(is_staff=True))
    response = client.get(thread.get_absolute_url())
    assert response[page_cache.HIT_HEADER] == "miss" and "Offensive words here" not in response.content.decode()


def test_a_signed_in_member_never_gets_the_shared_copy(client, discussion):
    _group, author, thread, _other = discussion
    warm(client, thread)
    client.force_login(author)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200 and page_cache.HIT_HEADER not in response
    assert 'id="reply-form"' in response.content.decode()

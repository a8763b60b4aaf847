"""A long thread is read a page of top-level replies at a time (communities.selectors.thread_page):
each reply with the replies to it, the opening post on every page, page links, a post's lasting
address that finds its page, a new reply shown where it landed, each page cached on its own."""

import pytest
from rest_framework.test import APIClient

from causeweb.core import page_cache, ratelimits
from communities import selectors
from communities.services.discussions import post_create, thread_create
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "REPLIES_PER_PAGE", PER_PAGE)


@pytest.fixture
def long_thread():
    """Seven top-level replies (three pages of three), the fifth with two replies to it."""
    group = GroupFactory()
    author = UserFactory(display_name="Ana")
    add_member(group, author)
    with ratelimits.suspended():
        thread = thread_create(author=author, group=group, title="Saturday clean-up", body="Who brings gloves?")
        replies = [post_create(author=author, thread=thread, body=f"Reply number {n}") for n in range(1, 8)]
        nested = [
            post_create(author=author, thread=thread, body=f"Answer {n} to five", parent=replies[4]) for n in (1, 2)
        ]
    return group, author, thread, replies, nested


def page_html(client, thread, query="") -> str:
    response = client.get(thread.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_each_page_shows_its_replies_with_theirs_and_the_opening_post(client, long_thread):
    _group, _author, thread, _replies, _nested = long_thread
    first = page_html(client, thread)
    assert "Who brings gloves?" in first
    assert all(f"Reply number {n}<" in first for n in (1, 2, 3)) and "Reply number 4<" not in first
    assert "Page 1 of 3" in first and "?page=2#replies" in first and 'rel="prev"' not in first
    second = page_html(client, thread, "?page=2")
    assert "Who brings gloves?" in second  # what the thread is about, on every page
    assert all(f"Reply number {n}<" in second for n in (4, 5, 6)) and "Reply number 3<" not in second
    assert second.index("Reply number 5<") < second.index("Answer 1 to five") < second.index("Answer 2 to five")
    assert second.index("Answer 2 to five") < second.index("Reply number 6<")
    assert "Page 2 of 3" in second and "?page=1#replies" in second and "?page=3#replies" in second
    assert "· page 2 ·" in second  # the page's own title
    last = page_html(client, thread, "?page=3")
    assert "Reply number 7<" in last and "Answer 1 to five" not in last and 'rel="next"' not in last


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?page=abc", 1),
        ("?page=0", 7),
        ("?page=99", 7),
        ("?page=-1", 7),
        ("?page=1e400", 1),
        ("?page=99999999999999999999999999", 7),
        ("?page=2&page=x", 1),
    ],
)
def test_a_bad_or_past_the_end_page_number_shows_a_page_not_an_error(client, long_thread, query, shown):
    _group, _author, thread, _replies, _nested = long_thread
    assert f"Reply number {shown}<" in page_html(client, thread, query)


def test_a_posts_lasting_address_leads_to_the_page_it_is_on(client, long_thread):
    group, _author, thread, replies, nested = long_thread
    assert nested[1].get_absolute_url() == f"/groups/{group.slug}/posts/{nested[1].pk}/"
    response = client.get(nested[1].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{nested[1].pk}"
    assert client.get(replies[6].get_absolute_url())["Location"].endswith(f"?page=3#post-{replies[6].pk}")
    first = client.get(replies[0].get_absolute_url())["Location"]
    assert first == f"{thread.get_absolute_url()}#post-{replies[0].pk}"


def test_a_post_in_a_private_group_has_no_address_for_outsiders(client, long_thread, owner, private_group):
    _group, _author, _thread, _replies, _nested = long_thread
    secret = thread_create(author=owner, group=private_group, title="Inside", body="Members only")
    reply = post_create(author=owner, thread=secret, body="Still inside")
    assert client.get(reply.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reply.get_absolute_url()).status_code == 404


def test_a_new_reply_lands_on_the_last_page_and_the_reader_is_taken_there(client, long_thread):
    _group, author, thread, _replies, _nested = long_thread
    client.force_login(author)
    with ratelimits.suspended():
        response = client.post(f"{thread.get_absolute_url()}reply/", {"body": "Reply number 8"})
    newest = thread.posts.order_by("-id").first()
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}?page=3#post-{newest.pk}"
    assert "Reply number 8<" in page_html(client, thread, "?page=3")


def test_a_reply_that_does_not_validate_is_shown_on_the_last_page_with_its_error(client, long_thread):
    _group, author, thread, _replies, _nested = long_thread
    client.force_login(author)
    response = client.post(f"{thread.get_absolute_url()}reply/", {"body": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Reply number 7<" in html and "Page 3 of 3" in html


def test_each_page_is_cached_on_its_own_and_a_new_reply_renews_them_all(
    client, settings, long_thread, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    _group, author, thread, _replies, _nested = long_thread

    def state(query):
        response = client.get(thread.get_absolute_url() + query)
        return response[page_cache.HIT_HEADER], response.content.decode()

    for query in ("", "?page=2", "", "?page=2"):
        state(query)
    assert state("")[0] == "hit" and state("?page=2")[0] == "hit"
    assert "Reply number 4<" in state("?page=2")[1] and "Reply number 4<" not in state("")[1]
    with django_capture_on_commit_callbacks(execute=True), ratelimits.suspended():
        post_create(author=author, thread=thread, body="Reply number 8")
    assert state("?page=2")[0] == "miss" and state("")[0] == "miss"
    assert "Page 1 of 3" in state("")[1]


def test_the_page_reads_a_fixed_number_of_queries_however_long_the_thread(
    client, long_thread, django_assert_max_num_queries
):
    group, author, thread, _replies, _nested = long_thread
    with django_assert_max_num_queries(14) as before:
        page_html(client, thread, "?page=2")
    with ratelimits.suspended():
        for n in range(20):
            post_create(author=author, thread=thread, body=f"More {n}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        page_html(client, thread, "?page=2")


def test_the_api_thread_holds_its_first_page_and_says_whether_that_is_all(long_thread):
    group, author, thread, _replies, _nested = long_thread
    body = APIClient().get(f"/api/v1/threads/{thread.pk}/").json()
    assert body["posts_complete"] is False
    shown = [post["body_html"] for post in body["posts"]]
    assert len(shown) == 4 and "Who brings gloves?" in shown[0]
    assert all(f"Reply number {n}<" in html for n, html in zip((1, 2, 3), shown[1:], strict=True))
    short = thread_create(author=author, group=group, title="Short", body="Just this")
    assert APIClient().get(f"/api/v1/threads/{short.pk}/").json()["posts_complete"] is True

import pytest
from rest_framework.test import APIClient

from communities.models import JoinRequest, Membership, Post, Reaction, Thread
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_group_list_hides_private_groups_and_filters(api, owner):
    GroupFactory(owner=owner, name="Open air", location="Porto")
    GroupFactory(owner=owner, name="Ask first", visibility="request")
    GroupFactory(owner=owner, name="Secret", visibility="private")
    names = {g["name"] for g in api.get("/api/v1/groups/").json()["results"]}
    assert names == {"Open air", "Ask first"}
    assert [g["name"] for g in api.get("/api/v1/groups/", {"place": "porto"}).json()["results"]] == ["Open air"]


def test_private_group_is_404_for_outsiders_and_visible_to_members(api, private_group, owner, user):
    assert api.get(f"/api/v1/groups/{private_group.slug}/").status_code == 404
    api.force_authenticate(user)
    assert api.get(f"/api/v1/groups/{private_group.slug}/").status_code == 404
    api.force_authenticate(owner)
    body = api.get(f"/api/v1/groups/{private_group.slug}/").json()
    assert body["my_role"] == "owner"


def test_join_public_group_twice_keeps_one_membership(api, public_group, user):
    api.force_authenticate(user)
    for _ in range(2):
        response = api.post(f"/api/v1/groups/{public_group.slug}/join/", {}, format="json")
        assert response.status_code == 201 and response.json()["status"] == "member"
    assert Membership.objects.filter(group=public_group, user=user).count() == 1


def test_join_request_group_creates_one_request(api, request_group, user):
    api.force_authenticate(user)
    path = f"/api/v1/groups/{request_group.slug}/join/"
    assert api.post(path, {"message": "hi"}, format="json").status_code == 400  # code of conduct not accepted
    for _ in range(2):
        response = api.post(path, {"message": "hi", "accept_code_of_conduct": True}, format="json")
        assert response.json() == {"status": "requested"}
    assert JoinRequest.objects.filter(user=user).count() == 1


def test_join_errors_map_to_4xx(api, public_group, private_group, owner, user):
    assert api.post(f"/api/v1/groups/{public_group.slug}/join/").status_code in (401, 403)
    api.force_authenticate(user)
    membership_services.member_ban(actor=owner, group=public_group, user=user)
    assert api.post(f"/api/v1/groups/{public_group.slug}/join/").status_code == 403
    api.force_authenticate(owner)
    assert api.post(f"/api/v1/groups/{public_group.slug}/leave/").status_code == 409  # the last owner


def test_threads_read_write(api, request_group, owner, user):
    path = f"/api/v1/groups/{request_group.slug}/threads/"
    assert api.get(path).status_code == 403
    api.force_authenticate(user)
    assert api.post(path, {"title": "Hi", "body": "Let me in"}, format="json").status_code == 403
    api.force_authenticate(owner)
    response = api.post(path, {"title": "Welcome", "body": "Say **hello**"}, format="json")
    assert response.status_code == 201
    assert api.post(path, {"title": "", "body": ""}, format="json").status_code == 400
    listing = api.get(path).json()
    assert [t["title"] for t in listing["results"]] == ["Welcome"]
    thread = api.get(f"/api/v1/threads/{response.json()['id']}/").json()
    assert thread["posts"][0]["body_html"] == "<p>Say <strong>hello</strong></p>"


def test_post_and_react(api, public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="Opening")
    api.force_authenticate(member)
    response = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Reply"}, format="json")
    assert response.status_code == 201
    post_id = response.json()["id"]
    nested = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "Nested", "parent": post_id}, format="json")
    assert nested.json()["parent"] == post_id
    other = discussion_services.thread_create(author=owner, group=public_group, title="Other", body="x")
    foreign = Post.objects.get(thread=other).pk
    bad = api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "x", "parent": foreign}, format="json")
    assert bad.status_code == 400
    for _ in range(2):
        reacted = api.post(f"/api/v1/posts/{post_id}/reactions/", {"kind": "celebrate"}, format="json")
        assert reacted.status_code == 200
    assert reacted.json()["reactions"]["celebrate"] == {"count": 1, "mine": True}
    assert Reaction.objects.count() == 1
    assert api.post(f"/api/v1/posts/{post_id}/reactions/", {"kind": "angry"}, format="json").status_code == 400
    removed = api.delete(f"/api/v1/posts/{post_id}/reactions/", {"kind": "celebrate"}, format="json")
    assert removed.json()["reactions"]["celebrate"]["count"] == 0


def test_outsiders_cannot_post_or_react(api, public_group, owner):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="Opening")
    post = Post.objects.get(thread=thread)
    assert api.get(f"/api/v1/threads/{thread.pk}/").status_code == 200  # public reading
    assert api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "x"}, format="json").status_code in (401, 403)
    api.force_authenticate(UserFactory())
    assert api.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": "x"}, format="json").status_code == 403
    assert api.post(f"/api/v1/posts/{post.pk}/reactions/", {"kind": "like"}, format="json").status_code == 403
    assert Post.objects.count() == 1 and not Reaction.objects.exists()


def test_private_threads_and_posts_are_404(api, private_group, owner, user):
    thread = discussion_services.thread_create(author=owner, group=private_group, title="Secret plans", body="x")
    post = Post.objects.get(thread=thread)
    api.force_authenticate(user)
    assert api.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert api.get(f"/api/v1/posts/{post.pk}/").status_code == 404
    assert Thread.objects.count() == 1


def test_hidden_posts_keep_their_words_from_members(api, public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=member, group=public_group, title="T", body="Rude words")
    post = Post.objects.get(thread=thread)
    discussion_services.post_set_hidden(actor=owner, post=post, hidden=True)
    api.force_authenticate(member)
    assert api.get(f"/api/v1/posts/{post.pk}/").json()["body_html"] == ""
    api.force_authenticate(owner)
    assert "Rude words" in api.get(f"/api/v1/posts/{post.pk}/").json()["body_html"]


def test_thread_detail_query_count_is_constant(api, public_group, owner, django_assert_max_num_queries):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="x")
    people = [add_member(public_group) for _ in range(5)]
    for n in range(30):
        post = discussion_services.post_create(author=people[n % 5], thread=thread, body=f"Reply {n}")
        Reaction.objects.bulk_create(Reaction(post=post, user=p, kind="like") for p in people)
    api.force_authenticate(owner)
    with django_assert_max_num_queries(9):
        response = api.get(f"/api/v1/threads/{thread.pk}/")
    assert response.status_code == 200
    posts = response.json()["posts"]
    assert [p["body_html"] for p in posts] == ["<p>x</p>", *(f"<p>Reply {n}</p>" for n in range(30))]
    assert [p["reactions"]["like"]["count"] for p in posts] == [0, *([5] * 30)]


def test_a_long_thread_is_read_in_cursor_pages_oldest_first(api, public_group, owner, user):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="Long", body="Opening")
    add_member(public_group, user)
    for n in range(5):
        discussion_services.post_create(author=user, thread=thread, body=f"reply {n}")
    first = api.get(f"/api/v1/threads/{thread.pk}/posts/", {"page_size": 2})
    assert first.status_code == 200
    page = first.json()
    assert len(page["results"]) == 2 and page["results"][0]["id"] == Post.objects.get(thread=thread, is_opening=True).pk
    seen = [p["id"] for p in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        seen += [p["id"] for p in page["results"]]
    expected = list(Post.objects.filter(thread=thread).order_by("created_at", "id").values_list("id", flat=True))
    assert seen == expected and len(seen) == 6  # every post once, in order, across pages


def test_thread_pages_count_reactions_and_mine_on_the_page(api, public_group, owner, user):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="Opening")
    opening = Post.objects.get(thread=thread)
    add_member(public_group, user)
    discussion_services.reaction_add(user=user, post=opening, kind=Reaction.Kind.choices[0][0])
    api.force_authenticate(user)
    results = api.get(f"/api/v1/threads/{thread.pk}/posts/").json()["results"]
    kind = Reaction.Kind.choices[0][0]
    assert results[0]["id"] == opening.pk
    assert results[0]["reactions"][kind] == {"count": 1, "mine": True}


def test_thread_pages_of_a_private_group_are_404_to_outsiders_and_a_bad_cursor_is_404(
    api, private_group, public_group, owner, user
):
    secret = discussion_services.thread_create(author=owner, group=private_group, title="S", body="x")
    assert api.get(f"/api/v1/threads/{secret.pk}/posts/").status_code == 404
    api.force_authenticate(user)
    assert api.get(f"/api/v1/threads/{secret.pk}/posts/").status_code == 404
    open_thread = discussion_services.thread_create(author=owner, group=public_group, title="O", body="x")
    assert api.get(f"/api/v1/threads/{open_thread.pk}/posts/", {"cursor": "not-ours"}).status_code == 404
    api.force_authenticate(None)
    assert api.post(f"/api/v1/threads/{open_thread.pk}/posts/", {"body": "hi"}, format="json").status_code in (401, 403)

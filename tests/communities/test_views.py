import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Cause
from causeweb.moderation.services import flag_create
from communities.models import Group, JoinRequest, Membership, Post, Reaction, Thread
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name, group, **kwargs):
    return reverse(f"communities:{name}", kwargs={"slug": group.slug, **kwargs})


def build_thread(group, *, replies, reactors):
    """A thread with `replies` replies (a third of them nested) and every reactor reacting to every post."""
    people = [add_member(group) for _ in range(max(reactors, 2))]
    thread = discussion_services.thread_create(author=people[0], group=group, title="Busy thread", body="Opening")
    top = None
    for n in range(replies):
        parent = top if (n % 3 == 2 and top) else None
        post = discussion_services.post_create(
            author=people[n % len(people)], thread=thread, body=f"Reply {n}", parent=parent
        )
        if parent is None:
            top = post
    posts = list(Post.objects.filter(thread=thread))
    Reaction.objects.bulk_create(
        Reaction(post=post, user=person, kind=kind)
        for post in posts
        for person in people[:reactors]
        for kind in ("like", "support")
    )
    return thread


def count_queries(client, path):
    return get_counting_queries(client, path)[0]


def get_counting_queries(client, path):
    """The number of queries a page ran, and its HTML (so a test also checks what the page shows)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# --- browse ----------------------------------------------------------------------------------------


def test_browse_lists_public_and_request_groups_but_never_private(client, owner):
    GroupFactory(owner=owner, name="Open air", visibility="public")
    GroupFactory(owner=owner, name="Ask first", visibility="request")
    GroupFactory(owner=owner, name="Secret circle", visibility="private")
    response = client.get(reverse("communities:list"))
    html = response.content.decode()
    assert "Open air" in html and "Ask first" in html
    assert "Secret circle" not in html


def test_browse_shows_your_private_groups_only_to_you(client, private_group, owner, user):
    client.force_login(owner)
    assert private_group.name in client.get(reverse("communities:list")).content.decode()
    client.force_login(user)
    assert private_group.name not in client.get(reverse("communities:list")).content.decode()


def test_search_by_name_cause_and_place(client, owner):
    climate = Cause.objects.create(name="Climate", slug="climate")
    housing = Cause.objects.create(name="Housing", slug="housing")
    GroupFactory(owner=owner, name="Lisbon cyclists", cause=climate, location="Lisbon")
    GroupFactory(owner=owner, name="Berlin tenants", cause=housing, location="Berlin")
    page = lambda **q: client.get(reverse("communities:list"), q).content.decode()  # noqa: E731
    assert "Lisbon cyclists" in page(q="cyclist") and "Berlin tenants" not in page(q="cyclist")
    assert "Berlin tenants" in page(cause="housing") and "Lisbon cyclists" not in page(cause="housing")
    assert "Lisbon cyclists" in page(place="lisb") and "Berlin tenants" not in page(place="lisb")
    assert client.get(reverse("communities:list"), {"cause": "no-such"}).status_code == 200


def test_browse_query_count_is_constant(client, owner, django_assert_max_num_queries):
    for n in range(30):
        GroupFactory(owner=owner, name=f"Group {n}", cause=Cause.objects.get_or_create(name=f"C{n}", slug=f"c{n}")[0])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("communities:list"))
    assert response.status_code == 200
    shown = [group.name for group in response.context["page"].object_list]
    assert shown == sorted(f"Group {n}" for n in range(30))[:24]  # a full page, by name (all have one member)
    html = response.content.decode()
    assert all(f">{name}<" in html or f"{name}</" in html for name in shown)
    assert "Group 9" not in shown and "Group 9<" not in html


# --- group page ------------------------------------------------------------------------------------


def test_private_group_pages_are_not_found_for_outsiders(client, private_group, user):
    for name in ("detail", "threads", "members", "join"):
        assert client.get(url(name, private_group)).status_code in (404, 302)
    client.force_login(user)
    for name in ("detail", "threads", "members", "join"):
        assert client.get(url(name, private_group)).status_code == 404


def test_request_group_page_is_visible_but_discussions_are_for_members(client, request_group, owner):
    thread = discussion_services.thread_create(
        author=owner, group=request_group, title="Members only talk", body="psst"
    )
    response = client.get(request_group.get_absolute_url())
    assert response.status_code == 200
    assert "Members only talk" not in response.content.decode()
    assert client.get(url("threads", request_group)).status_code == 403
    assert client.get(thread.get_absolute_url()).status_code == 403
    client.force_login(owner)
    assert "Members only talk" in client.get(request_group.get_absolute_url()).content.decode()
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_group_page_shows_supported_campaigns_and_events_slot(client, public_group, owner):
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(title="Plant 1000 trees")
    group_campaign_services.group_campaign_add(actor=owner, group=public_group, campaign_slug=campaign.slug)
    html = client.get(public_group.get_absolute_url()).content.decode()
    assert "Plant 1000 trees" in html
    assert "Upcoming events" in html


def test_group_card_partial_renders_for_the_home_page(client, owner):
    GroupFactory(owner=owner, name="Featured folks")
    assert "Featured folks" in client.get(reverse("home")).content.decode()


# --- create ----------------------------------------------------------------------------------------


def test_create_group_form(client, user):
    assert client.get(reverse("communities:create")).status_code == 302  # sign in first
    client.force_login(user)
    response = client.post(
        reverse("communities:create"),
        {"name": "Tree planters", "description": "We *plant*", "visibility": "request", "code_of_conduct": "Kind."},
    )
    group = Group.objects.get(name="Tree planters")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert Membership.objects.get(group=group).role == "owner"


def test_create_group_with_bad_input_rerenders_with_errors(client, user):
    client.force_login(user)
    response = client.post(
        reverse("communities:create"), {"name": "Mapped", "visibility": "public", "latitude": "10", "longitude": ""}
    )
    assert response.status_code == 200
    assert "Give both latitude and longitude" in response.content.decode()
    assert not Group.objects.exists()


# --- joining ---------------------------------------------------------------------------------------


def test_join_flow_requires_the_code_of_conduct(client, owner, user):
    group = GroupFactory(owner=owner, code_of_conduct="No <b>trolling</b> <script>alert(1)</script>")
    client.force_login(user)
    page = client.get(url("join", group)).content.decode()
    assert "No <b>trolling</b>" in page and "<script>alert(1)" not in page
    response = client.post(url("join", group), {})
    assert response.status_code == 200 and "accept the group" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    response = client.post(url("join", group), {"accept_code_of_conduct": "on"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, group=group).exists()


def test_request_flow_and_queue(client, request_group, owner, user):
    client.force_login(user)
    client.post(url("join", request_group), {"message": "I live nearby", "accept_code_of_conduct": "on"})
    join_request = JoinRequest.objects.get(user=user)
    assert "waiting for the moderators" in client.get(request_group.get_absolute_url()).content.decode()
    assert client.get(url("requests", request_group)).status_code == 403
    client.force_login(owner)
    queue = client.get(url("requests", request_group)).content.decode()
    assert "I live nearby" in queue
    client.post(url("request_decide", request_group, request_id=join_request.pk, decision="approve"))
    assert Membership.objects.filter(user=user, group=request_group).exists()


def test_invitation_page(client, private_group, owner, user):
    invitation = membership_services.invitation_create(actor=owner, group=private_group)
    path = reverse("communities:invitation", kwargs={"token": invitation.token})
    assert private_group.name in client.get(path).content.decode()  # the link shows what it is for
    client.force_login(user)
    assert client.post(path, {}).status_code == 302
    assert client.get(private_group.get_absolute_url()).status_code == 200
    membership_services.invitation_revoke(actor=owner, invitation=invitation)
    client.force_login(UserFactory())
    assert "expired or was revoked" in client.get(path).content.decode()
    assert client.get(reverse("communities:invitation", kwargs={"token": "nope"})).status_code == 404


def test_members_page_and_role_change(client, public_group, owner):
    member = add_member(public_group, UserFactory(display_name="Promotable Person"))
    membership = Membership.objects.get(user=member)
    client.force_login(member)
    assert "Promotable Person" in client.get(url("members", public_group)).content.decode()
    client.post(url("member_role", public_group, membership_id=membership.pk), {"role": "moderator"})
    membership.refresh_from_db()
    assert membership.role == "member"  # not an owner: refused with a message
    client.force_login(owner)
    client.post(url("member_role", public_group, membership_id=membership.pk), {"role": "moderator"})
    membership.refresh_from_db()
    assert membership.role == "moderator"


def test_last_owner_leaving_gets_a_message_not_an_error(client, public_group, owner):
    client.force_login(owner)
    response = client.post(url("leave", public_group), follow=True)
    assert response.status_code == 200
    assert "only owner" in response.content.decode()
    assert Membership.objects.filter(user=owner).exists()


# --- discussions -----------------------------------------------------------------------------------


def test_thread_list_runs_in_constant_queries(client, public_group, owner):
    for _ in range(3):
        build_thread(public_group, replies=2, reactors=1)
    client.force_login(owner)
    few = count_queries(client, url("threads", public_group))
    for _ in range(20):
        build_thread(public_group, replies=4, reactors=3)
    many, html = get_counting_queries(client, url("threads", public_group))
    assert few == many
    assert many <= 10
    assert html.count('<li class="thread-row') == 23  # every thread, on one page
    assert all(thread.get_absolute_url() in html for thread in Thread.objects.filter(group=public_group))


@pytest.mark.parametrize("as_moderator", [False, True])
def test_thread_page_runs_in_constant_queries(client, public_group, owner, as_moderator):
    small = build_thread(public_group, replies=3, reactors=2)
    big = build_thread(public_group, replies=60, reactors=8)
    viewer = owner if as_moderator else add_member(public_group)
    for post in Post.objects.filter(thread=big)[:10]:
        flag_create(reporter=UserFactory(), target=post, reason="spam")
    client.force_login(viewer)
    few = count_queries(client, small.get_absolute_url())
    many, html = get_counting_queries(client, big.get_absolute_url())
    assert few == many
    assert (
        many <= 13
    )  # the page of top-level replies is counted, the opening post and the nested replies read on their own
    big_posts = list(Post.objects.filter(thread=big).values_list("pk", flat=True))
    assert len(big_posts) == 61
    assert all(f'id="post-{pk}"' in html for pk in big_posts)
    assert not any(f'id="post-{pk}"' in html for pk in Post.objects.filter(thread=small).values_list("pk", flat=True))


def test_thread_page_nests_replies_and_shows_reaction_counts(client, public_group, owner):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="Opening words")
    reply = discussion_services.post_create(author=owner, thread=thread, body="Top reply")
    discussion_services.post_create(author=owner, thread=thread, body="Nested reply", parent=reply)
    member = add_member(public_group)
    discussion_services.reaction_add(user=member, post=reply, kind="celebrate")
    client.force_login(owner)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert html.index("Top reply") < html.index('class="replies nested"') < html.index("Nested reply")
    assert 'data-kind="celebrate"' in html


def test_reply_via_form(client, public_group, owner):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="x")
    member = add_member(public_group)
    client.force_login(member)
    response = client.post(url("reply", public_group, thread_id=thread.pk), {"body": "Hello **there**"})
    post = Post.objects.get(thread=thread, is_opening=False)
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    assert client.post(url("reply", public_group, thread_id=thread.pk), {"body": ""}).status_code == 400


def test_non_members_cannot_reply_through_the_view(client, public_group, owner, user):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="x")
    client.force_login(user)
    response = client.post(url("reply", public_group, thread_id=thread.pk), {"body": "let me in"})
    assert response.status_code == 400
    assert not Post.objects.filter(body="let me in").exists()


def test_react_with_htmx_returns_the_reaction_bar(client, public_group, owner):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="x")
    post = Post.objects.get(thread=thread)
    client.force_login(owner)
    path = url("post_react", public_group, post_id=post.pk)
    for _ in range(2):
        response = client.post(path, {"kind": "like", "action": "add"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="reactions-{post.pk}"' in html and 'aria-pressed="true"' in html
    assert Reaction.objects.filter(post=post).count() == 1
    client.post(path, {"kind": "like", "action": "remove"}, HTTP_HX_REQUEST="true")
    assert not Reaction.objects.exists()
    assert client.post(path, {"kind": "angry"}, HTTP_HX_REQUEST="true").status_code == 400


def test_react_refused_for_outsiders(client, public_group, owner, user):
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="x")
    post = Post.objects.get(thread=thread)
    client.force_login(user)
    response = client.post(url("post_react", public_group, post_id=post.pk), {"kind": "like"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_edit_delete_and_hide_views(client, public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=member, group=public_group, title="T", body="x")
    post = discussion_services.post_create(author=member, thread=thread, body="Original")
    client.force_login(owner)
    assert client.get(url("post_edit", public_group, post_id=post.pk)).status_code == 403
    client.post(url("post_hide", public_group, post_id=post.pk), {"hidden": "1"})
    client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "hidden by a moderator" in html and "Original" not in html
    discussion_services.post_set_hidden(actor=owner, post=post, hidden=False)
    client.post(url("post_edit", public_group, post_id=post.pk), {"body": "Edited words"})
    assert "(edited)" in client.get(thread.get_absolute_url()).content.decode()
    client.post(url("post_delete", public_group, post_id=post.pk))
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "deleted by its author" in html and "Edited words" not in html


def test_hidden_threads_vanish_for_members(client, public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=member, group=public_group, title="Spammy title", body="x")
    client.force_login(owner)
    client.post(url("thread_moderate", public_group, thread_id=thread.pk, action="hide"))
    assert "Spammy title" in client.get(url("threads", public_group)).content.decode()
    client.force_login(member)
    assert "Spammy title" not in client.get(url("threads", public_group)).content.decode()
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_moderators_see_flags_on_their_group(client, public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=member, group=public_group, title="T", body="Suspicious link")
    post = Post.objects.get(thread=thread)
    flag_create(reporter=UserFactory(), target=post, reason="spam")
    flag_create(reporter=UserFactory(), target=post, reason="abuse")
    client.force_login(owner)
    html = client.get(url("flags", public_group)).content.decode()
    assert "2 open flags" in html and "Suspicious link" in html
    assert "2 flags" in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(member)
    assert client.get(url("flags", public_group)).status_code == 403
    assert "2 flags" not in client.get(thread.get_absolute_url()).content.decode()


def test_announce_page(client, public_group, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("announce", public_group), {"subject": "Picnic", "body": "Sunday!"})
    assert response.status_code == 302
    page = client.get(url("announce", public_group)).content.decode()
    assert "Picnic" in page and "0 members" in page  # the owner is not emailed their own announcement
    member = add_member(public_group)
    client.force_login(member)
    assert client.get(url("announce", public_group)).status_code == 403


def test_unknown_group_and_thread_are_404(client, public_group):
    assert client.get(reverse("communities:detail", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(url("thread", public_group, thread_id=999999)).status_code == 404


def test_settings_page_is_for_owners(client, public_group, owner):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    client.force_login(moderator)
    assert client.get(url("edit", public_group)).status_code == 403
    client.force_login(owner)
    assert client.get(url("edit", public_group)).status_code == 200
    response = client.post(url("edit", public_group), {"name": "Renamed group", "visibility": "private"})
    assert response.status_code == 302
    public_group.refresh_from_db()
    assert public_group.name == "Renamed group" and public_group.is_private


def test_withdraw_a_request(client, request_group, user):
    membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    client.force_login(user)
    client.post(url("withdraw", request_group))
    assert JoinRequest.objects.get(user=user).status == JoinRequest.Status.WITHDRAWN


def test_invitation_links_page_creates_and_revokes(client, private_group, owner):
    from communities.models import Invitation

    client.force_login(owner)
    response = client.post(url("invitations", private_group), {"days": "5", "note": "For the neighbours"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(group=private_group)
    page = client.get(url("invitations", private_group)).content.decode()
    assert invitation.token in page and "For the neighbours" in page
    client.post(url("invitation_revoke", private_group, invitation_id=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.post(url("invitations", private_group), {"days": "500"}).status_code == 200  # form error, no 500


def test_ban_and_unban_through_the_members_page(client, public_group, owner):
    from communities.models import Ban

    member = add_member(public_group)
    membership = Membership.objects.get(user=member)
    client.force_login(owner)
    client.post(url("member_ban", public_group, membership_id=membership.pk), {"reason": "spam"})
    assert Ban.objects.filter(group=public_group, user=member).exists()
    assert "Lift the ban" in client.get(url("members", public_group)).content.decode()
    client.post(url("member_unban", public_group, user_id=member.pk))
    assert not Ban.objects.exists()


def test_start_thread_page_is_for_members(client, public_group, owner, user):
    client.force_login(user)
    assert client.get(url("thread_create", public_group)).status_code == 403
    response = client.post(url("thread_create", public_group), {"title": "Hi", "body": "Let me in"})
    assert response.status_code == 403
    client.force_login(owner)
    response = client.post(url("thread_create", public_group), {"title": "Hi", "body": "Welcome"})
    assert response.status_code == 302


def test_support_a_campaign_from_the_group_page(client, public_group, owner):
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(title="Safe crossings")
    client.force_login(owner)
    client.post(url("campaign_add", public_group), {"campaign": f"http://testserver/campaigns/{campaign.slug}/"})
    assert "Safe crossings" in client.get(public_group.get_absolute_url()).content.decode()
    response = client.post(url("campaign_add", public_group), {"campaign": "nope"}, follow=True)
    assert "No public campaign" in response.content.decode()


def test_moderators_see_how_many_requests_wait(client, request_group, owner):
    for _ in range(3):
        membership_services.join_request_create(user=UserFactory(), group=request_group, accept_code_of_conduct=True)
    client.force_login(owner)
    assert 'aria-label="3 waiting"' in client.get(request_group.get_absolute_url()).content.decode()

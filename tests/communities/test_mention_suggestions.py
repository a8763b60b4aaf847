import pytest
from django.urls import reverse

from communities.models import Group
from communities.services.discussions import post_create, thread_create
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_members_get_member_suggestions_outsiders_get_none(client):
    owner = UserFactory(display_name="Amina Diallo")
    group = GroupFactory(owner=owner, visibility=Group.Visibility.PRIVATE)
    member = UserFactory(display_name="Bo Chen")
    add_member(group, member)
    UserFactory(display_name="Amira Stranger")
    url = reverse("communities:mention_suggestions", args=[group.slug])

    client.force_login(member)
    assert client.get(url, {"q": "am"}).json()["results"] == [{"handle": "AminaDiallo", "name": "Amina Diallo"}]
    client.force_login(UserFactory())
    assert client.get(url, {"q": "am"}).status_code == 404  # a private group does not exist for outsiders


def test_a_public_group_offers_suggestions_to_members_only(client):
    group = GroupFactory(owner=UserFactory(display_name="Amina Diallo"))
    url = reverse("communities:mention_suggestions", args=[group.slug])
    client.force_login(UserFactory())
    assert client.get(url, {"q": "am"}).status_code == 403


def test_posts_mark_their_mentions():
    owner = UserFactory(display_name="Amina Diallo")
    group = GroupFactory(owner=owner)
    member = UserFactory(display_name="Bo Chen")
    add_member(group, member)
    thread = thread_create(author=owner, group=group, title="Plans", body="Hi @BoChen")
    reply = post_create(author=member, thread=thread, body="Thanks @AminaDiallo, see `@code`")
    assert '<a class="mention" href="/people/AminaDiallo/">@AminaDiallo</a>' in reply.body_html
    assert '<span class="mention">@code' not in reply.body_html

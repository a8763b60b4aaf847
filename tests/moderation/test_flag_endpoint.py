"""The generic flag endpoint: 404 alike for what does not exist and for what the person cannot see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from causeweb.core.exceptions import PermissionDenied
from causeweb.moderation import services
from causeweb.moderation.models import Flag
from communities.models import Group, Membership, Post
from communities.services import discussions as discussion_services
from tests.campaigns.factories import CommentFactory, DraftCampaignFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(app_label, model, pk):
    return reverse("moderation:flag", kwargs={"app_label": app_label, "model": model, "pk": pk})


def _post_in(group):
    owner = group.memberships.get(role=Membership.Role.OWNER).user
    thread = discussion_services.thread_create(author=owner, group=group, title="Plans", body="Opening")
    return Post.objects.get(thread=thread, is_opening=True)


def _flag(client, app_label, model, pk):
    return client.post(_url(app_label, model, pk), {"reason": "spam", "next": "/"})


def test_private_post_answers_like_a_missing_one_and_queues_nothing(client):
    post = _post_in(GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PRIVATE))
    client.force_login(UserFactory())
    assert _flag(client, "communities", "post", post.pk).status_code == 404
    assert _flag(client, "communities", "post", post.pk + 1000).status_code == 404
    assert not Flag.objects.exists()


def test_members_only_post_of_a_request_group_is_hidden_from_outsiders(client):
    group = GroupFactory(owner=UserFactory(), visibility=Group.Visibility.REQUEST)
    post = _post_in(group)
    client.force_login(UserFactory())
    assert _flag(client, "communities", "post", post.pk).status_code == 404
    member = add_member(group)
    client.force_login(member)
    assert _flag(client, "communities", "post", post.pk).status_code == 302
    assert Flag.objects.get().reporter == member


def test_members_can_flag_posts_of_their_private_group(client):
    group = GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PRIVATE)
    post = _post_in(group)
    member = add_member(group)
    client.force_login(member)
    assert _flag(client, "communities", "post", post.pk).status_code == 302
    assert Flag.objects.filter(reporter=member, object_id=post.pk).exists()


def test_post_in_a_hidden_thread_is_hidden_from_members(client):
    group = GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PUBLIC)
    post = _post_in(group)
    post.thread.is_hidden = True
    post.thread.save()
    client.force_login(add_member(group))
    assert _flag(client, "communities", "post", post.pk).status_code == 404
    assert not Flag.objects.exists()


def test_private_group_itself_cannot_be_flagged_by_outsiders(client):
    group = GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PRIVATE)
    client.force_login(UserFactory())
    assert _flag(client, "communities", "group", group.pk).status_code == 404
    public = GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PUBLIC)
    assert _flag(client, "communities", "group", public.pk).status_code == 302
    assert Flag.objects.get().object_id == public.pk


def test_drafts_and_their_comments_are_hidden_from_outsiders(client):
    draft = DraftCampaignFactory()
    comment = CommentFactory(campaign=draft)
    client.force_login(UserFactory())
    assert _flag(client, "campaigns", "campaign", draft.pk).status_code == 404
    assert _flag(client, "campaigns", "comment", comment.pk).status_code == 404
    assert not Flag.objects.exists()


def test_hidden_comment_cannot_be_flagged_by_others(client):
    comment = CommentFactory(campaign=CampaignFactory(), hidden_at=timezone.now())
    client.force_login(UserFactory())
    assert _flag(client, "campaigns", "comment", comment.pk).status_code == 404


def test_public_content_is_still_flaggable(client):
    campaign = CampaignFactory()
    comment = CommentFactory(campaign=campaign)
    event = EventFactory()
    client.force_login(UserFactory())
    for app_label, model, pk in [
        ("campaigns", "campaign", campaign.pk),
        ("campaigns", "comment", comment.pk),
        ("events", "event", event.pk),
    ]:
        assert _flag(client, app_label, model, pk).status_code == 302
    assert Flag.objects.count() == 3


def test_unflaggable_models_and_unknown_ids_404(client):
    client.force_login(UserFactory())
    assert _flag(client, "accounts", "user", UserFactory().pk).status_code == 404
    assert _flag(client, "campaigns", "campaign", 999_999).status_code == 404
    assert _flag(client, "nope", "nothing", 1).status_code == 404


def test_flag_service_refuses_content_the_reporter_cannot_see():
    post = _post_in(GroupFactory(owner=UserFactory(), visibility=Group.Visibility.PRIVATE))
    with pytest.raises(PermissionDenied):
        services.flag_create(reporter=UserFactory(), target=post, reason="spam")
    with pytest.raises(PermissionDenied):
        services.flag_create(reporter=UserFactory(), target=DraftCampaignFactory(), reason="spam")
    assert not Flag.objects.exists()

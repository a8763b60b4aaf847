"""campaigns.policies: the rules services, selectors, views and templates all ask."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse
from django.utils import timezone

from campaigns import policies
from campaigns.models import COMMENT_EDIT_WINDOW, Comment
from tests.campaigns.factories import CampaignFactory, CommentFactory, DraftCampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def _moderator():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_campaign"))
    return UserFactory._meta.model.objects.get(pk=user.pk)  # fresh permission cache


def test_organizer_and_moderator_rules():
    campaign = DraftCampaignFactory()
    organizer, stranger, moderator = campaign.organizer, UserFactory(), _moderator()
    assert policies.is_organizer(organizer, campaign) and not policies.is_organizer(moderator, campaign)
    assert policies.user_can_manage(organizer, campaign) and policies.user_can_manage(moderator, campaign)
    assert not policies.user_can_manage(stranger, campaign)
    assert not policies.user_can_manage(AnonymousUser(), campaign)
    assert policies.user_is_moderator(moderator) and not policies.user_is_moderator(UserFactory(is_staff=True))
    assert policies.can_view_campaign(campaign, organizer) and not policies.can_view_campaign(campaign, stranger)
    organizer.is_active = False
    assert not policies.is_organizer(organizer, campaign) and not policies.user_can_manage(organizer, campaign)


def test_comment_change_window_and_visibility():
    comment = CommentFactory(campaign=CampaignFactory())
    author, stranger = comment.author, UserFactory()
    assert policies.can_change_comment(author, comment) and not policies.can_change_comment(stranger, comment)
    assert not policies.can_change_comment(AnonymousUser(), comment)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - COMMENT_EDIT_WINDOW - timedelta(minutes=1))
    comment.refresh_from_db()
    assert not policies.can_change_comment(author, comment)
    comment.hidden_at = timezone.now()
    assert policies.can_view_comment(comment, author) and not policies.can_view_comment(comment, stranger)
    assert policies.can_view_comment(comment, comment.campaign.organizer)


def test_comment_edit_links_follow_the_policy(client):
    """The page shows Edit only where the policy allows it: own comment, inside the window."""
    campaign = CampaignFactory()
    fresh = CommentFactory(campaign=campaign)
    old = CommentFactory(campaign=campaign, author=fresh.author)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - COMMENT_EDIT_WINDOW - timedelta(minutes=1))
    client.force_login(fresh.author)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert reverse("campaigns:comment_edit", args=[campaign.slug, fresh.pk]) in html
    assert reverse("campaigns:comment_edit", args=[campaign.slug, old.pk]) not in html
    client.force_login(UserFactory())
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert reverse("campaigns:comment_edit", args=[campaign.slug, fresh.pk]) not in html

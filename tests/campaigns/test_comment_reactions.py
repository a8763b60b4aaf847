"""Reactions on campaign comments, as group posts have them: signed-in people react once per kind
(twice keeps one), take it back, see counts and their own on the page and in the API; nobody
reacts to a hidden comment or on a campaign they cannot see; the page's reads stay two queries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.comment_selectors import with_comment_reactions
from campaigns.models import Campaign, CommentReaction
from campaigns.services.comments import comment_create, comment_hide, comment_reaction_add, comment_reaction_remove
from causeweb.core.exceptions import PermissionDenied, ValidationError
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def react_url(comment):
    return reverse("campaigns:comment_react", kwargs={"slug": comment.campaign.slug, "comment_id": comment.pk})


def test_reacting_twice_keeps_one_and_taking_it_back_twice_is_harmless(campaign, other_user):
    comment = comment_create(campaign=campaign, author=campaign.organizer, body="Thanks all")
    for _ in range(2):
        comment_reaction_add(user=other_user, comment=comment, kind="support")
    assert CommentReaction.objects.filter(comment=comment).count() == 1
    for _ in range(2):
        comment_reaction_remove(user=other_user, comment=comment, kind="support")
    assert not CommentReaction.objects.exists()


def test_no_reaction_to_a_hidden_comment_an_unknown_kind_or_signed_out(campaign, other_user):
    comment = comment_create(campaign=campaign, author=other_user, body="Spam")
    with pytest.raises(ValidationError):
        comment_reaction_add(user=other_user, comment=comment, kind="angry")
    with pytest.raises(PermissionDenied):
        comment_reaction_add(user=None, comment=comment, kind="like")
    comment_hide(comment=comment, actor=campaign.organizer)
    with pytest.raises(PermissionDenied):  # others no longer see it
        comment_reaction_add(user=UserFactory(), comment=comment, kind="like")
    with pytest.raises(ValidationError):  # its author still does, but it is out of the conversation
        comment_reaction_add(user=other_user, comment=comment, kind="like")
    assert not CommentReaction.objects.exists()


def test_no_reaction_on_a_campaign_the_person_cannot_see(other_user):
    campaign = CampaignFactory()
    comment = comment_create(campaign=campaign, author=campaign.organizer, body="Hello")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        comment_reaction_add(user=other_user, comment=comment, kind="like")


def test_the_page_counts_reactions_and_shows_mine(client, campaign, other_user, django_assert_max_num_queries):
    comment = comment_create(campaign=campaign, author=campaign.organizer, body="Big day")
    reply = comment_create(campaign=campaign, author=other_user, body="Yes!", parent=comment)
    comment_reaction_add(user=other_user, comment=comment, kind="celebrate")
    comment_reaction_add(user=campaign.organizer, comment=comment, kind="celebrate")
    comment_reaction_add(user=campaign.organizer, comment=reply, kind="like")
    comments = with_comment_reactions([comment], viewer=other_user)
    comment.reply_list = [reply]
    with django_assert_max_num_queries(2):
        comments = with_comment_reactions([comment], viewer=other_user)
    celebrate = [row for row in comments[0].reaction_summary if row[0] == "celebrate"][0]
    assert celebrate[2:] == (2, True)
    like = [row for row in comments[0].reply_list[0].reaction_summary if row[0] == "like"][0]
    assert like[2:] == (1, False)
    client.force_login(other_user)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert f'id="comment-reactions-{comment.pk}"' in page and 'aria-pressed="true"' in page


def test_the_button_toggles_through_htmx_and_without_script(client, campaign, other_user):
    comment = comment_create(campaign=campaign, author=campaign.organizer, body="Hi")
    client.force_login(other_user)
    response = client.post(react_url(comment), {"kind": "like"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    response = client.post(react_url(comment), {"kind": "like", "action": "remove"})
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    assert not CommentReaction.objects.exists()
    bad = client.post(react_url(comment), {"kind": "angry"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and not CommentReaction.objects.exists()
    client.logout()
    assert client.post(react_url(comment), {"kind": "like"}).status_code == 302  # to sign in
    assert not CommentReaction.objects.exists()


def test_the_api_reacts_and_lists_counts(campaign, other_user):
    comment = comment_create(campaign=campaign, author=campaign.organizer, body="Hi")
    api = APIClient()
    path = f"/api/v1/campaigns/{campaign.slug}/comments/{comment.pk}/reactions/"
    assert api.post(path, {"kind": "like"}, format="json").status_code in (401, 403)
    api.force_authenticate(other_user)
    body = api.post(path, {"kind": "like"}, format="json").json()
    assert body["reactions"]["like"] == {"count": 1, "mine": True}
    listed = api.get(f"/api/v1/campaigns/{campaign.slug}/comments/").json()["results"]
    assert listed[0]["reactions"]["like"] == {"count": 1, "mine": True}
    assert api.post(path, {"kind": "angry"}, format="json").status_code == 400
    other = f"/api/v1/campaigns/{CampaignFactory().slug}/comments/{comment.pk}/reactions/"
    assert api.post(other, {"kind": "like"}, format="json").status_code == 404  # not that campaign's
    assert api.delete(path, {"kind": "like"}, format="json").status_code == 200
    assert not CommentReaction.objects.exists()

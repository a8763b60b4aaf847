"""@mentions in campaign comments: the organizer and commenters can be named and are told once;
anyone else cannot be reached by typing their name. The editor's suggestions follow the same rule."""

import pytest
from django.urls import reverse

from campaigns.services.comments import comment_create, comment_edit
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from tests.campaigns.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    organizer = UserFactory(display_name="Olga Organiser")
    campaign = CampaignFactory(organizer=organizer)
    commenter = UserFactory(display_name="Rui Resident")
    comment_create(campaign=campaign, author=commenter, body="Count me in.")
    return campaign, organizer, commenter


def mentions_of(user):
    return Notification.objects.filter(recipient=user, kind=Kind.MENTION)


def test_a_mention_tells_people_in_the_conversation_and_nobody_else(conversation):
    campaign, organizer, commenter = conversation
    outsider = UserFactory(display_name="Eve Outsider")
    writer = UserFactory(display_name="Ana")
    comment = comment_create(
        campaign=campaign, author=writer, body="@OlgaOrganiser @ruiresident what about @EveOutsider?"
    )
    assert mentions_of(organizer).count() == 1 and mentions_of(commenter).count() == 1
    assert not mentions_of(outsider).exists()
    assert f"#comment-{comment.pk}" in mentions_of(organizer).get().url
    assert '<a class="mention" href="/people/OlgaOrganiser/">@OlgaOrganiser</a>' in comment.body_html


def test_a_reply_does_not_also_count_as_a_mention_of_the_person_replied_to(conversation):
    campaign, organizer, commenter = conversation
    parent = campaign.comments.get()
    comment_create(campaign=campaign, author=organizer, body="Thanks @RuiResident!", parent=parent)
    assert Notification.objects.filter(recipient=commenter, kind=Kind.COMMENT_REPLY).count() == 1
    assert not mentions_of(commenter).exists()


def test_an_edit_tells_only_the_people_it_adds(conversation):
    campaign, organizer, commenter = conversation
    writer = UserFactory(display_name="Ana")
    comment = comment_create(campaign=campaign, author=writer, body="Hello @OlgaOrganiser")
    comment_edit(comment=comment, actor=writer, body="Hello @OlgaOrganiser and @RuiResident")
    assert mentions_of(organizer).count() == 1 and mentions_of(commenter).count() == 1


def test_nobody_is_told_of_mentioning_themself(conversation):
    campaign, organizer, _ = conversation
    comment_create(campaign=campaign, author=organizer, body="I, @OlgaOrganiser, agree")
    assert not mentions_of(organizer).exists()


def test_suggestions_offer_the_conversation_by_handle_and_never_an_email(client, conversation):
    campaign, organizer, commenter = conversation
    UserFactory(display_name="Olaf Outsider")
    url = reverse("campaigns:mention_suggestions", args=[campaign.slug])
    assert client.get(url, {"q": "ol"}).status_code == 302  # sign in first
    client.force_login(commenter)
    results = client.get(url, {"q": "ol"}).json()["results"]
    assert results == [{"handle": "OlgaOrganiser", "name": "Olga Organiser"}]
    assert organizer.email.startswith("person")
    assert client.get(url, {"q": "person"}).json()["results"] == []  # an email's start finds nobody
    assert client.get(url, {"q": ""}).json()["results"] == []
    assert "@" not in str(client.get(url, {"q": "r"}).json())  # the writer is not offered; no addresses


def test_suggestions_for_a_campaign_nobody_can_see_are_404(client, user):
    draft = CampaignFactory(status="draft")
    client.force_login(user)
    assert client.get(reverse("campaigns:mention_suggestions", args=[draft.slug]), {"q": "a"}).status_code == 404

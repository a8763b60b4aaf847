"""The flag endpoint from a person's side: what they see after flagging, and where they land."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from causeweb.moderation.models import Flag
from tests.campaigns.factories import DraftCampaignFactory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _url(app_label, model, pk):
    return reverse("moderation:flag", kwargs={"app_label": app_label, "model": model, "pk": pk})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def campaign(db):
    return CampaignFactory()


def test_flagging_records_the_flag_thanks_and_returns_to_the_page(client, campaign, user):
    client.force_login(user)
    response = client.post(
        _url("campaigns", "campaign", campaign.pk), {"reason": "fraud", "note": "  fake bank  ", "next": "/c/x/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/c/x/"
    assert _messages(response) == ["Thank you. Moderators will review it."]
    flag = Flag.objects.get()
    assert (flag.reporter, flag.object_id, flag.reason, flag.note) == (user, campaign.pk, "fraud", "fake bank")


def test_second_flag_of_the_same_thing_says_so_and_adds_nothing(client, campaign, user):
    client.force_login(user)
    client.post(_url("campaigns", "campaign", campaign.pk), {"reason": "spam", "next": "/"}, follow=True)  # shown
    response = client.post(_url("campaigns", "campaign", campaign.pk), {"reason": "abuse", "next": "/"})
    assert response.status_code == 302
    assert _messages(response) == ["You have already flagged this; moderators will look at it."]
    assert Flag.objects.count() == 1


def test_unknown_reason_is_a_message_not_an_error_page(client, campaign, user):
    client.force_login(user)
    response = client.post(_url("campaigns", "campaign", campaign.pk), {"reason": "because", "next": "/"})
    assert response.status_code == 302
    assert _messages(response) == ["Choose a reason."]
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("app_label", "model"), [("nope", "nothing"), ("accounts", "user"), ("moderation", "flag"), ("campaigns", "x")]
)
def test_unknown_or_unregistered_models_are_404(client, user, app_label, model):
    client.force_login(user)
    assert client.post(_url(app_label, model, user.pk), {"reason": "spam"}).status_code == 404
    assert not Flag.objects.exists()


def test_missing_id_is_404(client, user):
    client.force_login(user)
    assert client.post(_url("campaigns", "campaign", 987_654), {"reason": "spam"}).status_code == 404


def test_invisible_target_is_404_like_a_missing_one(client, user):
    draft = DraftCampaignFactory()
    client.force_login(user)
    assert client.post(_url("campaigns", "campaign", draft.pk), {"reason": "spam"}).status_code == 404
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "", "http:///evil.example"]
)
def test_next_url_elsewhere_goes_home_instead(client, campaign, user, next_url):
    client.force_login(user)
    response = client.post(_url("campaigns", "campaign", campaign.pk), {"reason": "spam", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_anonymous_people_are_sent_to_sign_in_and_nothing_is_queued(client, campaign):
    response = client.post(_url("campaigns", "campaign", campaign.pk), {"reason": "spam"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Flag.objects.exists()


def test_get_is_not_allowed(client, campaign, user):
    client.force_login(user)
    assert client.get(_url("campaigns", "campaign", campaign.pk)).status_code == 405

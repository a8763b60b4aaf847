"""The organizer's messages to supporters: segments (signers, followers, donors, an event's RSVPs,
everyone opted in), preview, a test to themself, sending through the notifications pipeline,
the daily cap and rate limit, and the sent / opened-by-click counts. Nobody who did not opt in
is ever emailed."""

import pytest
from django.core import mail
from django.core.cache import cache

from campaigns.models import CampaignMessage
from campaigns.services.messages import (
    campaign_message_create,
    campaign_message_recipients,
    campaign_message_segments_for,
    campaign_message_send,
    campaign_message_send_test,
)
from campaigns.services.signatures import signature_confirm, signature_confirm_token, signature_create
from causeweb.core.exceptions import Conflict, PermissionDenied, RateLimited, ValidationError
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import GuestOptOut
from tests.campaigns.factories import FollowFactory
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    cache.clear()
    settings.CAMPAIGN_MESSAGES_PER_DAY = 10  # the cap has its own test


def _guest_signs(campaign, email, *, keep_updated, confirm=True):
    signature = signature_create(campaign=campaign, name="Gia Guest", email=email, keep_updated=keep_updated)
    if confirm:
        signature_confirm(token=signature_confirm_token(signature))
    return signature


def _send(campaign, author, capture, segment="all", subject="Rally on Saturday"):
    message = campaign_message_create(campaign=campaign, author=author, segment=segment, subject=subject, body="Come!")
    mail.outbox.clear()
    with capture(execute=True):
        return campaign_message_send(message=message, actor=author)


def test_a_signer_who_did_not_opt_in_gets_nothing_whatever_the_segment(
    campaign, user, django_capture_on_commit_callbacks
):
    _guest_signs(campaign, "quiet@example.org", keep_updated=False)
    member = UserFactory()
    signature_create(campaign=campaign, user=member, name="", keep_updated=False)
    _guest_signs(campaign, "unconfirmed@example.org", keep_updated=True, confirm=False)
    for segment in ("all", "signers", "followers"):
        sent = _send(campaign, user, django_capture_on_commit_callbacks, segment=segment, subject=f"To {segment}")
        assert sent.recipient_count == 0
        assert mail.outbox == []


def test_signers_segment_reaches_opted_in_signers_not_plain_followers(
    campaign, user, django_capture_on_commit_callbacks
):
    _guest_signs(campaign, "gia@example.org", keep_updated=True)
    follower = FollowFactory(campaign=campaign).user
    sent = _send(campaign, user, django_capture_on_commit_callbacks, segment="signers")
    assert sent.recipient_count == 1
    assert [m.to for m in mail.outbox] == [["gia@example.org"]]
    everyone = _send(campaign, user, django_capture_on_commit_callbacks, segment="all", subject="All")
    assert everyone.recipient_count == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["gia@example.org", follower.email])


def test_the_email_has_a_tracked_link_counting_each_reader_once_and_one_click_unsubscribe(
    client, campaign, user, django_capture_on_commit_callbacks
):
    _guest_signs(campaign, "gia@example.org", keep_updated=True)
    sent = _send(campaign, user, django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert "Rally on Saturday" in email.subject and "wrote to the campaign's supporters" in email.body
    link = f"/campaigns/{campaign.slug}/m/{sent.pk}/"
    assert link in email.body
    browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    assert client.get(link, HTTP_USER_AGENT=browser)["Location"] == campaign.get_absolute_url()
    client.get(link, HTTP_USER_AGENT=browser)  # the same reader again
    client.get(link, HTTP_USER_AGENT="WhatsApp/2.23")  # a link preview is not a reader
    assert CampaignMessage.objects.get(pk=sent.pk).click_count == 1
    client.get(link, HTTP_USER_AGENT=browser, REMOTE_ADDR="203.0.113.9")
    assert CampaignMessage.objects.get(pk=sent.pk).click_count == 2
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert GuestOptOut.objects.filter(email="gia@example.org", kind=Kind.CAMPAIGN_UPDATE).exists()
    again = _send(campaign, user, django_capture_on_commit_callbacks, subject="Second")
    assert mail.outbox == [] and again.recipient_count <= 1  # recorded, not emailed


def test_event_rsvp_segment_keeps_only_rsvps_who_opted_in(campaign, user, django_capture_on_commit_callbacks):
    event = EventFactory(host=user, campaign=campaign, title="Sit-in")
    RSVPFactory(event=event, email="keen@example.org", keep_updated=True, email_confirmed_at="2026-01-01T00:00Z")
    RSVPFactory(event=event, email="justcoming@example.org", keep_updated=False)
    keys = {segment.key: segment.label for segment in campaign_message_segments_for(campaign=campaign)}
    assert f"rsvps:{event.pk}" in keys and "Sit-in" in keys[f"rsvps:{event.pk}"]
    _guest_signs(campaign, "signer@example.org", keep_updated=True)  # opted in, but not an RSVP
    sent = _send(campaign, user, django_capture_on_commit_callbacks, segment=f"rsvps:{event.pk}")
    assert [m.to for m in mail.outbox] == [["keen@example.org"]] and sent.recipient_count == 1


def test_preview_test_and_send_pages(client, campaign, user, django_capture_on_commit_callbacks):
    _guest_signs(campaign, "gia@example.org", keep_updated=True)
    client.force_login(user)
    page = client.get(f"/campaigns/{campaign.slug}/messages/")
    assert page.status_code == 200 and "Everyone who asked" in page.content.decode()
    response = client.post(
        f"/campaigns/{campaign.slug}/messages/", {"segment": "all", "subject": "Hello", "body": "**Big** news"}
    )
    message = CampaignMessage.objects.get()
    assert response["Location"] == f"/campaigns/{campaign.slug}/messages/{message.pk}/"
    preview = client.get(response["Location"]).content.decode()
    assert "<strong>Big</strong>" in preview and "Send to 1 person" in preview
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "test"})
    assert [m.to for m in mail.outbox] == [[user.email]] and "[Test]" in mail.outbox[0].subject
    assert not CampaignMessage.objects.get().is_sent
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "send"})
    sent = CampaignMessage.objects.get()
    assert sent.is_sent and sent.recipient_count == 1
    listing = client.get(f"/campaigns/{campaign.slug}/messages/").content.decode()
    assert "Hello" in listing and ">1</td>" in listing


def test_only_the_organizer_writes_and_a_message_is_sent_once(campaign, user, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        campaign_message_create(campaign=campaign, author=UserFactory(), segment="all", subject="x", body="y")
    with pytest.raises(ValidationError):
        campaign_message_create(campaign=campaign, author=user, segment="nobody", subject="x", body="y")
    with pytest.raises(ValidationError):
        campaign_message_create(campaign=campaign, author=user, segment="all", subject="", body="y")
    sent = _send(campaign, user, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        campaign_message_send(message=sent, actor=user)
    with pytest.raises(Conflict):
        campaign_message_send_test(message=sent, actor=user)


def test_outsiders_see_no_message_pages(client, campaign):
    client.force_login(UserFactory())
    assert client.get(f"/campaigns/{campaign.slug}/messages/").status_code == 404


def test_daily_cap_per_campaign(campaign, user, settings, django_capture_on_commit_callbacks):
    settings.CAMPAIGN_MESSAGES_PER_DAY = 2
    _send(campaign, user, django_capture_on_commit_callbacks, subject="One")
    _send(campaign, user, django_capture_on_commit_callbacks, subject="Two")
    with pytest.raises(RateLimited):
        _send(campaign, user, django_capture_on_commit_callbacks, subject="Three")
    assert CampaignMessage.objects.filter(sent_at__isnull=False).count() == 2


def test_rate_limit_on_tests_and_sends(campaign, user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "campaign_message_user": "2/h"}
    message = campaign_message_create(campaign=campaign, author=user, segment="all", subject="x", body="y")
    campaign_message_send_test(message=message, actor=user)
    campaign_message_send_test(message=message, actor=user)
    with pytest.raises(RateLimited):
        campaign_message_send_test(message=message, actor=user)


def test_recipients_never_include_the_author(campaign, user):
    signature_create(campaign=campaign, user=user, name="", keep_updated=True)
    FollowFactory(campaign=campaign, user=user)
    accounts, guests = campaign_message_recipients(campaign=campaign, segment_key="all", author=user)
    assert list(accounts) == [] and guests == []

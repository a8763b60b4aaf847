import pytest
from django.core import mail
from django.test import Client

from causeweb.notifications import services
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import GuestOptOut, Notification, NotificationPreference
from causeweb.notifications.services import notify
from causeweb.notifications.tokens import unsubscribe_path, unsubscribe_token

pytestmark = pytest.mark.django_db


def header_url(message) -> str:
    return message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")


@pytest.fixture
def one_click():
    """A mail client: no cookies, CSRF checks on, POSTs `List-Unsubscribe=One-Click` (RFC 8058)."""
    return Client(enforce_csrf_checks=True)


def test_one_click_post_from_the_header_unsubscribes_a_member(user, one_click, run_on_commit):
    with run_on_commit():
        notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context={"title": "News"}, dedupe_key="u:1")
    url = header_url(mail.outbox[0])
    form = "application/x-www-form-urlencoded"
    response = one_click.post(url, "List-Unsubscribe=One-Click", content_type=form)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert NotificationPreference.objects.get(user=user, kind=Kind.CAMPAIGN_UPDATE).email_enabled is False
    # Idempotent: a second click is fine.
    assert one_click.post(url, "List-Unsubscribe=One-Click", content_type=form).status_code == 200

    with run_on_commit():
        later = notify(recipient=user, kind=Kind.CAMPAIGN_UPDATE, context={"title": "More"}, dedupe_key="u:2")
    assert later.email_status == Notification.EmailStatus.SKIPPED
    assert Notification.objects.filter(recipient=user).count() == 2  # still in-app
    assert len(mail.outbox) == 1


def test_get_only_asks_for_confirmation(user, client):
    url = unsubscribe_path(email=user.email, kind=Kind.MENTION, user_id=user.pk)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsubscribe?" in html
    assert "mentions of you" in html
    assert not NotificationPreference.objects.exists()  # link scanners prefetch GETs


def test_head_asks_like_get_and_never_unsubscribes(user, client):
    url = unsubscribe_path(email=user.email, kind=Kind.MENTION, user_id=user.pk)
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""
    assert not NotificationPreference.objects.exists()  # link scanners send HEADs too


def test_guest_unsubscribes_and_can_undo(one_click, run_on_commit):
    with run_on_commit():
        notify(email="walker@example.org", kind=Kind.EVENT_REMINDER, context={"title": "Soon"}, dedupe_key="g:1")
    url = header_url(mail.outbox[0])
    assert one_click.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert GuestOptOut.objects.filter(email="walker@example.org", kind=Kind.EVENT_REMINDER).exists()
    response = one_click.post(url, {"action": "resubscribe"})
    assert response.status_code == 200
    assert not GuestOptOut.objects.exists()


def test_tampered_token_is_refused(user, client):
    token = unsubscribe_token(email=user.email, kind=Kind.MENTION, user_id=user.pk)
    forged = unsubscribe_token(email=user.email, kind=Kind.MENTION, user_id=user.pk + 1)
    payload, _, signature = forged.partition(":")
    mixed = f"{payload}:{token.partition(':')[2]}"  # someone else's user id with my signature
    for bad in (mixed, token[:-2] + "xx", "not-a-token", token.replace(":", ".")):
        response = client.post(f"/notifications/unsubscribe/{bad}/", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_token_signed_with_another_salt_is_refused(user, client):
    from django.core import signing

    other = signing.dumps({"e": user.email, "k": Kind.MENTION, "u": user.pk}, salt="something-else")
    assert client.post(f"/notifications/unsubscribe/{other}/").status_code == 400


def test_mandatory_kind_token_cannot_unsubscribe(user, client):
    url = unsubscribe_path(email=user.email, kind=Kind.DONATION_RECEIPT, user_id=user.pk)
    response = client.post(url)
    assert response.status_code == 400
    assert "cannot be switched off" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_member_token_still_works_after_the_account_email_changes(user):
    token = unsubscribe_token(email=user.email, kind=Kind.MENTION, user_id=user.pk)
    user.email = "new-address@example.org"
    user.save()
    outcome = services.notification_unsubscribe(token=token)
    assert outcome.has_account
    assert NotificationPreference.objects.get(user=user, kind=Kind.MENTION).email_enabled is False


def test_unsubscribing_a_kind_drops_its_items_waiting_for_the_digest(user, run_on_commit):
    NotificationPreference.objects.create(user=user, kind=Kind.MENTION, daily_digest=True)
    with run_on_commit():
        waiting = notify(recipient=user, kind=Kind.MENTION, context={"title": "Hi"}, dedupe_key="d:w")
        other = notify(recipient=user, kind=Kind.THREAD_REPLY, context={"title": "Re"}, dedupe_key="d:o")
    services.notification_unsubscribe(token=unsubscribe_token(email=user.email, kind=Kind.MENTION, user_id=user.pk))
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.email_status == Notification.EmailStatus.SKIPPED
    assert other.email_status == Notification.EmailStatus.SENT

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from causeweb.notifications.kinds import MANDATORY_KINDS, Kind
from causeweb.notifications.models import Notification, NotificationPreference
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_pages_need_sign_in(client):
    for name in ("notifications:list", "notifications:badge", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_list_shows_only_my_notifications_with_links(signed_in, user, other_user):
    mine = NotificationFactory(recipient=user, title="Your RSVP is confirmed")
    NotificationFactory(recipient=other_user, title="Someone else's secret")
    response = signed_in.get(reverse("notifications:list"))
    html = response.content.decode()
    assert "Your RSVP is confirmed" in html
    assert "Someone else" not in html
    assert reverse("notifications:open", args=[mine.pk]) in html
    assert "1 unread" in html


def test_list_is_paginated_with_a_bounded_query_count(signed_in, user, django_assert_max_num_queries):
    NotificationFactory.create_batch(45, recipient=user)
    with django_assert_max_num_queries(8):  # session, user, count, page, unread count
        response = signed_in.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == 3
    assert len(response.context["notifications"]) == 20
    assert "Page 1 of 3" in response.content.decode()
    page3 = signed_in.get(reverse("notifications:list"), {"page": 3})
    assert len(page3.context["notifications"]) == 5
    assert signed_in.get(reverse("notifications:list"), {"page": "999"}).status_code == 200  # last page


def test_unread_filter(signed_in, user):
    NotificationFactory(recipient=user, title="Old news", read_at=timezone.now())
    NotificationFactory(recipient=user, title="Fresh news")
    html = signed_in.get(reverse("notifications:list"), {"show": "unread"}).content.decode()
    assert "Fresh news" in html
    assert "Old news" not in html


def test_badge_counts_unread(signed_in, user):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    html = signed_in.get(reverse("notifications:badge")).content.decode()
    assert ">3<" in html
    Notification.objects.update(read_at=timezone.now())
    assert "badge" not in signed_in.get(reverse("notifications:badge")).content.decode()


def test_mark_read_only_touches_my_own(signed_in, user, other_user):
    mine = NotificationFactory(recipient=user)
    theirs = NotificationFactory(recipient=other_user)
    assert signed_in.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    response = signed_in.post(reverse("notifications:mark_read", args=[mine.pk]), {"page": "2"})
    assert response["Location"] == reverse("notifications:list") + "?page=2"
    signed_in.post(reverse("notifications:mark_read", args=[theirs.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_mark_all_read(signed_in, user, other_user):
    NotificationFactory.create_batch(2, recipient=user)
    theirs = NotificationFactory(recipient=other_user)
    signed_in.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_marks_read_and_follows_the_link(signed_in, user, other_user):
    mine = NotificationFactory(recipient=user, url="/events/march/")
    response = signed_in.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/events/march/"
    mine.refresh_from_db()
    assert mine.read_at is not None

    theirs = NotificationFactory(recipient=other_user, url="/events/march/")
    response = signed_in.get(reverse("notifications:open", args=[theirs.pk]))
    assert response["Location"] == reverse("notifications:list")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_never_redirects_off_site(signed_in, user):
    evil = NotificationFactory(recipient=user, url="https://evil.example/phish")
    response = signed_in.get(reverse("notifications:open", args=[evil.pk]))
    assert response["Location"] == "/notifications/"


def test_preferences_page_lists_kinds_and_saves(signed_in, user):
    response = signed_in.get(reverse("notifications:preferences"))
    html = response.content.decode()
    assert "Mentions of you" in html
    assert "Always emailed" in html
    for kind in MANDATORY_KINDS:
        assert f'name="email_{kind}"' not in html  # nothing to switch off

    data = {f"email_{k}": "on" for k in Kind.values if k not in MANDATORY_KINDS}
    del data[f"email_{Kind.MENTION}"]
    data[f"digest_{Kind.THREAD_REPLY}"] = "on"
    response = signed_in.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    prefs = {p.kind: (p.email_enabled, p.daily_digest) for p in NotificationPreference.objects.filter(user=user)}
    assert prefs[Kind.MENTION] == (False, False)
    assert prefs[Kind.THREAD_REPLY] == (True, True)
    assert prefs[Kind.CAMPAIGN_UPDATE] == (True, False)
    assert not (set(prefs) & MANDATORY_KINDS)

    html = signed_in.get(reverse("notifications:preferences")).content.decode()
    assert f'name="digest_{Kind.THREAD_REPLY}" id="id_digest_{Kind.THREAD_REPLY}" checked' in html


def test_posting_a_mandatory_kind_off_is_ignored(signed_in, user, run_on_commit):
    signed_in.post(reverse("notifications:preferences"), {f"email_{Kind.DONATION_RECEIPT}": ""})
    assert not NotificationPreference.objects.filter(kind=Kind.DONATION_RECEIPT).exists()
    from causeweb.notifications.services import notify

    with run_on_commit():
        notify(recipient=user, kind=Kind.DONATION_RECEIPT, context={"title": "Receipt"}, dedupe_key="r:1")
    assert len(mail.outbox) == 1

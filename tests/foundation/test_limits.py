"""Limits that hold: one client address for the platform, one rate-limit mechanism, and limits on
every route that was abused. Every limit is attacked with rotating X-Forwarded-For and User-Agent."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from campaigns.models import Comment, ShareClick, Signature
from causeweb.core import clientip, ratelimits
from causeweb.core.exceptions import RateLimited
from causeweb.moderation.models import Flag
from communities.models import Invitation, Post, Thread
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from events.models import RSVP
from tests.campaigns.factories import ShareLinkFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory
from tests.fundraising.factories import FundraisingCampaignFactory

PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.django_db


def rotating(n: int) -> dict:
    """Headers a client chooses freely, different on every request."""
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250}, 192.0.2.{n % 250}", "HTTP_USER_AGENT": f"Bot/{n}"}


def set_limit(settings, name: str, rate: str) -> int:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: rate}
    return int(rate.split("/")[0])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the client address ----------------------------------------------------------------------------


def request_with(remote="10.0.0.2", xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_no_trusted_proxy_ignores_forwarded_headers(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert clientip.client_ip(request_with(xff="6.6.6.6")) == "10.0.0.2"
    assert clientip.client_ip(request_with(remote="203.0.113.7", xff="6.6.6.6, 7.7.7.7")) == "203.0.113.7"


def test_one_trusted_proxy_uses_the_right_most_forwarded_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appended the address it saw (203.0.113.9); everything left of it is the client's own.
    assert clientip.client_ip(request_with(xff="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert clientip.client_ip(request_with(xff="1.1.1.1, 6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert clientip.client_ip(request_with(xff="not-an-ip, 203.0.113.9")) == "203.0.113.9"
    assert clientip.client_ip(request_with(xff="203.0.113.9")) == "203.0.113.9"
    assert clientip.client_ip(request_with(xff="2001:db8::1")) == "2001:db8::1"
    # Not through the proxy (an internal health check): the peer itself.
    assert clientip.client_ip(request_with()) == "10.0.0.2"
    # A proxy that wrote garbage does not let the client choose: one "unknown" bucket.
    assert clientip.client_ip(request_with(xff="6.6.6.6, garbage")) == clientip.UNKNOWN


def test_two_trusted_proxies_use_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert clientip.client_ip(request_with(xff="6.6.6.6, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"


def test_ipv6_clients_share_a_bucket_per_64():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert ratelimits.ip_key(one) == ratelimits.ip_key(other)


def test_logs_carry_the_client_address(client, caplog, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    seen = []

    class Capture(logging.Handler):
        def emit(self, record):
            seen.append(getattr(record, "client_ip", None))

    handler = Capture()
    handler.addFilter(clientip.ClientIPLogFilter())
    logger = logging.getLogger("causeweb.core.ratelimits")
    logger.addHandler(handler)
    try:
        set_limit(settings, "signature_guest_ip", "1/h")
        campaign = CampaignFactory()
        url = reverse("campaigns:sign", args=[campaign.slug])
        for n in range(2):
            client.post(url, {"name": "B", "email": f"v{n}@example.org"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    finally:
        logger.removeHandler(handler)
    assert "203.0.113.5" in seen


# --- API throttles ---------------------------------------------------------------------------------


def test_api_throttle_holds_against_rotating_forwarded_for(client, monkeypatch, db):
    monkeypatch.setattr(ratelimits.AnonThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "600/min"})
    statuses = [client.get("/api/v1/campaigns/", **rotating(n)).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    body = client.get("/api/v1/campaigns/", **rotating(99)).json()
    assert "throttled" in body["detail"].lower()


def test_api_throttle_behind_a_proxy_separates_real_clients(client, monkeypatch, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ratelimits.AnonThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "600/min"})
    spoofed = [
        client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9").status_code for n in range(3)
    ]
    assert spoofed == [200, 200, 429]
    assert client.get("/api/v1/campaigns/", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


# --- guest signatures: per address and per victim --------------------------------------------------


def test_guest_signature_limit_holds_with_rotating_headers(client, settings):
    limit = set_limit(settings, "signature_guest_ip", "3/h")
    campaign = CampaignFactory()
    url = reverse("campaigns:sign", args=[campaign.slug])
    for n in range(limit + 3):
        client.post(url, {"name": "Bot", "email": f"victim{n}@example.org"}, **rotating(n))
    assert Signature.objects.count() == limit


def test_api_guest_signatures_share_the_html_bucket(client, settings):
    limit = set_limit(settings, "signature_guest_ip", "2/h")
    campaign = CampaignFactory()
    for n in range(limit):
        client.post(reverse("campaigns:sign", args=[campaign.slug]), {"name": "B", "email": f"h{n}@example.org"})
    response = client.post(
        f"/api/v1/campaigns/{campaign.slug}/sign/", {"name": "B", "email": "api@example.org"}, **rotating(1)
    )
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and response.json()["detail"]
    assert Signature.objects.count() == limit


def test_one_address_gets_few_confirmation_emails_across_campaigns(settings):
    from causeweb.notifications.models import Notification

    limit = set_limit(settings, "signature_email", "3/h")
    campaigns = CampaignFactory.create_batch(limit + 3)
    results = []
    for n, campaign in enumerate(campaigns):
        # From a different connection each time: the per-address limit does not help the victim.
        attacker = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        response = attacker.post(
            reverse("campaigns:sign", args=[campaign.slug]), {"name": "X", "email": "Victim@Example.org"}, **rotating(n)
        )
        results.append(response.status_code)
    assert Signature.objects.filter(email="victim@example.org").count() == limit
    assert Notification.objects.filter(email="victim@example.org").count() == limit
    assert results[limit:] == [400] * 3
    assert "several confirmation emails" in response.content.decode()
    # Over the API too, and as a 429 with a message, not a 500.
    api = Client(REMOTE_ADDR="198.51.100.77").post(
        f"/api/v1/campaigns/{CampaignFactory().slug}/sign/", {"name": "X", "email": "victim@example.org"}
    )
    assert api.status_code == 429 and "confirmation emails" in api.json()["detail"]
    # Another address is not affected.
    Client(REMOTE_ADDR="198.51.100.78").post(
        reverse("campaigns:sign", args=[campaigns[0].slug]), {"name": "Y", "email": "someone@example.org"}
    )
    assert Signature.objects.filter(email="someone@example.org").exists()


# --- guest RSVPs -------------------------------------------------------------------------------------


def test_guest_rsvp_limit_holds_with_rotating_headers(client, settings, db):
    limit = set_limit(settings, "rsvp_guest_ip", "3/h")
    host = UserFactory()
    events = [EventFactory(host=host) for _ in range(limit + 2)]
    for n, event in enumerate(events):
        client.post(
            reverse("events:rsvp", kwargs={"slug": event.slug}),
            {"name": "S", "email": f"v{n}@example.org"},
            **rotating(n),
        )
    assert RSVP.objects.count() == limit


def test_guest_rsvps_to_one_address_are_capped_across_events(settings, db):
    limit = set_limit(settings, "rsvp_email", "2/h")
    host = UserFactory()
    events = [EventFactory(host=host) for _ in range(limit + 2)]
    for n, event in enumerate(events):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            reverse("events:rsvp", kwargs={"slug": event.slug}), {"name": "S", "email": "victim@example.org"}
        )
    assert RSVP.objects.filter(email="victim@example.org").count() == limit


# --- share clicks ------------------------------------------------------------------------------------


def test_share_click_counted_once_per_address_whatever_the_browser_says(client, db):
    link = ShareLinkFactory()
    for n in range(4):
        client.get(link.get_absolute_url(), HTTP_USER_AGENT=f"Browser/{n}")
    link.refresh_from_db()
    assert link.click_count == 1 and ShareClick.objects.count() == 1


# --- donations -----------------------------------------------------------------------------------------


def donation_form(**overrides):
    return {"amount": "abc", "donor_name": "Ada", "email": "ada@example.org", "visibility": "name", **overrides}


def test_donation_start_limit_holds_with_rotating_headers(client, settings, db):
    limit = set_limit(settings, "donation_start_ip", "3/10m")
    url = reverse("fundraising:start", kwargs={"slug": FundraisingCampaignFactory().slug})
    statuses = [client.post(url, donation_form(), **rotating(n)).status_code for n in range(limit + 2)]
    assert statuses == [400] * limit + [429, 429]
    assert "Too many donation attempts" in client.post(url, donation_form(), **rotating(9)).json()["message"]


def test_donation_start_is_limited_per_email_from_many_addresses(settings, monkeypatch, db):
    from fundraising import views

    def refuse(**kwargs):
        raise views.ValidationError("declined in this test")

    monkeypatch.setattr(views.donations, "donation_create", refuse)
    limit = set_limit(settings, "donation_start_email", "2/h")
    url = reverse("fundraising:start", kwargs={"slug": FundraisingCampaignFactory().slug})
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(url, donation_form(amount="25.00")).status_code
        for n in range(limit + 2)
    ]
    assert statuses == [400] * limit + [429, 429]


def test_donation_start_is_limited_per_signed_in_donor(client, settings, db):
    limit = set_limit(settings, "donation_start_user", "2/10m")
    client.force_login(UserFactory())
    url = reverse("fundraising:start", kwargs={"slug": FundraisingCampaignFactory().slug})
    statuses = [
        client.post(url, donation_form(), REMOTE_ADDR=f"203.0.113.{n + 1}").status_code for n in range(limit + 1)
    ]
    assert statuses == [400] * limit + [429]


def test_donation_api_is_limited_per_user_with_a_json_429(client, settings, db):
    limit = set_limit(settings, "donation_start_user", "2/10m")
    client.force_login(UserFactory())
    payload = {"campaign": "no-such-campaign", "amount_minor": 500}
    statuses = [
        client.post("/api/v1/donations/", payload, REMOTE_ADDR=f"203.0.113.{n + 1}", **rotating(n)).status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [400] * limit and statuses[limit] == 429
    body = client.post("/api/v1/donations/", payload).json()
    assert body == {
        "detail": "Too many donation attempts; please wait a few minutes and try again.",
        "errors": {},
        "code": "rate_limited",
    }


def test_donation_api_and_form_share_the_per_address_bucket(client, settings, db):
    limit = set_limit(settings, "donation_start_ip", "2/10m")
    url = reverse("fundraising:start", kwargs={"slug": FundraisingCampaignFactory().slug})
    for n in range(limit):
        client.post(url, donation_form(), **rotating(n))
    client.force_login(UserFactory())
    assert client.post("/api/v1/donations/", {"campaign": "x", "amount_minor": 500}).status_code == 429


# --- writing and reporting, per user -------------------------------------------------------------------


def test_comments_are_limited_per_user_in_html_and_api(client, settings, db):
    limit = set_limit(settings, "comment_user", "3/5m")
    campaign = CampaignFactory()
    client.force_login(UserFactory())
    for n in range(limit + 2):
        client.post(reverse("campaigns:comment_create", args=[campaign.slug]), {"body": f"Spam {n}"}, **rotating(n))
    assert Comment.objects.count() == limit
    response = client.post(f"/api/v1/campaigns/{campaign.slug}/comments/", {"body": "More"})
    assert response.status_code == 429 and "commenting very fast" in response.json()["detail"]
    # Replies count too.
    parent = Comment.objects.first()
    client.post(reverse("campaigns:comment_create", args=[campaign.slug]), {"body": "Re", "parent": parent.pk})
    assert Comment.objects.count() == limit


def test_threads_replies_flags_and_invitations_are_limited_per_user(settings, db):
    for name in ("thread_user", "post_user", "flag_user", "invitation_user"):
        set_limit(settings, name, "2/h")
    owner = UserFactory()
    group = GroupFactory(owner=owner)
    threads = [discussion_services.thread_create(author=owner, group=group, title=f"T{n}", body="x") for n in range(2)]
    with pytest.raises(RateLimited):
        discussion_services.thread_create(author=owner, group=group, title="T3", body="x")
    for _ in range(2):
        discussion_services.post_create(author=owner, thread=threads[0], body="reply")
    with pytest.raises(RateLimited):
        discussion_services.post_create(author=owner, thread=threads[0], body="reply")
    for _ in range(2):
        membership_services.invitation_create(actor=owner, group=group)
    with pytest.raises(RateLimited):
        membership_services.invitation_create(actor=owner, group=group)
    assert Thread.objects.count() == 2 and Post.objects.filter(is_opening=False).count() == 2
    assert Invitation.objects.count() == 2

    from campaigns.services.moderation import campaign_flag

    reporter = UserFactory()
    for campaign in CampaignFactory.create_batch(2):
        campaign_flag(campaign=campaign, reporter=reporter, reason="spam")
    with pytest.raises(RateLimited):
        campaign_flag(campaign=CampaignFactory(), reporter=reporter, reason="spam")
    assert Flag.objects.count() == 2
    # Someone else is not affected.
    campaign_flag(campaign=CampaignFactory(), reporter=UserFactory(), reason="spam")
    member = UserFactory()
    add_member(group, member)
    discussion_services.thread_create(author=member, group=group, title="Mine", body="x")


def test_flag_limit_in_html_is_a_message_not_a_500(client, settings, db):
    set_limit(settings, "flag_user", "1/h")
    client.force_login(UserFactory())
    first, second = CampaignFactory.create_batch(2)
    client.post(reverse("campaigns:flag", args=[first.slug]), {"reason": "spam"})
    response = client.post(reverse("campaigns:flag", args=[second.slug]), {"reason": "spam"}, **rotating(3))
    assert response.status_code < 500 and "many reports" in response.content.decode()
    assert Flag.objects.count() == 1


# --- mechanism -------------------------------------------------------------------------------------------


def test_an_unavailable_cache_does_not_crash_a_limited_request(monkeypatch, client, settings, db):
    """While the shared cache is down, money limits count in this process (tests/core/test_redis_outage.py
    shows them still holding); the request is answered on its merits, never with a 500."""

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(ratelimits, "get_usage", broken)
    url = reverse("fundraising:start", kwargs={"slug": FundraisingCampaignFactory().slug})
    response = client.post(url, donation_form())  # the form's amount "abc" is invalid
    assert response.status_code == 400 and "amount" in response.json()["errors"]


def test_an_uncaught_limit_is_a_429_page():
    request = RequestFactory().get("/")
    request.user = None
    response = ratelimits.RateLimitedMiddleware(lambda r: None).process_exception(
        request, RateLimited("Slow down please.", limit="x", retry_after=30)
    )
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert "Slow down please." in response.content.decode()


def test_every_limit_is_named_in_settings(settings):
    with pytest.raises(KeyError):
        ratelimits.enforce("no_such_limit", key="k")
    for rate in settings.RATE_LIMITS.values():
        count, _, period = rate.partition("/")
        assert int(count) > 0 and period


# --- login lockout -----------------------------------------------------------------------------------------


def test_admin_login_locks_out_after_failures_even_with_the_right_password(client, settings, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": admin.email, "password": f"wrong-{n}", "next": "/admin/"}, **rotating(n))
    response = client.post(url, {"username": admin.email, "password": PASSWORD, "next": "/admin/"}, **rotating(50))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_admin_login_works_before_the_limit(client, settings, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": admin.email, "password": f"wrong-{n}"})
    response = client.post(url, {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(admin.pk)


def test_site_login_locks_out_after_failures_even_with_the_right_password(client, settings, db):
    settings.ACCOUNT_RATE_LIMITS = False  # show that the lockout holds on its own, not only allauth's limit
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    url = reverse("account_login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": user.email, "password": f"wrong-{n}"}, **rotating(n))
    client.post(url, {"login": user.email, "password": PASSWORD}, **rotating(60))
    assert "_auth_user_id" not in client.session
    # A different person's account, from the same connection, is not locked.
    other = UserFactory()
    other.set_password(PASSWORD)
    other.save()
    EmailAddress.objects.update_or_create(user=other, email=other.email, defaults={"verified": True, "primary": True})
    client.post(url, {"login": other.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(other.pk)

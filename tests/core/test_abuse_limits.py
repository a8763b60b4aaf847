"""Abuse limits in admin (causeweb/core/abuse.py): refused attempts recorded (one row per limit,
key and hour, counted, the address only as a hash, surviving the service's rollback), and the
moderators' overrides: lift a limit for a person, raise it for a busy campaign; a rotated or forged
X-Forwarded-For still cannot get round either."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Comment, Signature
from campaigns.services import comments
from causeweb.core import abuse, ratelimits
from causeweb.core.exceptions import RateLimited
from causeweb.core.models import RateLimitHit, RateLimitOverride
from causeweb.moderation.models import ModerationAction
from causeweb.moderation.roles import FINANCE, MODERATOR
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"
CLIENT = "203.0.113.9"


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def set_limit(settings, name, rate):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: rate}


def sign_as_guest(client, campaign, n, *, xff=None):
    """A guest signing from CLIENT behind our proxy, the client-written part of XFF rotating."""
    return client.post(
        reverse("campaigns:sign", args=[campaign.slug]),
        {"name": f"Guest {n}", "email": f"guest{n}@example.net"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff or f"198.51.100.{n}, {CLIENT}",
    )


def signatures(campaign):
    return Signature.objects.filter(campaign=campaign).count()


# --- recording ------------------------------------------------------------------------------------


def test_refusals_are_one_row_per_limit_key_and_hour_with_a_count_and_no_address(client, settings):
    set_limit(settings, "signature_guest_ip", "2/h")
    campaign = CampaignFactory()
    for n in range(6):
        sign_as_guest(client, campaign, n)
    assert signatures(campaign) == 2
    hit = RateLimitHit.objects.get()
    assert (hit.limit, hit.key_kind, hit.count) == ("signature_guest_ip", "ip", 4)
    assert hit.scope == f"campaigns.campaign:{campaign.pk}"
    assert CLIENT not in hit.key_hash and hit.key_hash == abuse.key_hash(f"ip:{CLIENT}")


def test_a_refusal_inside_a_service_transaction_is_still_recorded(client, settings):
    """comment_create is atomic and the refusal rolls it back; the record comes after."""
    set_limit(settings, "comment_user", "1/h")
    campaign, author = CampaignFactory(), UserFactory()
    client.force_login(author)
    url = reverse("campaigns:comment_create", args=[campaign.slug])
    for n in range(3):
        client.post(url, {"body": f"Comment {n}"})
    assert Comment.objects.filter(author=author).count() == 1
    hit = RateLimitHit.objects.get(limit="comment_user")
    assert hit.user == author and hit.count == 2 and hit.key_kind == "user"


def test_outside_a_request_it_is_recorded_at_once():
    ratelimits.record_hits([ratelimits.LimitHit(limit="flag_user", key="user:999999", at=1e9)])
    ratelimits.record_hits([ratelimits.LimitHit(limit="flag_user", key="user:999999", at=1e9 + 60)])
    hit = RateLimitHit.objects.get()
    assert hit.count == 2 and hit.user_id is None  # no such person: the hash only


def test_recording_fails_soft(monkeypatch, settings):
    set_limit(settings, "flag_user", "0/h")

    def broken(hits):
        raise RuntimeError("database gone")

    monkeypatch.setattr(abuse, "record_hits", broken)
    with pytest.raises(RateLimited):  # the limit still holds, the record is lost, no other error
        ratelimits.enforce("flag_user", key="user:1")


# --- overrides ------------------------------------------------------------------------------------


def test_lifting_a_limit_for_a_person_works_and_expires(settings):
    set_limit(settings, "comment_user", "1/h")
    campaign, author = CampaignFactory(), UserFactory()
    override = RateLimitOverride.objects.create(
        limit="comment_user", user=author, reason="Live-blogging the rally", created_by=UserFactory()
    )
    for n in range(4):
        comments.comment_create(campaign=campaign, author=author, body=f"Update {n}")
    other = UserFactory()
    comments.comment_create(campaign=campaign, author=other, body="one")
    with pytest.raises(RateLimited):
        comments.comment_create(campaign=campaign, author=other, body="two")  # nobody else lifted
    override.expires_at = timezone.now() - timedelta(minutes=1)
    override.save()  # the save drops the cached table
    comments.comment_create(campaign=campaign, author=author, body="after expiry")  # lifted: none counted
    with pytest.raises(RateLimited):
        comments.comment_create(campaign=campaign, author=author, body="over the limit again")


def test_raising_a_limit_for_a_busy_campaign(client, settings):
    set_limit(settings, "signature_guest_ip", "2/h")
    busy, other = CampaignFactory(), CampaignFactory()
    RateLimitOverride.objects.create(
        limit="signature_guest_ip",
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=busy.pk,
        rate="5/h",
        reason="Signing stand on the venue Wi-Fi",
    )
    for n in range(8):  # the client-written XFF entries rotate every time
        sign_as_guest(client, busy, n)
    assert signatures(busy) == 5  # raised, not lifted: still a limit
    for n in range(50, 54):  # elsewhere the normal limit (an override counts in a bucket of its own)
        sign_as_guest(client, other, n)
    assert signatures(other) == 2


def test_a_forged_forwarded_address_cannot_claim_an_override(client, settings):
    """An address override is for the address our proxy saw: writing it into X-Forwarded-For
    from another address gets the normal limit."""
    set_limit(settings, "signature_guest_ip", "2/h")
    RateLimitOverride.objects.create(limit="", ip="198.51.100.77", reason="Partner NGO office")
    campaign = CampaignFactory()
    for n in range(5):
        sign_as_guest(client, campaign, n, xff=f"198.51.100.77, {CLIENT}")
    assert signatures(campaign) == 2
    for n in range(5, 10):  # really from the lifted address (the proxy appended it)
        sign_as_guest(client, campaign, n, xff=f"6.6.6.{n}, 198.51.100.77")
    assert signatures(campaign) == 7


def test_overrides_are_cached(settings, django_assert_num_queries):
    set_limit(settings, "flag_user", "100/h")
    RateLimitOverride.objects.create(limit="flag_user", ip="198.51.100.1", rate="200/h", reason="x")
    ratelimits.enforce("flag_user", key="user:1")
    with django_assert_num_queries(0):
        for _ in range(5):
            ratelimits.enforce("flag_user", key="user:1")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"rate": "lots"}, "rate"),
        ({"limit": "no_such_limit"}, "limit"),
        ({"reason": " "}, "reason"),
        ({"ip": None}, "exactly one"),
    ],
)
def test_override_validation(fields, error):
    from django.core.exceptions import ValidationError

    override = RateLimitOverride(**{"ip": "198.51.100.1", "reason": "ok", **fields})
    with pytest.raises(ValidationError) as raised:
        override.clean()
    assert error in str(raised.value)


# --- admin and roles ------------------------------------------------------------------------------


def test_moderator_sees_hits_and_adds_an_override_in_admin(client, settings):
    set_limit(settings, "comment_user", "1/h")
    author = UserFactory(email="busy@example.org")
    ratelimits.record_hits([ratelimits.LimitHit(limit="comment_user", key=f"user:{author.pk}", at=1.7e9)])
    moderator = staff_with_role(MODERATOR)
    client.force_login(moderator)
    page = client.get(reverse("admin:core_ratelimithit_changelist"), {"q": "busy@example.org"}).content.decode()
    assert "comment_user" in page and "lift for person" in page
    response = client.post(
        reverse("admin:core_ratelimitoverride_add"),
        {"limit": "comment_user", "user": author.pk, "rate": "", "reason": "Verified organizer", "object_id": ""},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    override = RateLimitOverride.objects.get()
    assert override.created_by == moderator and override.user == author and override.rate == ""
    assert abuse.override_rate(name="comment_user", key=f"user:{author.pk}") == abuse.LIFTED
    entry = ModerationAction.objects.get(action="ratelimit_override_create")
    assert entry.moderator == moderator and entry.subject == author and entry.reason == "Verified organizer"
    assert entry.after["rate"] == "lifted" and entry.before is None
    delete = reverse("admin:core_ratelimitoverride_delete", args=[override.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert ModerationAction.objects.filter(action="ratelimit_override_delete", moderator=moderator).exists()


def test_hits_are_searchable_by_address_without_storing_it(client):
    ratelimits.record_hits([ratelimits.LimitHit(limit="signature_guest_ip", key=f"ip:{CLIENT}", at=1.7e9)])
    client.force_login(staff_with_role(MODERATOR))
    page = client.get(reverse("admin:core_ratelimithit_changelist"), {"q": CLIENT}).content.decode()
    assert "signature_guest_ip" in page
    page = client.get(reverse("admin:core_ratelimithit_changelist"), {"q": "192.0.2.1"}).content.decode()
    assert "0 rate-limit hits" in page


@pytest.mark.parametrize("who", ["finance", "plain_staff"])
def test_finance_and_plain_staff_cannot_see_or_lift_limits(client, who):
    client.force_login(staff_with_role(FINANCE) if who == "finance" else UserFactory(is_staff=True))
    assert client.get(reverse("admin:core_ratelimithit_changelist")).status_code == 403
    response = client.post(reverse("admin:core_ratelimitoverride_add"), {"ip": "198.51.100.1", "reason": "x"})
    assert response.status_code == 403
    assert not RateLimitOverride.objects.exists()

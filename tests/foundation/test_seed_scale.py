"""`manage.py seed_scale` at a tiny factor: the row counts it promises, every denormalised figure
equal to the aggregate of the rows it summarises (computed here through the ORM, independently of
the seeder's SQL), sequences past the seeded ids, determinism, and its refusals."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Q, Sum

from campaigns.models import Campaign, Follow, Signature
from causeweb.accounts.models import User
from causeweb.core.management.commands.seed_scale import scale_modules, seeded_models
from communities.models import Group, Membership, Post, Thread
from events.models import RSVP, Event
from fundraising.models import CampaignFunding, Donation, Refund

FACTOR = "0.001"


def seed(*extra):
    out = io.StringIO()
    call_command("seed_scale", "--factor", FACTOR, "--quiet", *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fingerprint() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws(',', id, campaign_id, donor_id, amount_minor, fee_minor, state,"
            " public_id, created_at), ';' ORDER BY id)) FROM fundraising_donation"
        )
        donations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(concat_ws(',', id, slug, status), ';' ORDER BY id)) FROM campaigns_campaign"
        )
        return donations + cursor.fetchone()[0]


CASTS = re.compile(r"::[a-z ]+(\[\])?|[()]")


def schema() -> list[tuple]:
    """Every index and constraint: the seeder drops and rebuilds them, and must leave them as migrated.
    PostgreSQL prints a re-created partial index's `IN (...)` with its casts placed differently
    (`ARRAY['a'::varchar]::text[]` vs `ARRAY['a'::varchar::text]`), so casts and parentheses are
    left out of the comparison; names, columns, order, uniqueness and predicates still count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        return [(name, CASTS.sub("", definition)) for name, definition in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_scale_builds_consistent_counters_and_usable_sequences():
    migrated = schema()
    output = seed("--seed", "7")
    assert schema() == migrated

    assert "fundraising.Donation" in output and "Seeded at factor 0.001" in output
    assert User.objects.count() == 50
    assert Campaign.objects.count() == 20  # the floor at tiny factors
    assert Donation.objects.count() == 1000
    assert Event.objects.count() == 10
    assert RSVP.objects.count() == 200
    assert Group.objects.count() == 5
    # 100 posts, plus what makes the biggest thread 500 long (communities.scale.BIGGEST_THREAD_POSTS)
    assert 100 <= Post.objects.count() < 100 + 500
    assert Post.objects.filter(thread=Thread.objects.order_by("-reply_count").first()).count() == 500
    assert Post.objects.filter(is_opening=True).count() == Thread.objects.count() > 0
    assert Signature.objects.count() == 200
    assert set(Campaign.objects.values_list("status", flat=True)) >= {"published"}
    assert set(Donation.objects.values_list("state", flat=True)) >= {"succeeded", "refunded", "failed"}

    # campaigns: confirmed signatures, follows
    for campaign in Campaign.objects.annotate(
        confirmed=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False), distinct=True),
        followers=Count("follows", distinct=True),
    ):
        assert campaign.signature_count == campaign.confirmed, campaign.pk
        assert campaign.follower_count == campaign.followers, campaign.pk
    assert Campaign.objects.filter(signature_count__gt=0).exists()
    assert Follow.objects.exists()

    # fundraising: the services' rule, applied donation by donation in Python
    expected: dict[int, list[int]] = {}
    for donation in Donation.objects.all():
        raised, donors = expected.setdefault(donation.campaign_id, [0, 0])
        expected[donation.campaign_id] = [
            raised + donation.counted_minor,
            donors + (donation.state in ("succeeded", "partially_refunded")),
        ]
        assert donation.currency == Campaign.objects.get(pk=donation.campaign_id).currency
    funding = {f.campaign_id: [f.raised_minor, f.donor_count] for f in CampaignFunding.objects.all()}
    assert funding == expected
    assert sum(raised for raised, _ in funding.values()) > 0
    refunded = Donation.objects.filter(refunded_minor__gt=0).aggregate(total=Sum("refunded_minor"))["total"]
    assert Refund.objects.aggregate(total=Sum("amount_minor"))["total"] == refunded
    busiest = max(funding.items(), key=lambda item: item[1][1])[0]
    assert Donation.objects.filter(campaign_id=busiest).count() >= 100  # the popular campaigns

    # events: seats held by going/offered RSVPs, within capacity; waitlist tickets
    for event in Event.objects.annotate(last_ticket=Max("rsvps__waitlist_position")):
        going = sum(r.seats for r in event.rsvps.filter(status="going"))
        offered = sum(r.seats for r in event.rsvps.filter(status="offered"))
        assert (event.going_seats, event.offered_seats) == (going, offered), event.pk
        assert event.waitlist_sequence == (event.last_ticket or 0)
        assert event.capacity is None or event.capacity >= going + offered

    # communities: members, replies (the opening is not a reply), latest post
    for group in Group.objects.annotate(members=Count("memberships")):
        assert group.member_count == group.members > 0
        assert Membership.objects.filter(group=group, role="owner", user_id=group.created_by_id).exists()
    for thread in Thread.objects.annotate(
        replies=Count("posts", filter=Q(posts__is_opening=False)), latest=Max("posts__created_at")
    ):
        assert (thread.reply_count, thread.last_activity_at) == (thread.replies, thread.latest)

    # every sequence is past the seeded ids, so the app can insert afterwards
    with connection.cursor() as cursor:
        for model in seeded_models(scale_modules()):
            table = model._meta.db_table
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')), MAX(id) FROM \"{table}\"")
            next_id, max_id = cursor.fetchone()
            assert next_id > (max_id or 0), table
    assert User.objects.create_user(email="after-seed@example.org").pk > 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_scale_refuses_a_non_empty_database_and_is_deterministic_with_reset():
    seed("--seed", "3")
    first = fingerprint()
    with pytest.raises(CommandError, match="not empty"):
        seed("--seed", "3")
    assert fingerprint() == first  # the refusal changed nothing

    seed("--seed", "3", "--reset")
    assert fingerprint() == first
    assert User.objects.count() == 50  # reset truncated, not appended

    seed("--seed", "4", "--reset")
    assert fingerprint() != first


@pytest.mark.django_db
def test_seed_scale_refuses_sqlite_with_a_clear_message():
    if connection.vendor == "postgresql":
        pytest.skip("checks the refusal on SQLite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed()
    assert not User.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_seed_scale_rejects_an_out_of_range_factor():
    with pytest.raises(CommandError, match="--factor"):
        call_command("seed_scale", "--factor", "0", stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.exists()

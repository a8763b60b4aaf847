"""Every list endpoint of /api/v1/ (each GET in the schema that answers a page or an array) makes as
many queries with 20 rows as with 1, and lists the rows it was given. A new list endpoint fails
`test_every_list_endpoint_has_rows_here` until it gets a builder below, so none can be added
without its query count being held constant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.webhook_models import WebhookDelivery, WebhookEndpoint
from causeweb.moderation import services as moderation_services
from causeweb.moderation.roles import MODERATOR
from communities.models import Group, Membership
from communities.services import discussions, membership
from fundraising.models import Pledge
from tests.campaigns.factories import CommentFactory, SignatureFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory, RSVPFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory
from tests.fundraising.test_monthly_views import make_plan
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# Lists whose length does not follow rows we add: one row per notification kind; totals per month.
NOT_ROW_LISTS = {
    "/api/v1/notifications/preferences/": "one row per notification kind, whatever the data",
    "/api/v1/moderation/decisions/monthly/": "one row per month (aggregates)",
}


class Rows:
    """One list endpoint's world: who asks, the URL, and how to add `n` rows it lists."""

    def __init__(self, user, url, add, *, key="results"):
        self.user, self.url, self.add, self.key = user, url, add, key


def _campaigns():
    return Rows(None, "/api/v1/campaigns/", lambda n: [CampaignFactory() for _ in range(n)])


def _comments():
    campaign = CampaignFactory()
    return Rows(
        None,
        f"/api/v1/campaigns/{campaign.slug}/comments/",
        lambda n: CommentFactory.create_batch(n, campaign=campaign),
    )


def _donations():
    donor = UserFactory()
    return Rows(donor, "/api/v1/donations/", lambda n: DonationFactory.create_batch(n, donor=donor))


def _events():
    return Rows(None, "/api/v1/events/", lambda n: EventFactory.create_batch(n))


def _groups():
    return Rows(None, "/api/v1/groups/", lambda n: [GroupFactory() for _ in range(n)])


def _threads():
    owner = UserFactory()
    group = GroupFactory(owner=owner)

    def add(n):
        for i in range(n):
            discussions.thread_create(author=add_member(group), group=group, title=f"Thread {i}", body="x")

    return Rows(None, f"/api/v1/groups/{group.slug}/threads/", add)


def _my_campaigns():
    organizer = UserFactory()
    return Rows(organizer, "/api/v1/me/campaigns/", lambda n: CampaignFactory.create_batch(n, organizer=organizer))


def _signature_export():
    organizer = UserFactory()
    campaign = CampaignFactory(organizer=organizer)
    return Rows(
        organizer,
        f"/api/v1/me/campaigns/{campaign.slug}/signatures/",
        lambda n: SignatureFactory.create_batch(n, campaign=campaign),
    )


def _my_events():
    host = UserFactory()
    return Rows(host, "/api/v1/me/events/", lambda n: EventFactory.create_batch(n, host=host))


def _attendees():
    host = UserFactory()
    event = EventFactory(host=host)
    return Rows(
        host,
        f"/api/v1/me/events/{event.slug}/attendees/",
        lambda n: RSVPFactory.create_batch(n, event=event),
        key=None,
    )


def _my_groups():
    user = UserFactory()
    return Rows(user, "/api/v1/me/groups/", lambda n: [add_member(GroupFactory(), user) for _ in range(n)], key=None)


def _managed_group(visibility=Group.Visibility.PUBLIC):
    owner = UserFactory()
    return owner, GroupFactory(owner=owner, visibility=visibility)


def _bans():
    owner, group = _managed_group()

    def add(n):
        for _ in range(n):
            person = UserFactory()
            add_member(group, person)
            membership.member_ban(actor=owner, group=group, user=person, reason="spam")

    return Rows(owner, f"/api/v1/me/groups/{group.slug}/bans/", add, key=None)


def _invitations():
    owner, group = _managed_group(Group.Visibility.PRIVATE)
    return Rows(
        owner,
        f"/api/v1/me/groups/{group.slug}/invitations/",
        lambda n: [membership.invitation_create(actor=owner, group=group) for _ in range(n)],
        key=None,
    )


def _join_requests():
    owner, group = _managed_group(Group.Visibility.REQUEST)
    return Rows(
        owner,
        f"/api/v1/me/groups/{group.slug}/join-requests/",
        lambda n: [membership.join_request_create(user=UserFactory(), group=group, message="hi") for _ in range(n)],
        key=None,
    )


def _members():
    owner, group = _managed_group()
    # The owner is a member already: the list shows n + 1.
    return Rows(
        owner,
        f"/api/v1/me/groups/{group.slug}/members/",
        lambda n: [add_member(group, role=Membership.Role.MEMBER) for _ in range(n)],
        key=None,
    )


def _my_rsvps():
    user = UserFactory()
    return Rows(user, "/api/v1/me/rsvps/", lambda n: RSVPFactory.create_batch(n, user=user, email=user.email))


def _my_signatures():
    user = UserFactory()
    return Rows(user, "/api/v1/me/signatures/", lambda n: SignatureFactory.create_batch(n, user=user, email=user.email))


def _webhooks():
    organizer = UserFactory()

    def add(n):
        for i in range(n):
            WebhookEndpoint.objects.create(
                campaign=CampaignFactory(organizer=organizer),
                url=f"https://partner.example.org/{i}",
                event_types=["rsvp.created"],
                secret="whsec_x",
                created_by=organizer,
            )

    return Rows(organizer, "/api/v1/me/webhooks/", add, key=None)


def _deliveries():
    organizer = UserFactory()
    endpoint = WebhookEndpoint.objects.create(
        campaign=CampaignFactory(organizer=organizer),
        url="https://partner.example.org/h",
        event_types=["rsvp.created"],
        secret="whsec_x",
        created_by=organizer,
    )

    def add(n):
        import uuid

        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=endpoint, event_id=uuid.uuid4(), event_type="rsvp.created", payload={})
            for _ in range(n)
        )

    return Rows(organizer, f"/api/v1/me/webhooks/{endpoint.pk}/deliveries/", add)


def _decisions():
    moderator = staff_with_role(MODERATOR)

    def add(n):
        for _ in range(n):
            moderation_services.moderation_action_record(
                moderator=moderator, action="hide", target=EventFactory(), rule="spam"
            )

    return Rows(None, "/api/v1/moderation/decisions/", add)


def _queue():
    moderator = staff_with_role(MODERATOR)

    def add(n):
        for _ in range(n):
            moderation_services.flag_create(reporter=UserFactory(), target=CampaignFactory(), reason="spam")

    return Rows(moderator, "/api/v1/moderation/queue/", add, key=None)


def _hidden():
    moderator = staff_with_role(MODERATOR)

    def add(n):
        # One type: the list loads each content type in one query, so types (not rows) add queries.
        for _ in range(n):
            target = EventFactory()
            flag = moderation_services.flag_create(reporter=UserFactory(), target=target, reason="spam")
            moderation_services.flag_uphold(flag=flag, moderator=moderator)

    return Rows(moderator, "/api/v1/moderation/hidden/", add, key=None)


def _monthly_gifts():
    donor = UserFactory()
    return Rows(donor, "/api/v1/monthly-gifts/", lambda n: [make_plan(donor=donor) for _ in range(n)])


def _notifications():
    user = UserFactory()
    return Rows(user, "/api/v1/notifications/", lambda n: NotificationFactory.create_batch(n, recipient=user))


def _pledges():
    backer = UserFactory()

    def add(n):
        Pledge.objects.bulk_create(
            Pledge(
                campaign=(campaign := FundraisingCampaignFactory(deadline=timezone.now() + timedelta(days=30))),
                backer=backer,
                backer_name="Ada",
                email=backer.email,
                amount_minor=2500,
                currency=campaign.currency,
                state=Pledge.State.ACTIVE,
            )
            for _ in range(n)
        )

    return Rows(backer, "/api/v1/pledges/", add)


def _posts():
    owner = UserFactory()
    group = GroupFactory(owner=owner)
    thread = discussions.thread_create(author=owner, group=group, title="T", body="first")

    def add(n):
        for i in range(n):
            discussions.post_create(author=add_member(group), thread=thread, body=f"Reply {i}")

    # The thread's first post is listed too: a page of 50 holds all 21.
    return Rows(None, f"/api/v1/threads/{thread.pk}/posts/?page_size=50", add)


BUILDERS = {
    "/api/v1/campaigns/": _campaigns,
    "/api/v1/campaigns/{slug}/comments/": _comments,
    "/api/v1/donations/": _donations,
    "/api/v1/events/": _events,
    "/api/v1/groups/": _groups,
    "/api/v1/groups/{slug}/threads/": _threads,
    "/api/v1/me/campaigns/": _my_campaigns,
    "/api/v1/me/campaigns/{slug}/signatures/": _signature_export,
    "/api/v1/me/events/": _my_events,
    "/api/v1/me/events/{slug}/attendees/": _attendees,
    "/api/v1/me/groups/": _my_groups,
    "/api/v1/me/groups/{slug}/bans/": _bans,
    "/api/v1/me/groups/{slug}/invitations/": _invitations,
    "/api/v1/me/groups/{slug}/join-requests/": _join_requests,
    "/api/v1/me/groups/{slug}/members/": _members,
    "/api/v1/me/rsvps/": _my_rsvps,
    "/api/v1/me/signatures/": _my_signatures,
    "/api/v1/me/webhooks/": _webhooks,
    "/api/v1/me/webhooks/{id}/deliveries/": _deliveries,
    "/api/v1/moderation/decisions/": _decisions,
    "/api/v1/moderation/hidden/": _hidden,
    "/api/v1/moderation/queue/": _queue,
    "/api/v1/monthly-gifts/": _monthly_gifts,
    "/api/v1/notifications/": _notifications,
    "/api/v1/pledges/": _pledges,
    "/api/v1/threads/{id}/posts/": _posts,
}


def _list_paths() -> set[str]:
    schema = APIClient().get("/api/schema/?format=json").json()
    found = set()
    for path, operations in schema["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        body = answer.get("content", {}).get("application/json", {}).get("schema", {})
        component = schema["components"]["schemas"].get(body.get("$ref", "").rsplit("/", 1)[-1], {})
        # A page (page numbers or a cursor: `results`) or a bare array.
        if component.get("properties", {}).get("results", {}).get("type") == "array" or body.get("type") == "array":
            found.add(path)
    return found


def test_every_list_endpoint_has_rows_here():
    paths = _list_paths()
    assert paths - set(BUILDERS) - set(NOT_ROW_LISTS) == set(), "a new list endpoint: add its builder here"
    assert set(BUILDERS) <= paths, "a builder for an endpoint that is gone"


def _ask(rows: Rows):
    api = APIClient()
    if rows.user is not None:
        api.force_authenticate(rows.user)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(rows.url)
    assert response.status_code == 200, (rows.url, response.content[:300])
    body = response.json()
    listed = body if rows.key is None else body[rows.key]
    return len(queries), len(listed)


@pytest.mark.parametrize("path", sorted(BUILDERS))
def test_a_list_asks_as_many_queries_for_20_rows_as_for_1(path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rows = BUILDERS[path]()
    _ask(rows)  # warm caches that belong to the process, not the list (content types, ...)
    rows.add(1)
    one_queries, one_listed = _ask(rows)
    rows.add(19)
    many_queries, many_listed = _ask(rows)
    assert many_listed - one_listed == 19, (path, one_listed, many_listed)
    assert many_queries <= one_queries, f"{path}: {one_queries} queries with 1 row, {many_queries} with 20"

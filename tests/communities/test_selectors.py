import pytest
from django.urls import reverse
from django.utils.html import escape

from causeweb.core import ratelimits
from communities import selectors
from communities.models import GroupCampaign, Membership
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services import membership as membership_services
from tests.communities.conftest import site_group_moderator
from tests.communities.factories import GroupFactory, add_member
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_featured_groups_are_public_and_liveliest_first(owner):
    quiet = GroupFactory(owner=owner, name="Quiet")
    busy = GroupFactory(owner=owner, name="Busy")
    for _ in range(3):
        add_member(busy)
    GroupFactory(owner=owner, name="Asked", visibility="request")
    GroupFactory(owner=owner, name="Hidden", visibility="private")
    assert selectors.group_list_featured(limit=4) == [busy, quiet]
    assert selectors.group_list_featured(limit=1) == [busy]


def test_groups_for_a_campaign_leave_out_private_ones(owner):
    campaign = CampaignFactory()
    shown = GroupFactory(owner=owner, visibility="request")
    hidden = GroupFactory(owner=owner, visibility="private")
    GroupFactory(owner=owner)  # supports nothing
    for group in (shown, hidden):
        group_campaign_services.group_campaign_add(actor=owner, group=group, campaign_slug=campaign.slug)
    assert selectors.group_list_for_campaign(campaign_id=campaign.pk, limit=5) == [shown]
    assert selectors.group_list_for_campaign(campaign_id=CampaignFactory().pk, limit=5) == []


def test_group_access_for_each_kind_of_person(public_group, owner, user):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    banned = add_member(public_group)
    membership_services.member_ban(actor=owner, group=public_group, user=banned)
    staff = UserFactory(is_staff=True)
    visitor = selectors.group_access(group=public_group, user=None)
    assert not visitor.is_member and not visitor.can_participate and visitor.can_read_discussions
    assert selectors.group_access(group=public_group, user=owner).is_owner
    assert selectors.group_access(group=public_group, user=moderator).can_moderate
    assert not selectors.group_access(group=public_group, user=moderator).is_owner
    banned_access = selectors.group_access(group=public_group, user=banned)
    assert banned_access.is_banned and not banned_access.can_join_directly
    staff_access = selectors.group_access(group=public_group, user=staff)
    assert not staff_access.can_moderate and not staff_access.can_participate  # is_staff alone: no powers
    site_moderator = selectors.group_access(group=public_group, user=site_group_moderator())
    assert site_moderator.can_moderate and site_moderator.acts_as_site_moderator
    assert not site_moderator.can_participate and not site_moderator.is_owner
    assert selectors.group_access(group=public_group, user=user).can_join_directly


def test_thread_posts_tree_and_reaction_summary(public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=owner, group=public_group, title="T", body="Opening")
    first = discussion_services.post_create(author=member, thread=thread, body="First")
    second = discussion_services.post_create(author=owner, thread=thread, body="Second")
    child = discussion_services.post_create(author=owner, thread=thread, body="Child", parent=first)
    discussion_services.reaction_add(user=owner, post=first, kind="support")
    discussion_services.reaction_add(user=member, post=first, kind="support")
    shown = selectors.thread_page(thread=thread, user=owner)
    opening, replies = shown.opening, shown.replies
    assert opening.body == "Opening"
    assert replies == [first, second] and shown.page.paginator.num_pages == 1
    assert replies[0].nested_replies == [child] and replies[1].nested_replies == []
    assert ("support", "Support", 2, True) in replies[0].reaction_summary
    assert ("like", "Like", 0, False) in replies[0].reaction_summary


def test_group_page_lists_the_groups_upcoming_events(client, public_group):
    from tests.events.factories import EventFactory

    EventFactory(title="Street planting day", group=public_group)
    EventFactory(title="Someone else's event")
    html = client.get(public_group.get_absolute_url()).content.decode()
    assert "Street planting day" in html and "Someone else&#x27;s event" not in html


def test_group_page_query_count_is_constant(client, public_group, owner, django_assert_max_num_queries):
    for _ in range(8):
        add_member(public_group)
    with ratelimits.suspended():  # test data: more threads by one person than the per-user limit allows
        for n in range(10):
            discussion_services.thread_create(author=owner, group=public_group, title=f"Thread {n}", body="x")
            group_campaign_services.group_campaign_add(
                actor=owner, group=public_group, campaign_slug=CampaignFactory().slug
            )
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        response = client.get(public_group.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert [thread.title for thread in response.context["threads"]] == [f"Thread {n}" for n in range(9, 4, -1)]
    assert all(f"Thread {n}<" in html for n in range(5, 10)) and "Thread 4<" not in html
    supported = [link.campaign.title for link in GroupCampaign.objects.filter(group=public_group).order_by("-pk")]
    assert [campaign.title for campaign in response.context["campaigns"]] == supported[:6]
    assert all(title in html for title in supported[:6]) and supported[6] not in html
    with django_assert_max_num_queries(10):
        response = client.get(reverse("communities:members", kwargs={"slug": public_group.slug}))
    assert response.status_code == 200
    members = Membership.objects.filter(group=public_group).select_related("user")
    assert len(members) == 9
    assert [m.pk for m in response.context["page"].object_list] == [
        m.pk for m in members.order_by("joined_at") if m.role == Membership.Role.OWNER
    ] + [m.pk for m in members.order_by("joined_at") if m.role != Membership.Role.OWNER]
    assert all(escape(m.user.public_name) in response.content.decode() for m in members)

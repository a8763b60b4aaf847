import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.models import ModerationAction
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from communities.models import (
    Announcement,
    Ban,
    Group,
    GroupCampaign,
    Invitation,
    JoinRequest,
    Membership,
    Post,
    Reaction,
    Thread,
)
from communities.services import announcements as announcement_services
from communities.services import campaigns as group_campaign_services
from communities.services import discussions as discussion_services
from communities.services import groups as group_services
from communities.services import membership as membership_services
from tests.communities.factories import GroupFactory, add_member
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


def image_upload(width=500, height=300, fmt="PNG", name="avatar.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 80)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def notifications(kind, user=None):
    qs = Notification.objects.filter(kind=kind)
    if user is not None:
        qs = qs.filter(recipient=user)
    return qs


# --- groups ----------------------------------------------------------------------------------------


def test_group_create_makes_the_creator_owner(owner):
    group = group_services.group_create(creator=owner, name="Bike lanes now", description="Ride *together*")
    assert group.slug == "bike-lanes-now"
    assert group.member_count == 1
    assert Membership.objects.get(group=group, user=owner).role == Membership.Role.OWNER
    assert group.description_html == "<p>Ride <em>together</em></p>"


def test_group_slugs_are_unique_and_never_shadow_routes(owner):
    first = group_services.group_create(creator=owner, name="Bike lanes now")
    second = group_services.group_create(creator=owner, name="Bike lanes now")
    reserved = group_services.group_create(creator=owner, name="New")
    assert first.slug != second.slug
    assert reserved.slug not in {"new", "invite"}


def test_group_create_needs_a_signed_in_person():
    with pytest.raises(PermissionDenied):
        group_services.group_create(creator=None, name="Ghosts")


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "Ok", "visibility": "secret"}, "visibility"),
        ({"name": "Ok", "latitude": "91", "longitude": "0"}, "latitude"),
        ({"name": "Ok", "latitude": "10", "longitude": "200"}, "longitude"),
        ({"name": "Ok", "latitude": "10", "longitude": ""}, "latitude"),
    ],
)
def test_group_create_rejects_bad_input(owner, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        group_services.group_create(creator=owner, **kwargs)
    assert field in exc.value.message_dict
    assert not Group.objects.exists()


def test_group_coordinates_are_stored(owner):
    group = group_services.group_create(creator=owner, name="Mapped", latitude="38.7223", longitude="-9.1393")
    assert str(group.latitude) == "38.722300" and str(group.longitude) == "-9.139300"


def test_avatar_is_validated_and_resized_to_a_square_jpeg(owner):
    group = group_services.group_create(creator=owner, name="With face", avatar=image_upload(900, 500))
    with Image.open(group.avatar.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (group_services.AVATAR_SIZE, group_services.AVATAR_SIZE)


def test_avatar_that_is_not_an_image_is_refused(owner):
    fake = SimpleUploadedFile("evil.png", b"<?php system($_GET['x']); ?>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        group_services.group_create(creator=owner, name="Sneaky", avatar=fake)
    assert "avatar" in exc.value.message_dict
    assert not Group.objects.exists()


def test_only_owners_update_settings(public_group, owner):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        group_services.group_update(
            actor=moderator, group=public_group, name="Taken over", description="", visibility="public"
        )
    group_services.group_update(
        actor=owner, group=public_group, name="Renamed", description="New **words**", visibility="request"
    )
    public_group.refresh_from_db()
    assert public_group.name == "Renamed" and public_group.visibility == "request"
    assert "<strong>words</strong>" in public_group.description_html


# --- joining and leaving ---------------------------------------------------------------------------


def test_joining_twice_keeps_one_membership(public_group, user):
    first = membership_services.group_join(user=user, group=public_group)
    second = membership_services.group_join(user=user, group=public_group)
    public_group.refresh_from_db()
    assert first.pk == second.pk
    assert public_group.member_count == 2
    assert Membership.objects.filter(group=public_group, user=user).count() == 1


def test_joining_asks_to_accept_the_code_of_conduct(owner, user):
    group = GroupFactory(owner=owner, code_of_conduct="No harassment.")
    with pytest.raises(ValidationError) as exc:
        membership_services.group_join(user=user, group=group)
    assert "accept_code_of_conduct" in exc.value.message_dict
    membership = membership_services.group_join(user=user, group=group, accept_code_of_conduct=True)
    assert membership.accepted_code_of_conduct_at is not None


@pytest.mark.parametrize("visibility", ["request", "private"])
def test_only_public_groups_can_be_joined_directly(owner, user, visibility):
    group = GroupFactory(owner=owner, visibility=visibility)
    with pytest.raises(PermissionDenied):
        membership_services.group_join(user=user, group=group)
    assert not Membership.objects.filter(group=group, user=user).exists()


def test_leaving_lowers_the_count_and_twice_is_harmless(public_group, user):
    membership_services.group_join(user=user, group=public_group)
    membership_services.group_leave(user=user, group=public_group)
    membership_services.group_leave(user=user, group=public_group)
    public_group.refresh_from_db()
    assert public_group.member_count == 1


def test_the_last_owner_cannot_leave_until_handing_over(public_group, owner):
    with pytest.raises(Conflict):
        membership_services.group_leave(user=owner, group=public_group)
    successor = add_member(public_group)
    successor_membership = Membership.objects.get(group=public_group, user=successor)
    membership_services.membership_change_role(actor=owner, membership=successor_membership, role=Membership.Role.OWNER)
    membership_services.group_leave(user=owner, group=public_group)
    assert list(Membership.objects.filter(group=public_group, role="owner").values_list("user", flat=True)) == [
        successor.pk
    ]


# --- join requests ---------------------------------------------------------------------------------


def test_join_request_notifies_moderators_and_repeats_return_the_same(request_group, owner, user):
    moderator = add_member(request_group, role=Membership.Role.MODERATOR)
    plain_member = add_member(request_group)
    first = membership_services.join_request_create(
        user=user, group=request_group, message="Hi!", accept_code_of_conduct=True
    )
    second = membership_services.join_request_create(
        user=user, group=request_group, message="Hi?", accept_code_of_conduct=True
    )
    assert first.pk == second.pk
    assert JoinRequest.objects.filter(group=request_group, user=user).count() == 1
    told = set(notifications(Kind.JOIN_REQUEST).values_list("recipient", flat=True))
    assert told == {owner.pk, moderator.pk}
    assert plain_member.pk not in told


def test_join_request_needs_the_code_of_conduct(request_group, user):
    with pytest.raises(ValidationError):
        membership_services.join_request_create(user=user, group=request_group)
    assert not JoinRequest.objects.exists()


def test_join_request_to_a_public_group_says_join_instead(public_group, user):
    with pytest.raises(ValidationError):
        membership_services.join_request_create(user=user, group=public_group)


def test_approving_adds_the_member_and_tells_them(request_group, owner, user):
    join_request = membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    membership_services.join_request_approve(actor=owner, join_request=join_request)
    request_group.refresh_from_db()
    assert request_group.member_count == 2
    assert Membership.objects.filter(group=request_group, user=user, role="member").exists()
    decided = notifications(Kind.JOIN_REQUEST_DECIDED, user).get()
    assert decided.context["approved"] is True
    with pytest.raises(Conflict):
        membership_services.join_request_decline(actor=owner, join_request=join_request)


def test_declining_tells_the_requester_and_adds_nobody(request_group, owner, user):
    join_request = membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    membership_services.join_request_decline(actor=owner, join_request=join_request)
    assert not Membership.objects.filter(group=request_group, user=user).exists()
    assert notifications(Kind.JOIN_REQUEST_DECIDED, user).get().context["approved"] is False


def test_members_cannot_decide_requests(request_group, user):
    member = add_member(request_group)
    join_request = membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    with pytest.raises(PermissionDenied):
        membership_services.join_request_approve(actor=member, join_request=join_request)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_withdrawn_requests_are_not_decided(request_group, owner, user):
    join_request = membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    with pytest.raises(PermissionDenied):
        membership_services.join_request_withdraw(user=owner, join_request=join_request)
    membership_services.join_request_withdraw(user=user, join_request=join_request)
    with pytest.raises(Conflict):
        membership_services.join_request_approve(actor=owner, join_request=join_request)


# --- invitations -----------------------------------------------------------------------------------


def test_invitation_link_lets_people_into_a_private_group(private_group, owner, user):
    invitation = membership_services.invitation_create(actor=owner, group=private_group, days=3)
    membership_services.invitation_accept(user=user, token=invitation.token)
    membership_services.invitation_accept(user=user, token=invitation.token)  # a second click changes nothing
    invitation.refresh_from_db()
    private_group.refresh_from_db()
    assert invitation.use_count == 1
    assert private_group.member_count == 2


def test_expired_revoked_and_used_up_links_do_not_work(private_group, owner):
    expired = membership_services.invitation_create(actor=owner, group=private_group, days=1)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = membership_services.invitation_create(actor=owner, group=private_group)
    membership_services.invitation_revoke(actor=owner, invitation=revoked)
    single = membership_services.invitation_create(actor=owner, group=private_group, max_uses=1)
    membership_services.invitation_accept(user=UserFactory(), token=single.token)
    for invitation in (expired, revoked, single):
        with pytest.raises(ValidationError):
            membership_services.invitation_accept(user=UserFactory(), token=invitation.token)
    with pytest.raises(ValidationError):
        membership_services.invitation_accept(user=UserFactory(), token="not-a-token")
    private_group.refresh_from_db()
    assert private_group.member_count == 2


def test_invitation_rules(private_group, owner):
    member = add_member(private_group)
    with pytest.raises(PermissionDenied):
        membership_services.invitation_create(actor=member, group=private_group)
    with pytest.raises(ValidationError):
        membership_services.invitation_create(actor=owner, group=private_group, days=365)
    invitation = membership_services.invitation_create(actor=owner, group=private_group)
    with pytest.raises(PermissionDenied):
        membership_services.invitation_revoke(actor=member, invitation=invitation)


# --- roles, removal, bans --------------------------------------------------------------------------


def test_only_owners_change_roles(public_group, owner):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    member = add_member(public_group)
    membership = Membership.objects.get(group=public_group, user=member)
    with pytest.raises(PermissionDenied):
        membership_services.membership_change_role(actor=moderator, membership=membership, role="moderator")
    membership_services.membership_change_role(actor=owner, membership=membership, role="moderator")
    membership.refresh_from_db()
    assert membership.role == "moderator"
    membership_services.membership_change_role(actor=owner, membership=membership, role="member")
    membership.refresh_from_db()
    assert membership.role == "member"


def test_the_last_owner_cannot_demote_themselves(public_group, owner):
    own = Membership.objects.get(group=public_group, user=owner)
    with pytest.raises(Conflict):
        membership_services.membership_change_role(actor=owner, membership=own, role="member")
    own.refresh_from_db()
    assert own.role == "owner"


def test_moderators_remove_members_but_not_moderators_or_owners(public_group, owner):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    other_moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    member = add_member(public_group)
    with pytest.raises(PermissionDenied):
        membership_services.membership_remove(
            actor=moderator, membership=Membership.objects.get(group=public_group, user=other_moderator)
        )
    with pytest.raises(PermissionDenied):
        membership_services.membership_remove(
            actor=moderator, membership=Membership.objects.get(group=public_group, user=owner)
        )
    membership_services.membership_remove(
        actor=moderator, membership=Membership.objects.get(group=public_group, user=member)
    )
    public_group.refresh_from_db()
    assert public_group.member_count == 3
    membership_services.group_join(user=member, group=public_group)  # removed, not banned: may come back
    assert ModerationAction.objects.filter(action="group_member_removed").count() == 1


def test_banned_people_cannot_rejoin_request_accept_or_post(public_group, owner):
    member = add_member(public_group)
    thread = discussion_services.thread_create(author=member, group=public_group, title="Hi", body="Hello")
    membership_services.member_ban(actor=owner, group=public_group, user=member, reason="spam")
    membership_services.member_ban(actor=owner, group=public_group, user=member, reason="spam")
    assert Ban.objects.filter(group=public_group, user=member).count() == 1
    public_group.refresh_from_db()
    assert public_group.member_count == 1
    with pytest.raises(PermissionDenied):
        membership_services.group_join(user=member, group=public_group)
    with pytest.raises(PermissionDenied):
        discussion_services.post_create(author=member, thread=thread, body="I'm back")
    invitation = membership_services.invitation_create(actor=owner, group=public_group)
    with pytest.raises(PermissionDenied):
        membership_services.invitation_accept(user=member, token=invitation.token)
    public_group.visibility = "request"
    public_group.save()
    with pytest.raises(PermissionDenied):
        membership_services.join_request_create(user=member, group=public_group, accept_code_of_conduct=True)
    membership_services.member_unban(actor=owner, group=public_group, user=member)
    membership_services.join_request_create(user=member, group=public_group)


def test_ban_closes_an_open_request(request_group, owner, user):
    membership_services.join_request_create(user=user, group=request_group, accept_code_of_conduct=True)
    membership_services.member_ban(actor=owner, group=request_group, user=user)
    assert JoinRequest.objects.get(user=user).status == JoinRequest.Status.DECLINED


def test_nobody_bans_an_owner_or_themselves(public_group, owner):
    moderator = add_member(public_group, role=Membership.Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        membership_services.member_ban(actor=moderator, group=public_group, user=owner)
    with pytest.raises(ValidationError):
        membership_services.member_ban(actor=moderator, group=public_group, user=moderator)
    assert not Ban.objects.exists()


# --- discussions -----------------------------------------------------------------------------------


@pytest.fixture
def discussion(public_group):
    author = add_member(public_group, UserFactory(display_name="Ana Author", email="ana@example.org"))
    thread = discussion_services.thread_create(
        author=author, group=public_group, title="Car-free Sundays", body="Who is in?"
    )
    return public_group, thread, author


def test_thread_starts_with_an_opening_post(discussion):
    group, thread, author = discussion
    opening = Post.objects.get(thread=thread)
    assert opening.is_opening and opening.author == author
    assert thread.reply_count == 0


def test_non_members_cannot_start_threads(public_group, user):
    with pytest.raises(PermissionDenied):
        discussion_services.thread_create(author=user, group=public_group, title="Hi", body="Hi")
    assert not Thread.objects.exists()


def test_empty_threads_and_replies_are_refused(discussion):
    group, thread, author = discussion
    with pytest.raises(ValidationError):
        discussion_services.thread_create(author=author, group=group, title=" ", body="x")
    with pytest.raises(ValidationError):
        discussion_services.post_create(author=author, thread=thread, body="   ")


def test_replies_nest_one_level(discussion):
    group, thread, author = discussion
    opening = Post.objects.get(thread=thread, is_opening=True)
    reply = discussion_services.post_create(author=author, thread=thread, body="Me!", parent=opening)
    nested = discussion_services.post_create(author=author, thread=thread, body="And me", parent=reply)
    deeper = discussion_services.post_create(author=author, thread=thread, body="Me three", parent=nested)
    assert reply.parent_id is None
    assert nested.parent_id == reply.pk
    assert deeper.parent_id == reply.pk
    thread.refresh_from_db()
    assert thread.reply_count == 3


def test_reply_parent_must_be_in_the_same_thread(discussion):
    group, thread, author = discussion
    other = discussion_services.thread_create(author=author, group=group, title="Other", body="x")
    foreign = discussion_services.post_create(author=author, thread=other, body="elsewhere")
    with pytest.raises(ValidationError):
        discussion_services.post_create(author=author, thread=thread, body="hi", parent=foreign)


def test_locked_threads_take_replies_only_from_moderators(discussion, owner):
    group, thread, author = discussion
    discussion_services.thread_set_locked(actor=owner, thread=thread, locked=True)
    with pytest.raises(PermissionDenied):
        discussion_services.post_create(author=author, thread=thread, body="but wait")
    discussion_services.post_create(author=owner, thread=thread, body="Closing this, thanks all.")


def test_participants_hear_of_replies_but_not_the_replier_or_former_members(discussion, owner):
    group, thread, author = discussion
    second = add_member(group)
    discussion_services.post_create(author=second, thread=thread, body="Count me in")
    leaver = add_member(group)
    discussion_services.post_create(author=leaver, thread=thread, body="Me too")
    membership_services.group_leave(user=leaver, group=group)
    Notification.objects.all().delete()
    discussion_services.post_create(author=owner, thread=thread, body="Great, see you there")
    told = set(notifications(Kind.THREAD_REPLY).values_list("recipient", flat=True))
    assert told == {author.pk, second.pk}


def test_mentions_notify_members_by_handle(discussion, owner):
    group, thread, author = discussion
    amina = add_member(group, UserFactory(display_name="Amina Diallo", email="amina.d@example.org"))
    outsider = UserFactory(display_name="Out Sider", email="outsider@example.org")
    post = discussion_services.post_create(
        author=owner, thread=thread, body="Thanks @AminaDiallo and @ana, cc @OutSider. Mail me at x@ana.org"
    )
    mentioned = set(notifications(Kind.MENTION).values_list("recipient", flat=True))
    assert mentioned == {amina.pk, author.pk}
    assert outsider.pk not in mentioned
    # The mentioned author is not told twice (once as mention, not again as a participant).
    assert not notifications(Kind.THREAD_REPLY, author).exists()
    discussion_services.post_edit(actor=owner, post=post, body=post.body + " (edited)")
    assert notifications(Kind.MENTION).count() == 2


def test_edit_own_post_marks_it_edited(discussion):
    group, thread, author = discussion
    post = discussion_services.post_create(author=author, thread=thread, body="Frist")
    discussion_services.post_edit(actor=author, post=post, body="First")
    post.refresh_from_db()
    assert post.body == "First" and post.edited_at is not None


def test_nobody_edits_or_deletes_someone_elses_post(discussion, owner):
    group, thread, author = discussion
    post = discussion_services.post_create(author=author, thread=thread, body="Mine")
    for actor in (owner, add_member(group), UserFactory()):
        with pytest.raises(PermissionDenied):
            discussion_services.post_edit(actor=actor, post=post, body="Yours now")
        with pytest.raises(PermissionDenied):
            discussion_services.post_delete(actor=actor, post=post)
    post.refresh_from_db()
    assert post.body == "Mine" and post.deleted_at is None


def test_delete_leaves_a_tombstone_and_drops_reactions(discussion, owner):
    group, thread, author = discussion
    post = discussion_services.post_create(author=author, thread=thread, body="Oops")
    discussion_services.reaction_add(user=owner, post=post, kind="like")
    discussion_services.post_delete(actor=author, post=post)
    discussion_services.post_delete(actor=author, post=post)
    post.refresh_from_db()
    assert post.is_deleted and post.body == "" and post.body_html == ""
    assert not Reaction.objects.filter(post=post).exists()
    with pytest.raises(Conflict):
        discussion_services.post_edit(actor=author, post=post, body="back")
    with pytest.raises(ValidationError):
        discussion_services.reaction_add(user=owner, post=post, kind="like")


def test_moderators_hide_posts_and_it_is_logged(discussion, owner):
    group, thread, author = discussion
    post = discussion_services.post_create(author=author, thread=thread, body="Buy pills")
    with pytest.raises(PermissionDenied):
        discussion_services.post_set_hidden(actor=author, post=post, hidden=True)
    discussion_services.post_set_hidden(actor=owner, post=post, hidden=True, reason="spam")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == owner
    assert ModerationAction.objects.get(action="group_post_hidden").reason == "spam"
    discussion_services.post_set_hidden(actor=owner, post=post, hidden=False)
    post.refresh_from_db()
    assert not post.is_hidden


@pytest.mark.parametrize(
    "service,field",
    [("thread_set_pinned", "is_pinned"), ("thread_set_locked", "is_locked"), ("thread_set_hidden", "is_hidden")],
)
def test_thread_moderation_is_for_moderators(discussion, owner, service, field):
    group, thread, author = discussion
    argument = field.removeprefix("is_")
    with pytest.raises(PermissionDenied):
        getattr(discussion_services, service)(actor=author, thread=thread, **{argument: True})
    getattr(discussion_services, service)(actor=owner, thread=thread, **{argument: True})
    thread.refresh_from_db()
    assert getattr(thread, field) is True


def test_thread_edit_by_author_or_moderator(discussion, owner):
    group, thread, author = discussion
    discussion_services.thread_edit(actor=author, thread=thread, title="Car-free Sundays in May")
    discussion_services.thread_edit(actor=owner, thread=thread, title="Car-free Sundays (May)")
    with pytest.raises(PermissionDenied):
        discussion_services.thread_edit(actor=add_member(group), thread=thread, title="Mine")
    thread.refresh_from_db()
    assert thread.title == "Car-free Sundays (May)"


# --- reactions -------------------------------------------------------------------------------------


def test_reactions_are_idempotent_and_unique(discussion, owner):
    group, thread, author = discussion
    post = Post.objects.get(thread=thread)
    for _ in range(3):
        discussion_services.reaction_add(user=owner, post=post, kind="support")
    discussion_services.reaction_add(user=owner, post=post, kind="like")
    assert Reaction.objects.filter(post=post, user=owner).count() == 2
    discussion_services.reaction_remove(user=owner, post=post, kind="support")
    discussion_services.reaction_remove(user=owner, post=post, kind="support")
    assert list(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["like"]


def test_reactions_need_a_known_kind_and_membership(discussion, user):
    group, thread, author = discussion
    post = Post.objects.get(thread=thread)
    with pytest.raises(ValidationError):
        discussion_services.reaction_add(user=author, post=post, kind="angry")
    with pytest.raises(PermissionDenied):
        discussion_services.reaction_add(user=user, post=post, kind="like")
    assert not Reaction.objects.exists()


# --- campaigns -------------------------------------------------------------------------------------


def test_moderators_add_supported_campaigns_once(public_group, owner):
    from communities.selectors import group_list_for_campaign

    campaign = CampaignFactory()
    group_campaign_services.group_campaign_add(actor=owner, group=public_group, campaign_slug=campaign.slug)
    group_campaign_services.group_campaign_add(actor=owner, group=public_group, campaign_slug=campaign.slug)
    assert GroupCampaign.objects.count() == 1
    assert group_list_for_campaign(campaign_id=campaign.pk, limit=5) == [public_group]
    with pytest.raises(ValidationError):
        group_campaign_services.group_campaign_add(actor=owner, group=public_group, campaign_slug="no-such-campaign")
    with pytest.raises(PermissionDenied):
        group_campaign_services.group_campaign_add(
            actor=add_member(public_group), group=public_group, campaign_slug=campaign.slug
        )
    group_campaign_services.group_campaign_remove(actor=owner, group=public_group, campaign_id=campaign.pk)
    assert group_list_for_campaign(campaign_id=campaign.pk, limit=5) == []


def test_draft_campaigns_cannot_be_supported(public_group, owner):
    draft = CampaignFactory(status="draft")
    with pytest.raises(ValidationError):
        group_campaign_services.group_campaign_add(actor=owner, group=public_group, campaign_slug=draft.slug)


# --- announcements ---------------------------------------------------------------------------------


def test_announcement_reaches_every_member_once(public_group, owner, django_capture_on_commit_callbacks):
    members = [add_member(public_group) for _ in range(4)]
    outsider = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_services.announcement_create(
            actor=owner, group=public_group, subject="Meeting moved", body="Now on **Tuesday**."
        )
    announcement.refresh_from_db()
    assert announcement.sent_at is not None and announcement.recipient_count == 4
    told = set(notifications(Kind.ANNOUNCEMENT).values_list("recipient", flat=True))
    assert told == {m.pk for m in members}
    assert outsider.pk not in told
    assert announcement_services.announcement_send(announcement_id=announcement.pk) == 0
    assert notifications(Kind.ANNOUNCEMENT).count() == 4


def test_announcements_are_rate_limited_and_for_moderators(public_group, owner):
    member = add_member(public_group)
    with pytest.raises(PermissionDenied):
        announcement_services.announcement_create(actor=member, group=public_group, subject="Hi", body="all")
    for n in range(announcement_services.ANNOUNCEMENTS_PER_DAY):
        announcement_services.announcement_create(actor=owner, group=public_group, subject=f"News {n}", body="text")
    with pytest.raises(ValidationError):
        announcement_services.announcement_create(actor=owner, group=public_group, subject="One more", body="text")
    assert Announcement.objects.count() == announcement_services.ANNOUNCEMENTS_PER_DAY
    Announcement.objects.update(created_at=timezone.now() - timedelta(days=2))
    announcement_services.announcement_create(actor=owner, group=public_group, subject="Next day", body="text")


def test_site_moderators_upholding_a_flag_hide_the_post(discussion, staff_user):
    from causeweb.moderation.models import Flag
    from causeweb.moderation.services import flag_create, flag_uphold

    group, thread, author = discussion
    post = Post.objects.get(thread=thread)
    flag = flag_create(reporter=UserFactory(), target=post, reason=Flag.Reason.SPAM)
    flag_uphold(flag=flag, moderator=staff_user, reason="spam")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_by == staff_user
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.UPHELD


def test_group_slugs_avoid_our_urls_and_namesakes_get_a_random_suffix(user):
    first = group_services.group_create(creator=user, name="Bike lanes now")
    second = group_services.group_create(creator=user, name="Bike lanes now")
    assert first.slug == "bike-lanes-now"
    assert second.slug != first.slug and re.fullmatch(r"bike-lanes-now-[0-9a-f]{6}", second.slug)
    for word in ("New", "Invite"):
        group = group_services.group_create(creator=user, name=word)
        assert group.slug not in group_services.RESERVED_SLUGS
        assert group.slug.startswith(f"{word.lower()}-")
    assert group_services.group_create(creator=user, name="!!!").slug == "group"
    long = group_services.group_create(creator=user, name="x" * 80)
    assert len(long.slug) == 80
    assert len(group_services.group_create(creator=user, name="x" * 80).slug) == 87

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from campaigns.models import Campaign, Comment, Follow, ShareClick, ShareLink, Signature
from campaigns.services.authoring import campaign_create, campaign_edit
from campaigns.services.comments import comment_create, comment_delete, comment_edit, comment_hide, comment_unhide
from campaigns.services.follows import campaign_follow, campaign_unfollow
from campaigns.services.lifecycle import (
    campaign_approve,
    campaign_close,
    campaign_close_expired,
    campaign_reject,
    campaign_submit_for_review,
    campaign_unpublish,
)
from campaigns.services.moderation import campaign_flag, comment_flag
from campaigns.services.sharing import (
    REFERRAL_SESSION_KEY,
    share_click_record,
    share_link_get_or_create,
    visitor_fingerprint,
)
from campaigns.services.signatures import SIGNATURE_SALT, signature_confirm, signature_confirm_token, signature_create
from campaigns.services.updates import campaign_update_create
from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from tests.campaigns.conftest import make_image_upload
from tests.campaigns.factories import (
    CampaignFactory,
    CommentFactory,
    DraftCampaignFactory,
    FollowFactory,
    PendingCampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _create(organizer, cause, **overrides):
    fields = {
        "organizer": organizer,
        "title": "Safe bike lanes on Rua Augusta",
        "summary": "Protected lanes so kids can cycle to school.",
        "story": "## Why\n\nTwo crashes this year.",
        "cause": cause,
        "tags": "cycling, Schools, cycling",
        "location": "Lisbon",
        "petition_target": 500,
    }
    fields.update(overrides)
    return campaign_create(**fields)


# --- create / edit --------------------------------------------------------------------------------


def test_create_makes_a_draft_with_rendered_story_unique_slug_and_deduplicated_tags(user, cause):
    first = _create(user, cause)
    second = _create(user, cause)
    assert first.status == Campaign.Status.DRAFT
    assert first.organizer == user
    assert "<h2>Why</h2>" in first.story_html
    assert first.slug == "safe-bike-lanes-on-rua-augusta"
    assert second.slug != first.slug and second.slug.startswith(first.slug)
    assert sorted(t.slug for t in first.tags.all()) == ["cycling", "schools"]


def test_create_reserved_slug_is_avoided(user, cause):
    campaign = _create(user, cause, title="New")
    assert campaign.slug != "new"


def test_create_requires_signed_in_organizer(cause):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        _create(AnonymousUser(), cause)


def test_create_validates_fields(user, cause):
    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, title="  ", summary="", petition_target=0, goal_minor=0)
    errors = excinfo.value.message_dict
    assert {"title", "summary", "petition_target", "goal_minor"} <= set(errors)
    assert not Campaign.objects.exists()


def test_create_rejects_summary_over_280_and_past_deadline(user, cause):
    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, summary="x" * 281)
    assert "summary" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, deadline=timezone.now() - timedelta(days=1))
    assert "deadline" in excinfo.value.message_dict


def test_create_rejects_too_many_tags(user, cause):
    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, tags=",".join(f"t{i}" for i in range(9)))
    assert "tags" in excinfo.value.message_dict


def test_story_is_sanitized(user, cause):
    campaign = _create(
        user,
        cause,
        story='<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">\n\n# Title',
    )
    html = campaign.story_html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h1>Title</h1>" in html


def test_cover_is_validated_and_resized(user, cause):
    campaign = _create(user, cause, cover=make_image_upload(size=(3000, 2000)))
    assert campaign.cover.name.endswith(".jpg")
    from PIL import Image

    with Image.open(campaign.cover.path) as image:
        assert image.format == "JPEG"
        assert image.width <= 1600 and image.height <= 1000


def test_cover_rejects_non_images_and_tiny_images(user, cause):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, cover=SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png"))
    assert "cover" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        _create(user, cause, cover=make_image_upload(size=(50, 50)))
    assert "cover" in excinfo.value.message_dict
    assert not Campaign.objects.exists()


def test_edit_by_organizer_keeps_slug_and_status(campaign, user):
    slug = campaign.slug
    edited = campaign_edit(campaign=campaign, actor=user, title="A better title", tags=["air"])
    assert edited.title == "A better title"
    assert edited.slug == slug
    assert edited.status == Campaign.Status.PUBLISHED
    assert [t.slug for t in edited.tags.all()] == ["air"]


def test_edit_by_someone_else_or_moderator_is_denied(campaign, other_user, moderator):
    for actor in (other_user, moderator):
        with pytest.raises(PermissionDenied):
            campaign_edit(campaign=campaign, actor=actor, title="Hijacked")
    campaign.refresh_from_db()
    assert campaign.title != "Hijacked"


def test_currency_is_locked_once_the_campaign_has_donations(campaign, user):
    from tests.fundraising.factories import DonationFactory

    campaign_edit(campaign=campaign, actor=user, currency="USD")  # no donations yet: allowed
    campaign.refresh_from_db()
    assert campaign.currency == "USD"
    DonationFactory(campaign=campaign)
    with pytest.raises(ValidationError) as excinfo:
        campaign_edit(campaign=campaign, actor=user, currency="GBP")
    assert "currency" in excinfo.value.message_dict
    campaign.refresh_from_db()
    assert campaign.currency == "USD"
    campaign_edit(campaign=campaign, actor=user, currency="USD", title="Same currency is fine")


def test_closed_campaign_cannot_be_edited(campaign, user):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    with pytest.raises(Conflict):  # the campaign's state, not the input: a 409 in the API
        campaign_edit(campaign=campaign, actor=user, title="Changed")


# --- lifecycle ------------------------------------------------------------------------------------


def test_submit_approve_flow_notifies_and_audits(user, cause, moderator, django_capture_on_commit_callbacks):
    campaign = _create(user, cause)
    campaign_submit_for_review(campaign=campaign, actor=user)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW and campaign.submitted_at
    with django_capture_on_commit_callbacks(execute=True):
        campaign_approve(campaign=campaign, moderator=moderator)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED and campaign.published_at
    assert Notification.objects.filter(recipient=user, kind=Kind.CAMPAIGN_APPROVED).count() == 1
    assert ModerationAction.objects.filter(action="campaign_approve", object_id=campaign.pk).exists()
    assert any(campaign.title in message.subject for message in mail.outbox)


def test_submit_twice_is_a_conflict_and_only_the_organizer_submits(user, other_user, cause):
    campaign = _create(user, cause)
    with pytest.raises(PermissionDenied):
        campaign_submit_for_review(campaign=campaign, actor=other_user)
    campaign_submit_for_review(campaign=campaign, actor=user)
    with pytest.raises(Conflict):
        campaign_submit_for_review(campaign=campaign, actor=user)


def test_only_moderators_approve_or_reject(user, other_user):
    campaign = PendingCampaignFactory(organizer=user)
    for actor in (user, other_user):
        with pytest.raises(PermissionDenied):
            campaign_approve(campaign=campaign, moderator=actor)
        with pytest.raises(PermissionDenied):
            campaign_reject(campaign=campaign, moderator=actor, reason="no")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW


def test_staff_without_campaign_permission_is_not_a_moderator(user):
    staff_only = UserFactory(is_staff=True)
    campaign = PendingCampaignFactory(organizer=user)
    with pytest.raises(PermissionDenied):
        campaign_approve(campaign=campaign, moderator=staff_only)


def test_approve_only_pending(moderator):
    with pytest.raises(ValidationError):
        campaign_approve(campaign=DraftCampaignFactory(), moderator=moderator)
    with pytest.raises(Conflict):
        campaign_approve(campaign=CampaignFactory(), moderator=moderator)


def test_reject_requires_reason_and_emails_it(user, moderator, django_capture_on_commit_callbacks):
    campaign = PendingCampaignFactory(organizer=user)
    with pytest.raises(ValidationError):
        campaign_reject(campaign=campaign, moderator=moderator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_reject(campaign=campaign, moderator=moderator, reason="Add a source for the figures.")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.REJECTED
    assert campaign.rejection_reason == "Add a source for the figures."
    notification = Notification.objects.get(recipient=user, kind=Kind.CAMPAIGN_REJECTED)
    assert "Add a source for the figures." in notification.body
    assert any("Add a source for the figures." in message.body for message in mail.outbox)
    assert ModerationAction.objects.get(action="campaign_reject").reason == "Add a source for the figures."
    # The organizer fixes it and submits again.
    campaign_submit_for_review(campaign=campaign, actor=user)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW


def test_close_by_organizer_or_moderator_not_others(user, other_user, moderator):
    campaign = CampaignFactory(organizer=user)
    with pytest.raises(PermissionDenied):
        campaign_close(campaign=campaign, actor=other_user)
    campaign_close(campaign=campaign, actor=user)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED and campaign.closed_at
    with pytest.raises(Conflict):
        campaign_close(campaign=campaign, actor=moderator)
    second = CampaignFactory(organizer=user)
    campaign_close(campaign=second, actor=moderator)
    assert ModerationAction.objects.filter(action="campaign_close", object_id=second.pk).exists()


def test_unpublish_by_moderator_only(user, moderator):
    campaign = CampaignFactory(organizer=user)
    with pytest.raises(PermissionDenied):
        campaign_unpublish(campaign=campaign, moderator=user, reason="x")
    campaign_unpublish(campaign=campaign, moderator=moderator, reason="Misleading figures")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not campaign.is_public
    assert campaign.rejection_reason == "Misleading figures"


def test_close_expired_is_idempotent():
    past = CampaignFactory(deadline=timezone.now() - timedelta(hours=1))
    future = CampaignFactory(deadline=timezone.now() + timedelta(days=3))
    assert campaign_close_expired() == 1
    assert campaign_close_expired() == 0
    past.refresh_from_db()
    future.refresh_from_db()
    assert past.status == Campaign.Status.CLOSED and future.status == Campaign.Status.PUBLISHED


# --- updates --------------------------------------------------------------------------------------


def test_update_notifies_followers_in_bulk_but_not_the_author(campaign, user, django_capture_on_commit_callbacks):
    followers = [FollowFactory(campaign=campaign).user for _ in range(5)]
    FollowFactory(campaign=campaign, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        update = campaign_update_create(
            campaign=campaign, author=user, title="We met the mayor", body="**Big** news <script>x</script>"
        )
    assert "<strong>Big</strong>" in update.body_html and "<script" not in update.body_html
    notified = set(Notification.objects.filter(kind=Kind.CAMPAIGN_UPDATE).values_list("recipient_id", flat=True))
    assert notified == {f.pk for f in followers}
    assert len(mail.outbox) == 5


def test_update_only_by_organizer_and_only_when_public(campaign, other_user, user):
    with pytest.raises(PermissionDenied):
        campaign_update_create(campaign=campaign, author=other_user, title="t", body="b")
    draft = DraftCampaignFactory(organizer=user)
    with pytest.raises(Conflict):  # the campaign's state, not the input: a 409 in the API
        campaign_update_create(campaign=draft, author=user, title="t", body="b")
    with pytest.raises(ValidationError):
        campaign_update_create(campaign=campaign, author=user, title="", body="")


# --- signatures -----------------------------------------------------------------------------------


def test_signed_in_signature_counts_at_once(campaign, other_user):
    signature = signature_create(campaign=campaign, user=other_user, name="", comment="Yes!")
    campaign.refresh_from_db()
    assert signature.is_confirmed and signature.email == other_user.email
    assert signature.name == other_user.public_name
    assert campaign.signature_count == 1


def test_guest_signature_counts_after_email_confirmation(campaign, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    with django_capture_on_commit_callbacks(execute=True):
        signature = signature_create(campaign=campaign, user=AnonymousUser(), name="Ana", email="Ana@Example.org")
    campaign.refresh_from_db()
    assert signature.email == "ana@example.org" and not signature.is_confirmed
    assert campaign.signature_count == 0
    assert len(mail.outbox) == 1 and "/campaigns/signatures/confirm/" in mail.outbox[0].body
    token = signature_confirm_token(signature)
    signature_confirm(token=token)
    signature_confirm(token=token)  # a second click changes nothing
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def test_second_signature_with_same_email_any_case_is_a_conflict(campaign):
    signature_create(campaign=campaign, name="Ana", email="ana@example.org")
    with pytest.raises(Conflict) as excinfo:
        signature_create(campaign=campaign, name="Ana again", email="ANA@example.org")
    assert excinfo.value.code == "already_signed_unconfirmed"
    assert Signature.objects.filter(campaign=campaign).count() == 1


def test_signature_conflict_after_confirmation(campaign, other_user):
    signature_create(campaign=campaign, user=other_user, name="")
    with pytest.raises(Conflict) as excinfo:
        signature_create(campaign=campaign, name="Guest", email=other_user.email.upper())
    assert excinfo.value.code == "already_signed"


def test_signature_token_tampered_or_expired(campaign, settings):
    signature = signature_create(campaign=campaign, name="Ana", email="ana@example.org")
    token = signature_confirm_token(signature)
    with pytest.raises(ValidationError):
        signature_confirm(token=token[:-2] + "xx")
    other_token = signing.TimestampSigner(salt="something-else").sign(str(signature.pk))
    with pytest.raises(ValidationError):
        signature_confirm(token=other_token)
    expired_signer = signing.TimestampSigner(salt=SIGNATURE_SALT)
    eight_days_ago = int(timezone.now().timestamp()) - 8 * 24 * 3600
    expired_signer.timestamp = lambda: signing.b62_encode(eight_days_ago)
    with pytest.raises(ValidationError) as excinfo:
        signature_confirm(token=expired_signer.sign(str(signature.pk)))
    assert excinfo.value.code == "expired"
    signature.refresh_from_db()
    assert not signature.is_confirmed


def test_signatures_only_on_published_campaigns(user):
    for campaign in (DraftCampaignFactory(), PendingCampaignFactory()):
        with pytest.raises(ValidationError):
            signature_create(campaign=campaign, name="A", email="a@example.org")
    closed = CampaignFactory(status=Campaign.Status.CLOSED)
    with pytest.raises(ValidationError):
        signature_create(campaign=closed, user=user, name="")


def test_confirming_after_close_does_not_count(campaign):
    signature = signature_create(campaign=campaign, name="Ana", email="ana@example.org")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    with pytest.raises(ValidationError):
        signature_confirm(token=signature_confirm_token(signature))
    campaign.refresh_from_db()
    assert campaign.signature_count == 0


def test_signature_validation(campaign):
    with pytest.raises(ValidationError) as excinfo:
        signature_create(campaign=campaign, name="", email="not-an-email", comment="x" * 501)
    assert {"name", "email", "comment"} <= set(excinfo.value.message_dict)


def test_signature_records_referral_only_for_same_campaign(campaign):
    link = share_link_get_or_create(campaign=campaign)
    other_link = share_link_get_or_create(campaign=CampaignFactory())
    first = signature_create(campaign=campaign, name="A", email="a@example.org", share_link_id=link.pk)
    second = signature_create(campaign=campaign, name="B", email="b@example.org", share_link_id=other_link.pk)
    assert first.share_link_id == link.pk
    assert second.share_link_id is None


# --- follow ---------------------------------------------------------------------------------------


def test_follow_and_unfollow_keep_the_counter(campaign, other_user):
    campaign_follow(campaign=campaign, user=other_user)
    with pytest.raises(Conflict):
        campaign_follow(campaign=campaign, user=other_user)
    campaign.refresh_from_db()
    assert campaign.follower_count == 1
    campaign_unfollow(campaign=campaign, user=other_user)
    with pytest.raises(Conflict):
        campaign_unfollow(campaign=campaign, user=other_user)
    campaign.refresh_from_db()
    assert campaign.follower_count == 0 and not Follow.objects.exists()


def test_follow_requires_sign_in_and_public_campaign(campaign, other_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        campaign_follow(campaign=campaign, user=AnonymousUser())
    with pytest.raises(ValidationError):
        campaign_follow(campaign=DraftCampaignFactory(), user=other_user)


# --- comments -------------------------------------------------------------------------------------


def test_comment_and_reply_one_level(campaign, other_user, user):
    top = comment_create(campaign=campaign, author=user, body="Top **level**")
    reply = comment_create(campaign=campaign, author=other_user, body="Reply", parent=top)
    reply_to_reply = comment_create(campaign=campaign, author=user, body="Deeper", parent=reply)
    assert "<strong>level</strong>" in top.body_html
    assert reply.parent == top
    assert reply_to_reply.parent == top  # flattened to one level
    # The top comment's author hears about the other person's reply, not their own.
    assert Notification.objects.filter(kind=Kind.COMMENT_REPLY, recipient=user).count() == 1
    assert Notification.objects.filter(kind=Kind.COMMENT_REPLY, recipient=other_user).count() == 0


def test_comment_rules(campaign, other_user):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        comment_create(campaign=campaign, author=AnonymousUser(), body="hi")
    with pytest.raises(ValidationError):
        comment_create(campaign=campaign, author=other_user, body="   ")
    with pytest.raises(ValidationError):
        comment_create(campaign=DraftCampaignFactory(), author=other_user, body="hi")
    foreign = CommentFactory()
    with pytest.raises(ValidationError):
        comment_create(campaign=campaign, author=other_user, body="hi", parent=foreign)


def test_comment_edit_and_delete_by_author_within_window(campaign, other_user, user):
    comment = comment_create(campaign=campaign, author=other_user, body="First")
    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, actor=user, body="Not yours")
    comment_edit(comment=comment, actor=other_user, body="Second <script>x</script>")
    comment.refresh_from_db()
    assert comment.edited_at and "Second" in comment.body_html and "<script" not in comment.body_html
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, actor=other_user, body="Too late")
    with pytest.raises(ValidationError):
        comment_delete(comment=comment, actor=other_user)
    fresh = comment_create(campaign=campaign, author=other_user, body="Oops")
    with pytest.raises(PermissionDenied):
        comment_delete(comment=fresh, actor=user)
    comment_delete(comment=fresh, actor=other_user)
    fresh.refresh_from_db()
    assert fresh.deleted_at and fresh.body == "" and fresh.body_html == ""


def test_hide_by_organizer_or_moderator_only(campaign, user, other_user, moderator):
    comment = CommentFactory(campaign=campaign, author=other_user)
    with pytest.raises(PermissionDenied):
        comment_hide(comment=comment, actor=other_user)
    comment_hide(comment=comment, actor=user, reason="Off topic")
    comment.refresh_from_db()
    assert comment.hidden_at and comment.hidden_by == user
    with pytest.raises(Conflict):
        comment_hide(comment=comment, actor=moderator)
    assert ModerationAction.objects.filter(action="comment_hide", object_id=comment.pk).exists()
    comment_unhide(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_flag_comment_once(campaign, other_user):
    comment = CommentFactory(campaign=campaign)
    comment_flag(comment=comment, reporter=other_user, reason="spam")
    with pytest.raises(Conflict):
        comment_flag(comment=comment, reporter=other_user, reason="spam")
    assert Flag.objects.get().target == comment


def test_upheld_flag_hides_comment_through_registry(campaign, other_user, moderator):
    from causeweb.moderation.services import flag_uphold

    comment = CommentFactory(campaign=campaign)
    flag = comment_flag(comment=comment, reporter=other_user, reason="abuse")
    flag_uphold(flag=flag, moderator=moderator)
    comment.refresh_from_db()
    assert comment.hidden_at is not None


# --- sharing --------------------------------------------------------------------------------------


def test_share_link_one_per_sharer_and_one_anonymous(campaign, user, other_user):
    anonymous = share_link_get_or_create(campaign=campaign)
    assert share_link_get_or_create(campaign=campaign) == anonymous
    mine = share_link_get_or_create(campaign=campaign, user=user)
    assert mine != anonymous and mine.created_by == user
    assert share_link_get_or_create(campaign=campaign, user=user) == mine
    assert share_link_get_or_create(campaign=campaign, user=other_user) not in (mine, anonymous)
    assert ShareLink.objects.count() == 3


def test_share_link_not_for_drafts(user):
    with pytest.raises(ValidationError):
        share_link_get_or_create(campaign=DraftCampaignFactory(), user=user)


def test_share_click_counted_once_per_visitor_per_day(campaign):
    link = share_link_get_or_create(campaign=campaign)
    session = {}
    ana = visitor_fingerprint(user_id=None, ip="10.0.0.1")
    ben = visitor_fingerprint(user_id=None, ip="10.0.0.2")
    assert share_click_record(share_link=link, channel="whatsapp", visitor=ana, session=session)
    assert not share_click_record(share_link=link, channel="x", visitor=ana, session=session)
    assert share_click_record(share_link=link, channel="bogus", visitor=ben)
    link.refresh_from_db()
    assert link.click_count == 2
    assert sorted(ShareClick.objects.values_list("channel", flat=True)) == ["direct", "whatsapp"]
    assert session[REFERRAL_SESSION_KEY] == {str(campaign.pk): link.pk}
    # The next day the same visitor counts again.
    ShareClick.objects.update(day=timezone.now().date() - timedelta(days=1))
    assert share_click_record(share_link=link, channel="x", visitor=ana)


def test_visitor_fingerprint_hides_the_ip():
    fingerprint = visitor_fingerprint(user_id=None, ip="203.0.113.9")
    assert "203.0.113.9" not in fingerprint and len(fingerprint) == 64
    assert fingerprint != visitor_fingerprint(user_id=None, ip="203.0.113.10")
    assert fingerprint != visitor_fingerprint(user_id=7, ip="203.0.113.9")


def test_site_moderator_without_campaign_rights_can_hide_comments(campaign, other_user):
    from django.contrib.auth.models import Permission

    site_moderator = UserFactory(is_staff=True)
    site_moderator.user_permissions.add(Permission.objects.get(codename="change_flag"))
    comment = CommentFactory(campaign=campaign, author=other_user)
    comment_hide(comment=comment, actor=site_moderator)
    comment.refresh_from_db()
    assert comment.hidden_by == site_moderator
    with pytest.raises(PermissionDenied):  # but reviewing campaigns needs the campaign permission
        campaign_approve(campaign=PendingCampaignFactory(), moderator=site_moderator)


def test_flagged_campaign_taken_down_by_site_moderator_and_restored_to_review(campaign, other_user, moderator):
    from causeweb.moderation.services import content_restore, flag_uphold

    flag = campaign_flag(campaign=campaign, reporter=other_user, reason="fraud", note="Fake charity")
    with pytest.raises(Conflict):
        campaign_flag(campaign=campaign, reporter=other_user, reason="fraud")
    flag_uphold(flag=flag, moderator=moderator, reason="Not a real charity")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not campaign.is_public
    assert campaign.rejection_reason == "Not a real charity"
    assert Notification.objects.filter(recipient=campaign.organizer, kind=Kind.CAMPAIGN_REJECTED).exists()
    content_restore(target=campaign, moderator=moderator)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW


def test_only_public_campaigns_can_be_flagged(other_user):
    with pytest.raises(ValidationError):
        campaign_flag(campaign=DraftCampaignFactory(), reporter=other_user, reason="spam")


def test_signing_in_with_the_address_of_an_unconfirmed_guest_signature_confirms_it(campaign, other_user):
    guest = signature_create(campaign=campaign, name="Me", email=other_user.email.upper())
    signature = signature_create(campaign=campaign, user=other_user, name="")
    assert signature.pk == guest.pk and signature.is_confirmed and signature.user == other_user
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    with pytest.raises(Conflict):
        signature_create(campaign=campaign, user=other_user, name="")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1

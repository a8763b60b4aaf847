"""The campaign review page in admin (campaigns/admin/review.py): what a moderator sees (the story
rendered and sanitized, the cover, the goal in money, the organizer's record, edits as a diff), the
Approve / Reject buttons on the page (POST only, permission-checked, same services as the list
action, organizer notified), and CAMPAIGN_EDIT_REVIEW ("resubmit" | "notify")."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from campaigns.models import Campaign, CampaignRevision
from campaigns.services import authoring, lifecycle
from causeweb.core.checks import check_campaign_edit_review
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.roles import FINANCE, MODERATOR
from causeweb.notifications.models import Notification
from tests.campaigns.factories import PendingCampaignFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return staff_with_role(MODERATOR)


@pytest.fixture
def finance():
    return staff_with_role(FINANCE)


@pytest.fixture
def pending():
    return PendingCampaignFactory(
        story="## Why\n\nClean **water**.\n\n<script>alert('x')</script><img src=x onerror=alert(1)>",
        goal_minor=1_250_000,
        currency="EUR",
    )


def change_url(campaign, model="campaign"):
    return reverse(f"admin:campaigns_{model}_change", args=[campaign.pk])


def test_change_page_shows_the_story_rendered_and_sanitized_the_goal_in_money_and_the_history(
    client, moderator, pending
):
    older = CampaignFactory(organizer=pending.organizer, status=Campaign.Status.CLOSED, title="Older petition")
    for _ in range(2):
        Flag.objects.create(
            content_type=ContentType.objects.get_for_model(Campaign),
            object_id=older.pk,
            reporter=UserFactory(),
            reason="spam",
            status="upheld",
        )
    client.force_login(moderator)
    page = client.get(change_url(pending)).content.decode()
    body = page[page.index('<section id="campaign-review"') : page.index("</section>")]
    assert "<strong>water</strong>" in body  # rendered, not Markdown source
    assert "<script>alert" not in body and "onerror" not in body  # sanitized
    assert "€12,500" in body  # the goal in money, not 1250000 minor units
    assert "Older petition" in body and "Closed" in body
    assert "0 / 2 / 2" in body  # the older campaign's flags: open / upheld / all
    assert "day" in body and "old" in body  # account age
    assert 'id="approve-campaign"' in body and 'id="reject-campaign"' in body


def test_review_queue_change_page_has_the_buttons_too(client, moderator, pending):
    client.force_login(moderator)
    body = client.get(change_url(pending, "pendingcampaign")).content.decode()
    assert 'id="approve-campaign"' in body
    # The read-only form below shows the story rendered and the goal in money too (it showed the
    # stored HTML escaped, "&lt;h2&gt;", and the goal in minor units).
    form = body[body.index("</section>") :]
    assert "&lt;h2&gt;" not in form and "<strong>water</strong>" in form
    assert "1250000" not in form and "€12,500" in form
    assert reverse("admin:campaigns_pendingcampaign_approve", args=[pending.pk]) in body


def test_no_buttons_on_a_published_campaign(client, moderator):
    campaign = CampaignFactory()
    client.force_login(moderator)
    body = client.get(change_url(campaign)).content.decode()
    assert 'id="approve-campaign"' not in body


def test_approve_from_the_page_publishes_audits_and_tells_the_organizer(client, moderator, pending):
    client.force_login(moderator)
    response = client.post(reverse("admin:campaigns_campaign_approve", args=[pending.pk]))
    assert response.status_code == 302 and response.url == change_url(pending)
    pending.refresh_from_db()
    assert pending.status == Campaign.Status.PUBLISHED
    assert ModerationAction.objects.filter(action="campaign_approve", object_id=pending.pk).exists()
    assert Notification.objects.filter(recipient=pending.organizer, kind="campaign_approved").count() == 1


def test_reject_from_the_page_needs_a_reason_and_sends_it(client, moderator, pending):
    client.force_login(moderator)
    url = reverse("admin:campaigns_campaign_reject", args=[pending.pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert response.status_code == 200
    assert "Tell the organizer why" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Campaign.Status.PENDING_REVIEW
    client.post(url, {"reason": "Add a source for the figures."})
    pending.refresh_from_db()
    assert pending.status == Campaign.Status.REJECTED and pending.rejection_reason == "Add a source for the figures."
    notice = Notification.objects.get(recipient=pending.organizer, kind="campaign_rejected")
    assert "Add a source for the figures." in notice.body


def test_approving_twice_is_a_message_not_a_500(client, moderator, pending):
    client.force_login(moderator)
    url = reverse("admin:campaigns_campaign_approve", args=[pending.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "already published" in response.content.decode()
    assert Notification.objects.filter(kind="campaign_approved").count() == 1


def test_review_buttons_are_post_only(client, moderator, pending):
    client.force_login(moderator)
    assert client.get(reverse("admin:campaigns_campaign_approve", args=[pending.pk])).status_code == 405
    pending.refresh_from_db()
    assert pending.status == Campaign.Status.PENDING_REVIEW


@pytest.mark.parametrize("role", ["finance", "plain_staff", "anonymous"])
def test_who_may_not_approve_or_reject(client, pending, finance, role):
    if role == "finance":
        client.force_login(finance)
    elif role == "plain_staff":
        client.force_login(UserFactory(is_staff=True))
    for name, data in (("approve", {}), ("reject", {"reason": "no"})):
        response = client.post(reverse(f"admin:campaigns_campaign_{name}", args=[pending.pk]), data)
        assert response.status_code in (302, 403)
        if response.status_code == 302:  # anonymous: to the admin login
            assert "/login/" in response.url
    pending.refresh_from_db()
    assert pending.status == Campaign.Status.PENDING_REVIEW
    assert not Notification.objects.exists()


def test_unknown_campaign_is_404(client, moderator):
    client.force_login(moderator)
    assert client.post(reverse("admin:campaigns_campaign_approve", args=[999999])).status_code == 404


def test_bulk_approve_stays(client, moderator):
    first, second = PendingCampaignFactory(), PendingCampaignFactory()
    client.force_login(moderator)
    client.post(
        reverse("admin:campaigns_pendingcampaign_changelist"),
        {"action": "approve", "_selected_action": [first.pk, second.pk]},
    )
    assert Campaign.objects.filter(pk__in=[first.pk, second.pk], status="published").count() == 2


# --- Editing a published campaign: CAMPAIGN_EDIT_REVIEW -----------------------------------------


def test_resubmit_mode_sends_a_story_edit_back_to_review(settings):
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    campaign = CampaignFactory(goal_minor=100_00, currency="EUR")
    authoring.campaign_edit(campaign=campaign, actor=campaign.organizer, story="A whole new story.")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW and campaign.submitted_at is not None
    revision = CampaignRevision.objects.get(campaign=campaign)
    assert revision.resubmitted and revision.story_after == "A whole new story."
    assert not campaign.is_public  # off the public site until approved again


def test_notify_mode_keeps_it_live_and_shows_moderators_the_diff(settings, client, moderator):
    settings.CAMPAIGN_EDIT_REVIEW = "notify"
    campaign = CampaignFactory(story="Line one\nLine two", goal_minor=100_00, currency="EUR")
    authoring.campaign_edit(campaign=campaign, actor=campaign.organizer, story="Line one\nLine 2", goal_minor=5000_00)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED
    revision = CampaignRevision.objects.get(campaign=campaign)
    assert not revision.resubmitted and revision.goal_changed
    client.force_login(moderator)
    body = client.get(change_url(campaign)).content.decode()
    assert '<span class="del">-Line two</span>' in body and '<span class="add">+Line 2</span>' in body
    assert "<del>€100</del> → <ins>€5,000</ins>" in body
    client.post(reverse("admin:campaigns_campaign_edits_reviewed", args=[campaign.pk]))
    revision.refresh_from_db()
    assert revision.reviewed_by == moderator
    assert "Edits since the last review" not in client.get(change_url(campaign)).content.decode()


def test_finance_cannot_mark_edits_seen(client, finance, settings):
    settings.CAMPAIGN_EDIT_REVIEW = "notify"
    campaign = CampaignFactory()
    authoring.campaign_edit(campaign=campaign, actor=campaign.organizer, story="Changed")
    client.force_login(finance)
    assert client.post(reverse("admin:campaigns_campaign_edits_reviewed", args=[campaign.pk])).status_code == 403
    assert CampaignRevision.objects.get(campaign=campaign).reviewed_at is None


@pytest.mark.parametrize("mode", ["resubmit", "notify"])
def test_edits_of_other_fields_or_drafts_record_nothing(settings, mode):
    settings.CAMPAIGN_EDIT_REVIEW = mode
    live = CampaignFactory()
    authoring.campaign_edit(campaign=live, actor=live.organizer, title="A better title")
    draft = CampaignFactory(status=Campaign.Status.DRAFT, published_at=None)
    authoring.campaign_edit(campaign=draft, actor=draft.organizer, story="Draft rewrite")
    assert not CampaignRevision.objects.exists()
    live.refresh_from_db()
    assert live.status == Campaign.Status.PUBLISHED


def test_approving_a_resubmitted_campaign_marks_its_edits_reviewed(settings, moderator):
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    campaign = CampaignFactory()
    authoring.campaign_edit(campaign=campaign, actor=campaign.organizer, story="New")
    lifecycle.campaign_approve(campaign=campaign, moderator=moderator)
    assert CampaignRevision.objects.get(campaign=campaign).reviewed_by == moderator


def test_an_unknown_mode_fails_loudly(settings):
    settings.CAMPAIGN_EDIT_REVIEW = "sometimes"
    campaign = CampaignFactory()
    with pytest.raises(ImproperlyConfigured):
        authoring.campaign_edit(campaign=campaign, actor=campaign.organizer, story="New")


def test_the_system_check_refuses_an_unknown_mode(settings):
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    assert check_campaign_edit_review(None) == []
    settings.CAMPAIGN_EDIT_REVIEW = "sometimes"
    assert [error.id for error in check_campaign_edit_review(None)] == ["causeweb.E010"]


def test_the_organizer_is_told_when_an_edit_goes_back_to_review(client, settings):
    settings.CAMPAIGN_EDIT_REVIEW = "resubmit"
    campaign = CampaignFactory()
    client.force_login(campaign.organizer)
    form = client.get(reverse("campaigns:edit", args=[campaign.slug])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "cover"}
    data["story"] = "A rewritten story"
    response = client.post(reverse("campaigns:edit", args=[campaign.slug]), data, follow=True)
    assert "A moderator reviews the new story" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING_REVIEW

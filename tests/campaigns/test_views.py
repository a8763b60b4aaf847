import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from campaigns import selectors
from campaigns.models import Campaign, Comment, ShareClick, ShareLink, Signature
from campaigns.services.authoring import campaign_create
from campaigns.services.sharing import share_link_get_or_create
from causeweb.moderation.models import Flag
from tests.campaigns.conftest import make_image_upload
from tests.campaigns.factories import (
    CampaignFactory,
    CommentFactory,
    DraftCampaignFactory,
    SignatureFactory,
    UpdateFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(cause, **overrides):
    data = {
        "title": "Trees for Elm Street",
        "summary": "Plant 40 street trees before summer.",
        "story": "## Shade\n\nThe street is 5 degrees hotter than the park.",
        "cause": cause.pk,
        "tags": "trees, heat",
        "location": "Dublin",
        "petition_target": "300",
        "goal": "2500.50",
        "currency": "EUR",
        "deadline": "",
        "cover_alt": "",
    }
    data.update(overrides)
    return data


# --- browse ---------------------------------------------------------------------------------------


def test_list_shows_published_with_search_filters_and_pagination(client, cause):
    CampaignFactory.create_batch(14, cause=cause)
    DraftCampaignFactory(title="Secret draft")
    CampaignFactory(title="Kites over Galway", cause=cause)
    response = client.get(reverse("campaigns:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" not in html
    assert "15 campaigns" in html
    assert 'rel="next"' in html
    page2 = client.get(reverse("campaigns:list"), {"page": 2})
    assert page2.context["page"].number == 2 and len(page2.context["campaigns"]) == 3
    found = client.get(reverse("campaigns:list"), {"q": "kites", "cause": cause.slug, "sort": "newest"})
    assert [c.title for c in found.context["campaigns"]] == ["Kites over Galway"]
    bad = client.get(reverse("campaigns:list"), {"sort": "<script>", "page": "999", "status": "weird"})
    assert bad.status_code == 200


def test_list_query_count_is_constant(client, cause, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CampaignFactory.create_batch(3, cause=cause)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("campaigns:list"))
    for index in range(30):
        campaign = CampaignFactory(cause=CampaignFactory().cause if index % 3 else cause)
        SignatureFactory.create_batch(2, campaign=campaign)
        campaign.tags.create(name=f"tag{index}", slug=f"tag{index}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("campaigns:list"), {"q": "water", "sort": "trending"})
    assert len(many) == len(few)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaigns:list"))
    # The few queries still render the rows: the first page of the trending order, every card.
    expected = list(selectors.campaign_search(sort="trending")[:12])
    assert len(expected) == 12
    assert [c.pk for c in response.context["campaigns"]] == [c.pk for c in expected]
    html = response.content.decode()
    assert all(f'href="{campaign.get_absolute_url()}"' in html for campaign in expected)


def test_home_page_cards_show_cover_and_progress(client, cause):
    campaign = campaign_create(
        organizer=CampaignFactory().organizer,
        title="Cover test",
        summary="s",
        story="t",
        cause=cause,
        petition_target=200,
        cover=make_image_upload(),
    )
    Campaign.objects.filter(pk=campaign.pk).update(status="published", published_at=campaign.created_at)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=50)
    html = client.get(reverse("home")).content.decode()
    assert campaign.cover.url in html
    assert 'aria-valuenow="25"' in html and "50</strong> of 200 signatures" in html


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_story_updates_comments_share_and_meta(client, campaign):
    UpdateFactory(campaign=campaign, title="Council vote on Friday")
    top = CommentFactory(campaign=campaign, body_html="<p>Count me in</p>")
    CommentFactory(campaign=campaign, parent=top, body_html="<p>Me too</p>")
    response = client.get(campaign.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Because water is life." in html
    assert "Council vote on Friday" in html
    assert "Count me in" in html and "Me too" in html
    assert '<meta property="og:title" content="Clean water' in html
    assert '<meta name="twitter:card"' in html
    assert f'<link rel="canonical" href="http://testserver{campaign.get_absolute_url()}">' in html
    link = ShareLink.objects.get(campaign=campaign, created_by=None)
    assert f"http://testserver/s/{link.code}" in html
    networks = ("x.com/intent/tweet", "facebook.com/sharer", "wa.me", "linkedin.com/sharing", "t.me/share", "mailto:")
    for network in networks:
        assert network in html
    assert "data-web-share" in html and "data-copy=" in html
    assert response["X-Frame-Options"] == "DENY"


def test_detail_og_image_is_absolute_cover_url(client, user, cause):
    campaign = campaign_create(
        organizer=user, title="With cover", summary="s", story="t", cause=cause, cover=make_image_upload()
    )
    Campaign.objects.filter(pk=campaign.pk).update(status="published")
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{campaign.cover.url}">' in html
    assert 'content="summary_large_image"' in html


def test_signed_in_sharer_gets_their_own_link(client, campaign, other_user):
    client.force_login(other_user)
    client.get(campaign.get_absolute_url())
    assert ShareLink.objects.filter(campaign=campaign, created_by=other_user).exists()


def test_detail_query_count_is_constant(client, campaign, other_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(other_user)

    def count():
        client.get(campaign.get_absolute_url())  # warm: share link created once
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(campaign.get_absolute_url())
        assert response.status_code == 200
        return len(ctx)

    first = CommentFactory(campaign=campaign)
    CommentFactory(campaign=campaign, parent=first)
    UpdateFactory(campaign=campaign)
    SignatureFactory(campaign=campaign)
    few = count()
    for _ in range(15):
        top = CommentFactory(campaign=campaign)
        CommentFactory.create_batch(3, campaign=campaign, parent=top)
        UpdateFactory(campaign=campaign)
    SignatureFactory.create_batch(40, campaign=campaign)
    many = count()
    assert many == few, f"{few} queries with little data, {many} with lots"
    assert many <= 20


def test_draft_is_not_public_but_organizer_is_sent_to_preview(client, user, other_user):
    draft = DraftCampaignFactory(organizer=user)
    url = reverse("campaigns:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("campaigns:preview", args=[draft.slug])).status_code == 404
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("campaigns:preview", args=[draft.slug])
    preview = client.get(response.url)
    assert preview.status_code == 200 and "Submit for review" in preview.content.decode()
    assert '<meta name="robots" content="noindex">' in preview.content.decode()


def test_embed_is_frameable_and_qr_is_svg(client, campaign):
    embed = client.get(reverse("campaigns:embed", args=[campaign.slug]))
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    html = embed.content.decode()
    assert campaign.title in html and "Add your name" in html and "?via=embed" in html
    qr = client.get(reverse("campaigns:qr", args=[campaign.slug]))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<svg")
    assert client.get(reverse("campaigns:embed", args=[DraftCampaignFactory().slug])).status_code == 404


def test_counter_partial(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=42)
    response = client.get(reverse("campaigns:counter", args=[campaign.slug]))
    assert "<strong>42</strong> signed" in response.content.decode()


# --- organizer ------------------------------------------------------------------------------------


def test_create_requires_login(client):
    response = client.get(reverse("campaigns:create"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_create_draft_with_cover_then_submit(client, user, cause):
    client.force_login(user)
    data = form_data(cause, cover=make_image_upload(), cover_alt="A sunny street")
    response = client.post(reverse("campaigns:create"), data)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:preview", args=[campaign.slug])
    assert campaign.status == "draft" and campaign.organizer == user
    assert campaign.goal_minor == 250050 and campaign.currency == "EUR"
    assert campaign.cover and campaign.cover_alt == "A sunny street"
    assert sorted(t.slug for t in campaign.tags.all()) == ["heat", "trees"]
    client.post(reverse("campaigns:submit", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == "pending_review"


def test_create_shows_errors_for_bad_input(client, user, cause):
    client.force_login(user)
    response = client.post(
        reverse("campaigns:create"),
        form_data(cause, title="", goal="10.555", cover=make_image_upload(size=(20, 20))),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "goal", "cover"} <= set(errors)
    assert not Campaign.objects.exists()


def test_jpy_goal_with_decimals_is_rejected(client, user, cause):
    client.force_login(user)
    response = client.post(reverse("campaigns:create"), form_data(cause, goal="1000.50", currency="JPY"))
    assert "goal" in response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "language", "goal_minor"),
    [
        ("10.000,00", "de", 1_000_000),
        ("10,000.00", "en", 1_000_000),
        ("12,50", "en", 1250),
        ("2500", "en", 250_000),
    ],
)
def test_goal_is_read_like_a_donation_amount(client, user, cause, typed, language, goal_minor):
    client.force_login(user)
    response = client.post(reverse("campaigns:create"), form_data(cause, goal=typed), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, response.context["form"].errors
    assert Campaign.objects.get().goal_minor == goal_minor


# "10.000" was read as a goal of ten; like a donation amount it is now refused as ambiguous.
@pytest.mark.parametrize("typed", ["10.000", "10,000", "0.50", "abc", "-5", "99999999999999"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_goal_that_cannot_be_read_is_a_field_error(client, user, cause, typed, language):
    client.force_login(user)
    response = client.post(reverse("campaigns:create"), form_data(cause, goal=typed), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and "goal" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_edit_form_shows_the_goal_so_it_reads_back_the_same(client, campaign, user, cause):
    campaign.goal_minor = 1_000_000
    campaign.save(update_fields=["goal_minor"])
    client.force_login(user)
    form = client.get(reverse("campaigns:edit", args=[campaign.slug])).context["form"]
    assert form.initial["goal"] == "10000.00"


def test_edit_only_by_organizer(client, campaign, user, other_user, cause):
    url = reverse("campaigns:edit", args=[campaign.slug])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(cause, title="Hijack")).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(cause, title="Renamed"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Renamed" and campaign.status == "published"


def test_submit_and_close_permissions(client, user, other_user):
    draft = DraftCampaignFactory(organizer=user)
    client.force_login(other_user)
    assert client.post(reverse("campaigns:submit", args=[draft.slug])).status_code == 404
    published = CampaignFactory(organizer=user)
    assert client.post(reverse("campaigns:close", args=[published.slug])).status_code == 404
    published.refresh_from_db()
    assert published.status == "published"
    client.force_login(user)
    client.post(reverse("campaigns:close", args=[published.slug]))
    published.refresh_from_db()
    assert published.status == "closed"


def test_post_update_by_organizer_only(client, campaign, user, other_user):
    url = reverse("campaigns:update_create", args=[campaign.slug])
    client.force_login(other_user)
    assert client.post(url, {"title": "Fake", "body": "news"}).status_code == 404
    client.force_login(user)
    response = client.post(url, {"title": "Real news", "body": "We won a meeting"})
    assert response.status_code == 302 and "#update-" in response.url
    assert campaign.updates.get().title == "Real news"
    empty = client.post(url, {"title": "", "body": ""})
    assert empty.status_code == 400


def test_signatures_csv_for_organizer_only_and_formula_safe(client, campaign, user, other_user):
    SignatureFactory(campaign=campaign, name='=HYPERLINK("http://evil")', comment="+1 from me")
    url = reverse("campaigns:signatures_csv", args=[campaign.slug])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["name", "email", "comment"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")' and rows[1][2] == "'+1 from me"


def test_my_campaigns_and_stats(client, user, other_user, campaign):
    client.force_login(user)
    html = client.get(reverse("campaigns:mine")).content.decode()
    assert campaign.title in html
    assert client.get(reverse("campaigns:stats", args=[campaign.slug])).status_code == 200
    client.force_login(other_user)
    assert campaign.title not in client.get(reverse("campaigns:mine")).content.decode()
    assert client.get(reverse("campaigns:stats", args=[campaign.slug])).status_code == 404


# --- signatures -----------------------------------------------------------------------------------


def test_guest_signs_confirms_by_email_and_a_second_attempt_says_so(
    client, campaign, django_capture_on_commit_callbacks
):
    url = reverse("campaigns:sign", args=[campaign.slug])
    data = {"name": "Ana", "email": "ana@example.org", "comment": "For my kids", "is_public": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert "we sent a link" in messages_of(response)[0]
    signature = Signature.objects.get()
    assert not signature.is_confirmed
    assert len(mail.outbox) == 1
    confirm_path = re.search(r"/campaigns/signatures/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    again = client.post(url, data, follow=True)
    assert again.status_code == 200
    assert "already signed" in again.content.decode()
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert (
        "Check your inbox to confirm your signature" in detail
        and 'action="/campaigns/' not in detail.split('id="sign"')[1].split("</section>")[0]
    )
    page = client.get(confirm_path)
    assert page.status_code == 200 and "Confirm my signature" in page.content.decode()
    signature.refresh_from_db()
    assert not signature.is_confirmed  # a GET (mail scanner) does not confirm
    client.post(confirm_path)
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert "You signed this petition" in client.get(campaign.get_absolute_url()).content.decode()
    bad = client.get("/campaigns/signatures/confirm/forged:token/")
    assert bad.status_code == 400 and "not valid" in bad.content.decode()


def test_signed_in_signature_counts_and_page_says_so(client, campaign, other_user):
    client.force_login(other_user)
    client.post(reverse("campaigns:sign", args=[campaign.slug]), {"name": "Me", "is_public": "on"})
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "You signed this petition" in html


def test_sign_with_bad_email_rerenders_with_error(client, campaign):
    response = client.post(reverse("campaigns:sign", args=[campaign.slug]), {"name": "Ana", "email": "nope"})
    assert response.status_code == 400
    assert "email" in response.context["signature_form"].errors
    assert not Signature.objects.exists()


def test_cannot_sign_closed_or_draft(client):
    closed = CampaignFactory(status="closed")
    response = client.post(reverse("campaigns:sign", args=[closed.slug]), {"name": "A", "email": "a@example.org"})
    assert response.status_code == 400 and not Signature.objects.exists()
    draft = DraftCampaignFactory()
    assert client.post(reverse("campaigns:sign", args=[draft.slug]), {"name": "A"}).status_code == 404


# --- sharing --------------------------------------------------------------------------------------


def test_share_link_counts_once_keeps_referral_and_attributes_signature(client, campaign, other_user):
    sharer_link = share_link_get_or_create(campaign=campaign, user=other_user)
    response = client.get(f"/s/{sharer_link.code}?via=whatsapp", HTTP_USER_AGENT="Phone")
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    client.get(f"/s/{sharer_link.code}?via=whatsapp", HTTP_USER_AGENT="Phone")
    sharer_link.refresh_from_db()
    assert sharer_link.click_count == 1
    assert ShareClick.objects.get().channel == "whatsapp"
    client.post(reverse("campaigns:sign", args=[campaign.slug]), {"name": "Friend", "email": "friend@example.org"})
    assert Signature.objects.get().share_link == sharer_link
    # Another visitor is another click.
    from django.test import Client

    Client().get(f"/s/{sharer_link.code}", HTTP_USER_AGENT="Laptop", REMOTE_ADDR="10.1.1.1")
    sharer_link.refresh_from_db()
    assert sharer_link.click_count == 2


def test_unknown_or_unpublished_share_code_is_404(client, user, cause):
    assert client.get("/s/nope").status_code == 404
    campaign = CampaignFactory()
    link = share_link_get_or_create(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status="draft")
    assert client.get(f"/s/{link.code}").status_code == 404


# --- follow and comments --------------------------------------------------------------------------


def test_follow_unfollow(client, campaign, other_user):
    url = reverse("campaigns:follow", args=[campaign.slug])
    assert client.post(url).status_code == 302 and not campaign.follows.exists()  # anonymous -> login
    client.force_login(other_user)
    client.post(url)
    assert campaign.follows.filter(user=other_user).exists()
    again = client.post(url)
    assert any("already follow" in m for m in messages_of(again))
    client.post(reverse("campaigns:unfollow", args=[campaign.slug]))
    assert not campaign.follows.exists()


def test_comment_reply_edit_delete_flag_hide(client, campaign, user, other_user):
    client.force_login(other_user)
    client.post(reverse("campaigns:comment_create", args=[campaign.slug]), {"body": "First!"})
    top = Comment.objects.get()
    client.post(reverse("campaigns:comment_create", args=[campaign.slug]), {"body": "Reply", "parent": top.pk})
    reply = Comment.objects.exclude(pk=top.pk).get()
    assert reply.parent == top
    client.post(reverse("campaigns:comment_edit", args=[campaign.slug, top.pk]), {"body": "First, edited"})
    top.refresh_from_db()
    assert top.body == "First, edited" and top.edited_at
    # The organizer cannot edit someone else's comment, but can hide it.
    client.force_login(user)
    assert client.get(reverse("campaigns:comment_edit", args=[campaign.slug, top.pk])).status_code == 403
    client.post(reverse("campaigns:comment_flag", args=[campaign.slug, reply.pk]), {"reason": "spam"})
    assert Flag.objects.get().object_id == reply.pk
    client.post(reverse("campaigns:comment_hide", args=[campaign.slug, reply.pk]))
    reply.refresh_from_db()
    assert reply.hidden_at
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "This comment was hidden by a moderator." in html and ">Reply</p>" not in html
    # A stranger cannot hide.
    client.force_login(other_user)
    response = client.post(reverse("campaigns:comment_hide", args=[campaign.slug, top.pk]))
    top.refresh_from_db()
    assert top.hidden_at is None and "organizer or a moderator" in messages_of(response)[0]
    client.post(reverse("campaigns:comment_delete", args=[campaign.slug, top.pk]))
    top.refresh_from_db()
    assert top.deleted_at


def test_comment_requires_login_and_body(client, campaign, other_user):
    url = reverse("campaigns:comment_create", args=[campaign.slug])
    assert client.post(url, {"body": "hi"}).status_code == 302 and not Comment.objects.exists()
    client.force_login(other_user)
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "x", "parent": "abc"}).status_code == 404
    assert client.post(url, {"body": "x", "parent": "999999"}).status_code == 404


# --- admin review queue ---------------------------------------------------------------------------


def test_admin_approve_and_reject_with_reason(client, staff_user, user, django_capture_on_commit_callbacks):
    from tests.campaigns.factories import PendingCampaignFactory

    first = PendingCampaignFactory(organizer=user)
    second = PendingCampaignFactory(organizer=user)
    client.force_login(staff_user)
    queue = client.get("/admin/campaigns/pendingcampaign/")
    assert first.title in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/campaigns/pendingcampaign/", {"action": "approve", "_selected_action": [first.pk]}, follow=True
        )
    first.refresh_from_db()
    assert first.status == "published"
    form_page = client.post("/admin/campaigns/pendingcampaign/", {"action": "reject", "_selected_action": [second.pk]})
    assert form_page.status_code == 200 and "Reason" in form_page.content.decode()
    missing = client.post(
        "/admin/campaigns/pendingcampaign/", {"action": "reject", "_selected_action": [second.pk], "apply": "1"}
    )
    assert missing.status_code == 200
    second.refresh_from_db()
    assert second.status == "pending_review"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/campaigns/pendingcampaign/",
            {"action": "reject", "_selected_action": [second.pk], "apply": "1", "reason": "Cite your sources."},
        )
    second.refresh_from_db()
    assert second.status == "rejected" and second.rejection_reason == "Cite your sources."
    assert any("Cite your sources." in m.body for m in mail.outbox)
    assert first.title not in client.get("/admin/campaigns/pendingcampaign/").content.decode()


def test_admin_is_closed_to_non_staff(client, user):
    client.force_login(user)
    response = client.get("/admin/campaigns/pendingcampaign/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_guest_signatures_are_rate_limited_per_visitor(client, settings):
    GUEST_SIGNATURES_PER_HOUR = int(settings.RATE_LIMITS["signature_guest_ip"].split("/")[0])
    campaigns = CampaignFactory.create_batch(2)
    for index in range(GUEST_SIGNATURES_PER_HOUR):
        client.post(
            reverse("campaigns:sign", args=[campaigns[index % 2].slug]),
            {"name": "Bot", "email": f"victim+{index}@example.org"},
        )
    assert Signature.objects.count() == GUEST_SIGNATURES_PER_HOUR
    blocked = client.post(reverse("campaigns:sign", args=[campaigns[0].slug]), {"name": "B", "email": "x@example.org"})
    assert blocked.status_code == 302 and any("Too many signatures" in m for m in messages_of(blocked))
    assert Signature.objects.count() == GUEST_SIGNATURES_PER_HOUR
    from django.test import Client

    other_device = Client(REMOTE_ADDR="10.9.9.9")
    other_device.post(reverse("campaigns:sign", args=[campaigns[0].slug]), {"name": "Real", "email": "r@example.org"})
    assert Signature.objects.count() == GUEST_SIGNATURES_PER_HOUR + 1


def test_campaign_page_has_unique_element_ids(client, campaign, user):
    CommentFactory(campaign=campaign)
    client.force_login(user)  # the organizer sees the most forms: sign, update, comment, replies
    html = client.get(campaign.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


def test_report_campaign(client, campaign, other_user):
    url = reverse("campaigns:flag", args=[campaign.slug])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(other_user)
    assert "Report this campaign" in client.get(campaign.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "misinformation", "note": "Numbers are made up"})
    assert Flag.objects.get().target == campaign
    again = client.post(url, {"reason": "spam"})
    assert any("already flagged" in m for m in messages_of(again))


def test_comment_pages_and_all_updates(client, campaign):
    from campaigns.selectors import COMMENTS_ON_PAGE

    oldest = CommentFactory(campaign=campaign, body_html="<p>The very first comment</p>")
    CommentFactory.create_batch(COMMENTS_ON_PAGE, campaign=campaign)
    first_page = client.get(campaign.get_absolute_url()).content.decode()
    assert "The very first comment" not in first_page and "?comments=2#comments" in first_page
    second_page = client.get(campaign.get_absolute_url(), {"comments": 2}).content.decode()
    assert f'id="comment-{oldest.pk}"' in second_page
    assert client.get(campaign.get_absolute_url(), {"comments": "junk"}).status_code == 200
    updates = UpdateFactory.create_batch(6, campaign=campaign)
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "All updates" in detail
    listing = client.get(reverse("campaigns:updates", args=[campaign.slug])).content.decode()
    assert all(update.title in listing for update in updates)
    assert client.get(reverse("campaigns:updates", args=[DraftCampaignFactory().slug])).status_code == 404


@pytest.mark.parametrize(
    "agent",
    [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "WhatsApp/2.23.20.0",
        "Twitterbot/1.0",
        "TelegramBot (like TwitterBot)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0)",
        "",
    ],
)
def test_link_preview_fetches_are_not_clicks(client, campaign, agent):
    link = share_link_get_or_create(campaign=campaign)
    response = client.get(f"/s/{link.code}?via=whatsapp", HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.click_count == 0 and not ShareClick.objects.exists()


def _staff_with(*codenames):
    from django.contrib.auth.models import Permission

    person = UserFactory(is_staff=True)
    person.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames))
    return person


def test_campaign_moderators_cannot_download_signer_emails(client, campaign):
    SignatureFactory(campaign=campaign, email="signer@example.org")
    url = reverse("campaigns:signatures_csv", args=[campaign.slug])
    moderator = _staff_with("change_campaign")
    client.force_login(moderator)
    assert client.get(url).status_code == 404
    # They still manage the campaign (preview), but the page offers no export link.
    preview = client.get(reverse("campaigns:preview", args=[campaign.slug]))
    assert preview.status_code == 200
    assert url not in preview.content.decode()
    client.force_login(UserFactory(is_staff=True))  # staff without any permission
    assert client.get(url).status_code == 404


def test_signatures_export_for_staff_with_the_dedicated_permission(client, campaign):
    SignatureFactory(campaign=campaign, email="signer@example.org")
    url = reverse("campaigns:signatures_csv", args=[campaign.slug])
    exporter = _staff_with("export_signatures")
    client.force_login(exporter)
    response = client.get(url)
    assert response.status_code == 200
    assert "signer@example.org" in b"".join(response.streaming_content).decode()
    exporter.is_active = False
    exporter.save()
    client.force_login(exporter)
    assert client.get(url).status_code in (302, 404)
    # The permission without staff status is not enough either.
    not_staff = _staff_with("export_signatures")
    not_staff.is_staff = False
    not_staff.save()
    client.force_login(not_staff)
    assert client.get(url).status_code == 404


def test_export_signatures_policy(campaign, user, other_user):
    from django.contrib.auth.models import AnonymousUser

    from campaigns.policies import can_export_signatures

    assert can_export_signatures(user, campaign)
    assert not can_export_signatures(other_user, campaign)
    assert not can_export_signatures(AnonymousUser(), campaign)
    assert not can_export_signatures(_staff_with("change_campaign"), campaign)
    assert can_export_signatures(_staff_with("export_signatures"), campaign)
    assert can_export_signatures(UserFactory(is_staff=True, is_superuser=True), campaign)
    user.is_active = False
    assert not can_export_signatures(user, campaign)


def test_the_thank_you_shows_in_the_share_box_the_page_scrolls_to(client, campaign, other_user):
    client.force_login(other_user)
    response = client.post(reverse("campaigns:sign", args=[campaign.slug]), {"name": "Me"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#share")
    html = response.content.decode()
    share_box = html[html.index('id="share"') :]
    top = html[: html.index('id="main"')]
    assert "your name is on the petition" in share_box.split("</section>")[0]
    assert "your name is on the petition" not in top

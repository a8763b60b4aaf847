"""The public profile an @mention links to (/people/<handle>/): the person's name, since when they are
here, the live campaigns they started and the public groups they belong to; nothing from a private
or by-request group, no donation, no email address, nothing signed privately; 404 for an unknown or
suspended person; "noindex" unless they chose to be listed."""

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services.comments import comment_create
from causeweb.accounts.selectors import people_with_handle
from causeweb.moderation.services import user_suspend
from communities.models import Group
from communities.services.discussions import thread_create
from fundraising.models import Donation
from tests.campaigns.factories import CampaignFactory, SignatureFactory
from tests.communities.factories import GroupFactory, add_member
from tests.factories import UserFactory, staff_with_role
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db

URL = "/people/NoraNunes/"


@pytest.fixture
def nora():
    return UserFactory(display_name="Nora Nunes", email="nora.secret@example.org")


def _page(client, url=URL):
    response = client.get(url)
    return response, response.content.decode()


def test_the_profile_shows_public_campaigns_and_public_groups(client, nora):
    CampaignFactory(organizer=nora, title="Shade trees for Alfama")
    CampaignFactory(organizer=nora, title="Draft idea", status=Campaign.Status.DRAFT)
    add_member(GroupFactory(name="Open Cyclists"), nora)
    response, html = _page(client)
    assert response.status_code == 200
    assert "Nora Nunes" in html and "@NoraNunes" in html
    assert "Shade trees for Alfama" in html and "Open Cyclists" in html
    assert "Draft idea" not in html
    assert str(nora.date_joined.year) in html


def test_the_handle_is_case_insensitive(client, nora):
    assert client.get("/people/noranunes/").status_code == 200


def test_private_and_by_request_groups_are_never_shown(client, nora):
    add_member(GroupFactory(name="Secret Tenants Union", visibility=Group.Visibility.PRIVATE), nora)
    add_member(GroupFactory(name="Vetted Organisers", visibility=Group.Visibility.REQUEST), nora)
    _, html = _page(client)
    assert "Secret Tenants Union" not in html and "Vetted Organisers" not in html


def test_no_donation_no_private_signature_and_no_email_address(client, nora):
    campaign = FundraisingCampaignFactory(title="School lunches for Marvila")
    DonationFactory(
        donor=nora, email=nora.email, campaign=campaign, visibility=Donation.Visibility.ANONYMOUS,
        state=Donation.State.SUCCEEDED, succeeded_at=timezone.now(), donor_name="Nora Nunes",
    )  # fmt: skip
    SignatureFactory(
        user=nora, email=nora.email, name="Nora Nunes", is_public=False,
        campaign=CampaignFactory(title="Quiet petition about the clinic"), confirmed_at=timezone.now(),
    )  # fmt: skip
    _, html = _page(client)
    assert "School lunches for Marvila" not in html and "Quiet petition about the clinic" not in html
    assert "nora.secret" not in html and "example.org" not in html


def test_unknown_people_without_a_name_and_suspended_people_are_404(client, nora):
    assert client.get("/people/NobodyHere/").status_code == 404
    nameless = UserFactory(display_name="", email="anon.person@example.org")
    assert client.get(f"/people/{nameless.email.split('@')[0]}/").status_code == 404
    user_suspend(user=nora, moderator=staff_with_role("Moderator"), rule="spam")
    assert client.get(URL).status_code == 404


def test_noindex_unless_the_person_opted_in(client, nora):
    _, html = _page(client)
    assert '<meta name="robots" content="noindex">' in html
    nora.show_profile = True
    nora.save(update_fields=["show_profile"])
    _, html = _page(client)
    assert 'content="noindex"' not in html


def test_the_profile_form_saves_the_choice(client, nora):
    client.force_login(nora)
    response = client.post(
        "/me/",
        {"display_name": "Nora Nunes", "bio": "", "location": "", "timezone": "", "language": "", "show_profile": "on"},
    )
    assert response.status_code == 302
    nora.refresh_from_db()
    assert nora.show_profile is True


def test_mentions_in_comments_and_group_posts_link_to_the_profile(nora):
    campaign = CampaignFactory(organizer=nora)
    writer = UserFactory(display_name="Rui Resident")
    comment = comment_create(campaign=campaign, author=writer, body="Thanks @NoraNunes! And @nobody_here.")
    assert f'<a class="mention" href="{URL}">@NoraNunes</a>!' in comment.body_html
    assert '<span class="mention">@nobody_here.</span>' in comment.body_html
    group = GroupFactory(owner=nora)
    member = add_member(group)
    thread = thread_create(group=group, author=member, title="Hello", body="Welcome @noranunes, see `@NoraNunes`")
    opening = thread.posts.get()
    assert f'<a class="mention" href="{URL}">@noranunes</a>' in opening.body_html  # as written
    assert "<code>@NoraNunes</code>" in opening.body_html


def test_a_suspended_persons_handle_is_not_linked(nora):
    user_suspend(user=nora, moderator=staff_with_role("Moderator"), rule="spam")
    comment = comment_create(campaign=CampaignFactory(), author=UserFactory(), body="Hi @NoraNunes")
    assert "<a" not in comment.body_html and '<span class="mention">@NoraNunes</span>' in comment.body_html


@pytest.mark.postgres
def test_the_handle_lookup_reads_the_expression_index(nora):
    sql, params = people_with_handle("noranunes").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "accounts_user_handle" in plan, plan

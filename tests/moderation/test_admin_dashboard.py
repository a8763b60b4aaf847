"""The admin as a trust-and-safety and finance tool: the index's "Needs attention" panel per role
(causeweb.core.hooks.admin_attention), change lists at a constant query count with thousands of
rows, money formatted and linked, and CSV export of a filtered list, permission-checked."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from causeweb.core.hooks import attention_items
from causeweb.moderation import selectors
from causeweb.moderation.models import Appeal, Flag
from causeweb.moderation.roles import ADMIN, FINANCE, MODERATOR
from causeweb.notifications.models import Notification
from fundraising.models import Discrepancy, Donation, ReconciliationRun
from tests.campaigns.factories import PendingCampaignFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory

pytestmark = pytest.mark.django_db
INDEX = "/admin/"


@pytest.fixture
def waiting_work(settings):
    """One of each thing the dashboard counts."""
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    PendingCampaignFactory()
    PendingCampaignFactory()
    flagged = CampaignFactory()
    Flag.objects.create(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=flagged.pk, reporter=UserFactory(),
        reason="spam",
    )  # fmt: skip
    run = ReconciliationRun.objects.create(window_start=timezone.now(), window_end=timezone.now(), status="succeeded")
    Discrepancy.objects.create(run=run, kind=Discrepancy.Kind.UNKNOWN_CHARGE, status="open", subject="ch_1")
    Notification.objects.create(
        email="x@example.org", kind="campaign_update", title="t", dedupe_key="k1", email_status="failed"
    )


def panel(client):
    html = client.get(INDEX).content.decode()
    return html[html.index('id="needs-attention"') : html.index("</div>", html.index('id="needs-attention"'))]


def test_moderator_sees_content_items_only(client, waiting_work):
    client.force_login(staff_with_role(MODERATOR))
    html = panel(client)
    assert "Campaigns waiting for review" in html and "Reported items in the moderation queue" in html
    assert reverse("admin:campaigns_pendingcampaign_changelist") in html
    assert "<strong" in html and ">2</strong>" in html  # two pending campaigns
    assert "Reconciliation" not in html and "Emails that failed" not in html


def test_finance_sees_money_items_only(client, waiting_work):
    client.force_login(staff_with_role(FINANCE))
    html = panel(client)
    assert "Reconciliation discrepancies open" in html and "?status__exact=open" in html
    assert "Campaigns waiting" not in html and "moderation queue" not in html


def test_admin_sees_everything_and_every_link_opens(client, waiting_work):
    client.force_login(staff_with_role(ADMIN))
    html = panel(client)
    for label in (
        "Campaigns waiting for review",
        "Reported items",
        "Reconciliation",
        "Emails that failed",
        "rate limit",
    ):
        assert label in html
    for url in re.findall(r'href="([^"]+)"', html):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert "?e=1" not in getattr(response, "url", "")


def test_plain_staff_see_nothing_to_act_on(client, waiting_work):
    client.force_login(UserFactory(is_staff=True))
    assert "Nothing for your role here." in panel(client)


def test_dashboard_queries_do_not_grow_with_the_work(client, settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    client.force_login(staff_with_role(ADMIN))
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for _ in range(30):
        PendingCampaignFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(INDEX)
    assert len(many) == len(few)


# --- change lists ---------------------------------------------------------------------------------


def _bulk_campaigns(n, organizer, cause):
    Campaign.objects.bulk_create(
        Campaign(
            organizer=organizer, cause=cause, title=f"C{i}", slug=f"bulk-{uuid.uuid4().hex[:10]}", summary="s",
            story="x", status="published", goal_minor=10_000 + i, currency="EUR", published_at=timezone.now(),
        )
        for i in range(n)
    )  # fmt: skip


def _bulk_donations(n, campaign):
    Donation.objects.bulk_create(
        Donation(
            campaign=campaign, donor_name=f"D{i}", email=f"d{i}@example.org", amount_minor=2500 + i, fee_minor=0,
            currency="EUR", state="succeeded", visibility="name",
        )
        for i in range(n)
    )  # fmt: skip


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("admin_url", ["campaign", "pendingcampaign"])
def test_campaign_lists_stay_at_a_constant_query_count(client, admin_url):
    first = CampaignFactory()
    client.force_login(staff_with_role(MODERATOR))
    url = reverse(f"admin:campaigns_{admin_url}_changelist")
    _bulk_campaigns(10, UserFactory(), first.cause)
    small, _ = _queries(client, url)
    for _ in range(3):  # many organizers, not one
        _bulk_campaigns(330, UserFactory(), first.cause)
    large, html = _queries(client, url)
    assert large == small
    if admin_url == "campaign":
        assert "€103.29" in html and "10329" not in html  # the goal as money, not minor units


def test_donation_list_stays_constant_and_links_to_campaign_and_organizer(client):
    campaign = FundraisingCampaignFactory()
    client.force_login(staff_with_role(FINANCE))
    url = reverse("admin:fundraising_donation_changelist")
    _bulk_donations(10, campaign)
    small, _ = _queries(client, url)
    busy = FundraisingCampaignFactory()
    _bulk_donations(1000, busy)
    large, html = _queries(client, url)
    assert large == small
    assert reverse("admin:campaigns_campaign_change", args=[busy.pk]) in html
    assert re.search(r"€\d\d\.\d\d<", html)  # money, not minor units
    client.force_login(staff_with_role(ADMIN))
    campaign_page = client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert reverse("admin:accounts_user_change", args=[busy.organizer_id]) in campaign_page


# --- CSV export -----------------------------------------------------------------------------------


def _export(client, url, ids, **filters):
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return client.post(
        f"{url}?{query}" if query else url,
        {"action": "export_as_csv", "select_across": "1", "index": "0", "_selected_action": ids},
    )


def test_csv_export_of_a_filtered_list(client):
    for n in range(3):
        PendingCampaignFactory(title=f"Pending {n}")
    CampaignFactory(title='=HYPERLINK("http://evil")', goal_minor=5000, currency="EUR")
    client.force_login(staff_with_role(MODERATOR))
    url = reverse("admin:campaigns_campaign_changelist")
    response = _export(client, url, [c.pk for c in Campaign.objects.all()[:1]], status__exact="pending_review")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Title", "Organizer", "Cause"]
    assert sorted(row[0] for row in rows[1:]) == ["Pending 0", "Pending 1", "Pending 2"]  # the filter, all pages
    everything = _export(client, url, [Campaign.objects.first().pk])
    text = b"".join(everything.streaming_content).decode()
    assert "'=HYPERLINK" in text and "€50" in text  # formula-safe, money formatted


def test_csv_export_of_donations_is_finance_only(client):
    DonationFactory()
    url = reverse("admin:fundraising_donation_changelist")
    client.force_login(staff_with_role(MODERATOR))
    assert _export(client, url, [Donation.objects.get().pk]).status_code == 403
    client.force_login(staff_with_role(FINANCE))
    response = _export(client, url, [Donation.objects.get().pk])
    assert response.status_code == 200
    assert "€25" in b"".join(response.streaming_content).decode()


def test_finance_cannot_export_campaigns(client):
    CampaignFactory()
    client.force_login(staff_with_role(FINANCE))
    response = _export(client, reverse("admin:campaigns_campaign_changelist"), [Campaign.objects.get().pk])
    assert response.status_code == 403


def test_old_flags_are_counted_as_overdue(client, settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    settings.MODERATION_ALERT_AFTER = timedelta(hours=1)
    target = CampaignFactory()
    flag = Flag.objects.create(
        content_type=ContentType.objects.get_for_model(Campaign), object_id=target.pk, reporter=UserFactory(),
        reason="spam",
    )  # fmt: skip
    assert selectors.queue_counts() == {"items": 1, "overdue": 0}
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert selectors.queue_counts() == {"items": 1, "overdue": 1}


def test_the_dashboard_counts_appeals_for_those_who_decide_them():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    finance = staff_with_role(FINANCE)
    labels = {item.label: item for item in attention_items(user=superuser)}
    appeals = labels["Appeals waiting for a decision"]
    assert appeals.count == Appeal.objects.filter(status=Appeal.Status.PENDING).count()
    assert "status__exact=pending" in appeals.url
    assert "Appeals waiting for a decision" not in {i.label for i in attention_items(user=finance)}

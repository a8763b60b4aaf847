"""The public transparency log at /moderation/ and /api/v1/moderation/decisions/: decisions with
content type, rule, date, outcome and appeal outcome; nothing personal, nothing hidden."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from causeweb.moderation import services
from causeweb.moderation.models import ModerationAction
from causeweb.moderation.transparency import transparency_monthly_totals
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(moderator, second_moderator):
    """An event hidden for spam and appealed (overturned), a campaign's reports dismissed, and an
    author suspended for abuse."""
    event = EventFactory(title="Secret pill party", host=UserFactory(email="host@example.org"))
    reporter = UserFactory(email="reporter@example.org")
    flag = services.flag_create(reporter=reporter, target=event, reason="spam", note="reporter's private note")
    services.flag_uphold(flag=flag, moderator=moderator, reason="moderator's private note")
    appeal = services.appeal_create(
        decision=ModerationAction.objects.get(action="hide"), appellant=event.host, statement="my statement"
    )
    services.appeal_decide(appeal=appeal, moderator=second_moderator, outcome="overturn")
    campaign = CampaignFactory(title="Plant trees")
    services.flag_dismiss(
        flag=services.flag_create(reporter=reporter, target=campaign, reason="fraud"), moderator=moderator
    )
    services.user_suspend(user=UserFactory(email="troll@example.org"), moderator=moderator, rule="abuse", note="slurs")
    # Not decisions about content: not in the public log.
    services.moderation_action_record(moderator=moderator, action="campaign_approve", target=CampaignFactory())
    return event


def test_page_lists_decisions_without_personal_data(client, decisions, moderator):
    response = client.get("/moderation/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Event", "Campaign", "Account", "Spam or advertising", "Fraud or scam", "Harassment or hate",
                  "Content hidden", "Reports dismissed", "Account suspended", "Decision overturned",
                  "Not appealed", "Cannot be appealed"):  # fmt: skip
        assert shown in page, shown
    for secret in ("Secret pill party", "Plant trees", "host@example.org", "reporter@example.org",
                   "troll@example.org", moderator.email, "private note", "my statement", "slurs"):  # fmt: skip
        assert secret not in page, secret
    assert "campaign_approve" not in page and "Campaign approve" not in page


def test_monthly_totals_per_rule(decisions):
    [month] = transparency_monthly_totals()
    assert month["month"] == timezone.now().date().replace(day=1)
    assert month["totals"] == {"spam": 1, "fraud": 1, "abuse": 1}
    assert month["total"] == 3
    assert month["cells"] == [1, 1, 0, 1, 0]  # in the order of the rules


def test_page_is_paginated_with_constant_queries(client, moderator, django_assert_max_num_queries):
    for _ in range(55):
        services.moderation_action_record(moderator=moderator, action="hide", target=EventFactory(), rule="spam")
    with django_assert_max_num_queries(6):
        first = client.get("/moderation/")
    assert "Page 1 of 2" in first.content.decode()
    assert client.get("/moderation/", {"page": 2}).content.decode().count("<tr><td data-label=") == 5
    assert client.get("/moderation/", {"page": "nonsense"}).status_code == 200


def test_empty_log(client):
    page = client.get("/moderation/").content.decode()
    assert "No decisions yet" in page


def test_api_list_is_public_paginated_and_impersonal(client, decisions, moderator):
    response = client.get("/api/v1/moderation/decisions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    newest = body["results"][0]
    assert set(newest) == {"id", "content_type", "rule", "rule_label", "decided_at", "outcome", "outcome_label",
                           "appeal", "appeal_label"}  # fmt: skip
    assert (newest["content_type"], newest["rule"], newest["outcome"], newest["appeal"]) == (
        "account", "abuse", "suspend_user", "none"
    )  # fmt: skip
    hidden = body["results"][-1]
    assert (hidden["content_type"], hidden["outcome"], hidden["appeal"]) == ("event", "hide", "overturned")
    text = response.content.decode()
    assert "example.org" not in text and "Secret pill party" not in text


def test_api_monthly_totals(client, decisions):
    body = client.get("/api/v1/moderation/decisions/monthly/").json()
    assert body[0]["total"] == 3
    assert {row["rule"]: row["count"] for row in body[0]["rules"]} == {"spam": 1, "fraud": 1, "abuse": 1}


def test_monthly_totals_split_by_month_and_drop_old_months(moderator):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=40)):
        services.moderation_action_record(moderator=moderator, action="hide", target=EventFactory(), rule="spam")
    with time_machine.travel(now - timedelta(days=800)):
        services.moderation_action_record(moderator=moderator, action="hide", target=EventFactory(), rule="spam")
    services.moderation_action_record(moderator=moderator, action="dismiss_flags", target=EventFactory(), rule="fraud")
    months = transparency_monthly_totals(months=12)
    assert [m["totals"] for m in months] == [{"fraud": 1}, {"spam": 1}]
    assert months[0]["month"] > months[1]["month"]

"""One queue over all content: every registered type hidden and restored from it (events and
groups included), flags grouped by item, the three resolutions, automatic hiding at N flags, and
the API, which refuses everyone but site moderators."""

import pytest

from causeweb.moderation import selectors, services
from causeweb.moderation.models import Flag, ModerationAction
from causeweb.moderation.roles import FINANCE, MODERATOR
from communities.models import Group
from events.models import Event
from tests.communities.factories import GroupFactory
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/flag/queue/"
API_QUEUE = "/api/v1/moderation/queue/"
API_RESOLVE = "/api/v1/moderation/queue/resolve/"


@pytest.fixture
def moderator():
    return staff_with_role(MODERATOR)


@pytest.fixture
def finance():
    return staff_with_role(FINANCE)


def _flag(target, reason="spam", note=""):
    return services.flag_create(reporter=UserFactory(), target=target, reason=reason, note=note)


def test_event_hidden_from_the_queue_is_gone_for_the_public_and_restored(client, moderator):
    event = EventFactory(title="Fake rally")
    _flag(event, "fraud")
    client.force_login(moderator)
    response = client.post(QUEUE, {"content_type": "events.event", "object_id": event.pk, "resolution": "hide"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.hidden_at is not None and event.hidden_by == moderator
    assert Flag.objects.get().status == Flag.Status.UPHELD
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Fake rally" not in client.get("/events/").content.decode()
    assert client.get(f"/api/v1/events/{event.slug}/").status_code == 404
    client.force_login(event.host)
    assert client.get(event.get_absolute_url()).status_code == 200  # the host still sees it
    services.content_restore(target=event, moderator=moderator)
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 200
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("id")) == ["hide", "restore"]


def test_group_hidden_from_the_queue_404s_for_members_and_outsiders_until_restored(client, moderator):
    owner = UserFactory()
    group = GroupFactory(name="Scam circle", owner=owner)
    flag = _flag(group, "fraud")
    services.flag_uphold(flag=flag, moderator=moderator)
    group.refresh_from_db()
    assert group.hidden_at is not None
    assert client.get(group.get_absolute_url()).status_code == 404
    assert "Scam circle" not in client.get("/groups/").content.decode()
    client.force_login(owner)
    assert client.get(group.get_absolute_url()).status_code == 200
    services.content_restore(target=group, moderator=moderator)
    client.logout()
    assert client.get(group.get_absolute_url()).status_code == 200
    assert Group.objects.get(pk=group.pk).hidden_at is None


def test_queue_groups_flags_by_item_with_reporters_reasons_and_content(moderator, django_assert_max_num_queries):
    event = EventFactory(title="Rally", description="Bring your wallet to me")
    for reason in ("fraud", "fraud", "spam"):
        _flag(event, reason, note="asks for cash")
    campaigns = [CampaignFactory(story=f"Story {n}") for n in range(10)]
    for campaign in campaigns:
        _flag(campaign)
    with django_assert_max_num_queries(8):
        items = selectors.flag_queue()
    assert len(items) == 11
    first = items[0]
    assert (first.label, first.object_id, first.reporters) == ("events.event", event.pk, 3)
    assert first.reasons == [("Fraud or scam", 2), ("Spam or advertising", 1)]
    assert first.preview == "Bring your wallet to me" and first.can_hide
    assert first.notes == ["asks for cash"] * 3


def test_admin_queue_page_shows_items_inline_for_moderators_only(client, moderator, finance):
    event = EventFactory(description="Buy <b>pills</b> here")
    _flag(event)
    _flag(event, "abuse")
    client.force_login(finance)
    assert client.get(QUEUE).status_code == 403
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "2 reporters" in page
    assert "Buy &lt;b&gt;pills&lt;/b&gt; here" in page  # the content, escaped
    assert "Hide and suspend the author" in page


def test_hide_and_suspend_the_author(client, moderator):
    event = EventFactory()
    flag = _flag(event, "abuse")
    services.flag_uphold(flag=flag, moderator=moderator, reason="harassment", suspend_author=True)
    event.refresh_from_db()
    event.host.refresh_from_db()
    assert event.hidden_at is not None and not event.host.is_active
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {"hide", "suspend_user"}


def test_dismiss_keeps_the_content(moderator):
    event = EventFactory()
    flag = _flag(event)
    services.flag_dismiss(flag=flag, moderator=moderator)
    event.refresh_from_db()
    assert event.hidden_at is None
    assert Flag.objects.get().status == Flag.Status.DISMISSED


def test_n_open_flags_hide_pending_review(settings, client):
    settings.MODERATION_AUTO_HIDE_FLAGS = 3
    event = EventFactory()
    _flag(event)
    _flag(event)
    assert Event.objects.get(pk=event.pk).hidden_at is None
    _flag(event)
    assert Event.objects.get(pk=event.pk).hidden_at is not None
    assert client.get(event.get_absolute_url()).status_code == 404
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.OPEN}  # still waits for review
    action = ModerationAction.objects.get()
    assert (action.action, action.moderator) == ("auto_hide", None)
    assert [item.object_id for item in selectors.flag_queue()] == [event.pk]


def test_auto_hide_off_at_zero(settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    event = EventFactory()
    for _ in range(6):
        _flag(event)
    assert Event.objects.get(pk=event.pk).hidden_at is None


def test_api_queue_and_resolve_for_moderators(client, moderator):
    event = EventFactory()
    _flag(event, "fraud")
    client.force_login(moderator)
    listing = client.get(API_QUEUE)
    assert listing.status_code == 200
    assert listing.json()[0]["content_type"] == "events.event"
    assert listing.json()[0]["reasons"] == [{"reason": "Fraud or scam", "count": 1}]
    response = client.post(
        API_RESOLVE,
        {"content_type": "events.event", "object_id": event.pk, "resolution": "hide"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["flags_closed"] == 1
    assert Event.objects.get(pk=event.pk).hidden_at is not None
    again = client.post(
        API_RESOLVE,
        {"content_type": "events.event", "object_id": event.pk, "resolution": "hide"},
        content_type="application/json",
    )
    assert again.status_code == 404  # nothing open any more


def test_api_refuses_finance_and_people(client, finance):
    event = EventFactory()
    _flag(event)
    body = {"content_type": "events.event", "object_id": event.pk, "resolution": "hide"}
    for person in (finance, UserFactory()):
        client.force_login(person)
        assert client.get(API_QUEUE).status_code == 403
        assert client.post(API_RESOLVE, body, content_type="application/json").status_code == 403
    client.logout()
    assert client.get(API_QUEUE).status_code in (401, 403)
    assert Event.objects.get(pk=event.pk).hidden_at is None


def test_api_rejects_bad_input(client, moderator):
    client.force_login(moderator)
    bad = client.post(
        API_RESOLVE, {"content_type": "x", "object_id": "a", "resolution": "burn"}, content_type="application/json"
    )
    assert bad.status_code == 400

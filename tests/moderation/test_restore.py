"""Restore, for every registered content type, from the admin queue and from the API: audited,
listed on the public transparency log, refused to Finance and people, and refused for content
moderators did not hide."""

import pytest
from django.apps import apps

from causeweb.core.exceptions import Conflict
from causeweb.moderation import selectors, services
from causeweb.moderation.models import Flag, ModerationAction
from communities.services import discussions
from tests.campaigns.factories import CommentFactory, UpdateFactory
from tests.communities.factories import GroupFactory, add_member
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/flag/queue/"
API_RESTORE = "/api/v1/moderation/restore/"
API_HIDDEN = "/api/v1/moderation/hidden/"


def _thread():
    group = GroupFactory()
    member = add_member(group)
    return discussions.thread_create(author=member, group=group, title="Offers", body="Hello")


def _post():
    thread = _thread()
    return discussions.post_create(author=thread.author, thread=thread, body="Buy followers cheap")


MAKERS = {
    "events.event": EventFactory,
    "communities.group": GroupFactory,
    "communities.thread": _thread,
    "communities.post": _post,
    "campaigns.campaign": CampaignFactory,
    "campaigns.comment": CommentFactory,
    "campaigns.campaignupdate": UpdateFactory,
}


def _hidden(label, moderator):
    target = MAKERS[label]()
    services.flag_uphold(
        flag=services.flag_create(reporter=UserFactory(), target=target, reason="fraud"), moderator=moderator
    )
    return target


def _is_hidden(target) -> bool:
    return selectors.hiding_decision_for(target) is not None


def _visible_state(target):
    """A field the content's app flips when hiding/restoring, read fresh."""
    fresh = apps.get_model(target._meta.label).objects.get(pk=target.pk)
    if target._meta.label_lower == "campaigns.campaign":
        return fresh.status
    return getattr(fresh, "hidden_at", None) is None and not getattr(fresh, "is_hidden", False)


def test_every_registered_type_is_covered():
    from causeweb.moderation.registry import hideable_labels

    assert hideable_labels() == set(MAKERS)


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_restore_from_the_admin_queue(client, moderator, label):
    target = _hidden(label, moderator)
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert f'id="hidden-{label}-{target.pk}"' in page
    response = client.post(
        QUEUE, {"content_type": label, "object_id": target.pk, "resolution": "restore", "reason": "second look"}
    )
    assert response.status_code == 302
    assert not _is_hidden(target)
    if label == "campaigns.campaign":
        assert _visible_state(target) == "pending_review"  # back to review, not straight online
    else:
        assert _visible_state(target) is True
    restore = ModerationAction.objects.filter(action="restore").get()
    assert (restore.moderator, restore.rule, restore.reason) == (moderator, "fraud", "second look")
    assert f'id="hidden-{label}-{target.pk}"' not in client.get(QUEUE).content.decode()


@pytest.mark.parametrize("label", ["events.event", "communities.group", "campaigns.campaignupdate"])
def test_restore_from_the_api_and_the_transparency_log(client, moderator, label):
    target = _hidden(label, moderator)
    client.force_login(moderator)
    hidden = client.get(API_HIDDEN).json()
    assert [(row["content_type"], row["object_id"], row["outcome"]) for row in hidden] == [(label, target.pk, "hide")]
    response = client.post(
        API_RESTORE, {"content_type": label, "object_id": target.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"content_type": label, "object_id": target.pk, "flags_closed": 0}
    assert not _is_hidden(target)
    assert client.get(API_HIDDEN).json() == []
    again = client.post(API_RESTORE, {"content_type": label, "object_id": target.pk}, content_type="application/json")
    assert again.status_code == 409  # not hidden any more
    client.logout()
    outcomes = [row["outcome"] for row in client.get("/api/v1/moderation/decisions/").json()["results"]]
    assert outcomes == ["restore", "hide"]
    assert "Content restored" in client.get("/moderation/").content.decode()


def test_restoring_content_hidden_pending_review_closes_its_flags(settings, client, moderator):
    settings.MODERATION_AUTO_HIDE_FLAGS = 2
    event = EventFactory()
    for _ in range(2):
        services.flag_create(reporter=UserFactory(), target=event, reason="spam")
    item = selectors.flag_queue()[0]
    assert item.hidden
    client.force_login(moderator)
    assert "Restore (dismiss the reports)" in client.get(QUEUE).content.decode()
    client.post(QUEUE, {"content_type": "events.event", "object_id": event.pk, "resolution": "restore"})
    assert not _is_hidden(event)
    assert set(Flag.objects.values_list("status", flat=True)) == {Flag.Status.DISMISSED}
    assert selectors.flag_queue() == []


def test_finance_and_people_cannot_restore(client, moderator, finance):
    event = _hidden("events.event", moderator)
    body = {"content_type": "events.event", "object_id": event.pk}
    for person, admin_status in ((finance, 403), (UserFactory(), 302)):  # not staff: to the admin login
        client.force_login(person)
        assert client.post(QUEUE, {**body, "resolution": "restore"}).status_code == admin_status
        assert client.post(API_RESTORE, body, content_type="application/json").status_code == 403
        assert client.get(API_HIDDEN).status_code == 403
    client.logout()
    assert client.post(API_RESTORE, body, content_type="application/json").status_code in (401, 403)
    assert _is_hidden(event)
    assert not ModerationAction.objects.filter(action="restore").exists()


def test_content_nobody_hid_is_not_restored(client, moderator):
    draft = CampaignFactory(status="draft")
    with pytest.raises(Conflict):
        services.content_restore(target=draft, moderator=moderator)
    client.force_login(moderator)
    response = client.post(
        API_RESTORE, {"content_type": "campaigns.campaign", "object_id": draft.pk}, content_type="application/json"
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft"  # not sent to review


def test_restore_api_rejects_bad_input(client, moderator):
    client.force_login(moderator)
    for body in (
        {"content_type": "x", "object_id": "a"},
        {"content_type": "events.event", "object_id": 0},
    ):
        assert client.post(API_RESTORE, body, content_type="application/json").status_code == 400
    unknown = {"content_type": "accounts.user", "object_id": moderator.pk}
    assert client.post(API_RESTORE, unknown, content_type="application/json").status_code == 404
    missing = {"content_type": "events.event", "object_id": 999999}
    assert client.post(API_RESTORE, missing, content_type="application/json").status_code == 404

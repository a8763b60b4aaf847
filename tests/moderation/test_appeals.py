"""Appeals: once per decision, from the signed link in the notice (or signed in), only by the
person the decision is about; a different moderator upholds or overturns, and they are told."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import formats

from causeweb.core.exceptions import Conflict, PermissionDenied
from causeweb.moderation import services
from causeweb.moderation.appeal_links import appeal_path, read_appeal_token
from causeweb.moderation.models import Appeal, ModerationAction
from causeweb.notifications.models import Notification
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_event(moderator):
    event = EventFactory()
    flag = services.flag_create(reporter=UserFactory(email="reporter@example.org"), target=event, reason="spam")
    services.flag_uphold(flag=flag, moderator=moderator, reason="selling pills")
    event.refresh_from_db()
    return event


def _decision(action="hide"):
    return ModerationAction.objects.get(action=action)


def _appeal_url(event):
    return Notification.objects.get(recipient=event.host, title__startswith="A moderator hid").url


def test_the_author_is_told_with_an_appeal_link(hidden_event):
    notice = Notification.objects.get(recipient=hidden_event.host)
    assert notice.title == "A moderator hid your event"
    assert "Spam or advertising" in notice.body and "selling pills" in notice.body
    token = notice.url.rstrip("/").rsplit("/", 1)[1]
    assert read_appeal_token(token) == (_decision().pk, hidden_event.host_id)


def test_appeal_from_the_signed_link_signed_out_once(client, hidden_event):
    url = _appeal_url(hidden_event)
    page = client.get(url)
    assert page.status_code == 200 and "Send my appeal" in page.content.decode()
    assert "Content hidden" in page.content.decode()
    response = client.post(url, {"statement": "It was a bake sale."})
    assert response.status_code == 200 and "Your appeal was sent" in response.content.decode()
    appeal = Appeal.objects.get()
    assert (appeal.appellant, appeal.status, appeal.decision) == (hidden_event.host, "pending", _decision())
    second = client.post(url, {"statement": "Again!"})
    assert second.status_code == 409
    assert "already appealed this decision" in second.content.decode()
    assert Appeal.objects.count() == 1


def test_an_empty_appeal_is_a_field_error(client, hidden_event):
    response = client.post(_appeal_url(hidden_event), {"statement": "  "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_forged_or_borrowed_link_is_refused(client, hidden_event):
    url = _appeal_url(hidden_event)
    assert client.get(url[:-3] + "xx/").status_code == 404
    someone_else = appeal_path(decision_id=_decision().pk, user_id=UserFactory().pk)
    assert client.get(someone_else).status_code == 404
    assert client.post(someone_else, {"statement": "let me"}).status_code == 404
    assert not Appeal.objects.exists()


def test_signed_in_route_is_for_the_author_only(client, hidden_event):
    url = f"/moderation/decisions/{_decision().pk}/appeal/"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.post(url, {"statement": "not mine"}).status_code == 404
    client.force_login(hidden_event.host)
    assert client.post(url, {"statement": "mine"}).status_code == 200
    assert Appeal.objects.get().appellant == hidden_event.host


def test_the_service_refuses_anyone_but_the_subject(hidden_event):
    with pytest.raises(PermissionDenied):
        services.appeal_create(decision=_decision(), appellant=AnonymousUser(), statement="x")
    with pytest.raises(PermissionDenied):
        services.appeal_create(decision=_decision(), appellant=UserFactory(), statement="x")
    services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="x")
    with pytest.raises(Conflict):
        services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="y")


def test_pending_review_and_dismissals_cannot_be_appealed(moderator):
    event = EventFactory()
    flag = services.flag_create(reporter=UserFactory(), target=event, reason="spam")
    services.flag_dismiss(flag=flag, moderator=moderator)
    with pytest.raises(PermissionDenied):
        services.appeal_create(decision=_decision("dismiss_flags"), appellant=event.host, statement="x")


def test_overturning_restores_the_content_and_tells_them(hidden_event, second_moderator, notices):
    appeal = services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="bake sale")
    services.appeal_decide(appeal=appeal, moderator=second_moderator, outcome="overturn", note="fair enough")
    hidden_event.refresh_from_db()
    appeal.refresh_from_db()
    assert hidden_event.hidden_at is None
    assert (appeal.status, appeal.decided_by, appeal.decision_note) == ("overturned", second_moderator, "fair enough")
    assert notices(hidden_event.host)[-1] == "Your appeal was accepted"
    assert ModerationAction.objects.filter(action="restore", moderator=second_moderator).exists()
    row = ModerationAction.objects.get(action="appeal_overturned")
    assert row.after == {"status": "overturned", "restored": [["events.event", hidden_event.pk]]}
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, moderator=second_moderator, outcome="uphold")


def test_upholding_keeps_it_hidden_and_tells_them(hidden_event, second_moderator, notices):
    appeal = services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="bake sale")
    services.appeal_decide(appeal=appeal, moderator=second_moderator, outcome="uphold", note="pills are not cake")
    hidden_event.refresh_from_db()
    assert hidden_event.hidden_at is not None
    assert notices(hidden_event.host)[-1] == "Your appeal was turned down"
    assert "pills are not cake" in Notification.objects.filter(recipient=hidden_event.host).order_by("id").last().body


def test_who_may_decide(hidden_event, moderator, finance):
    appeal = services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="bake sale")
    with pytest.raises(PermissionDenied):  # the moderator who decided does not judge their own decision
        services.appeal_decide(appeal=appeal, moderator=moderator, outcome="overturn")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(appeal=appeal, moderator=finance, outcome="overturn")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(appeal=appeal, moderator=hidden_event.host, outcome="overturn")
    appeal.refresh_from_db()
    assert appeal.status == "pending"


def test_a_suspended_person_appeals_and_overturning_lifts_and_restores(client, moderator, second_moderator):
    event = EventFactory()
    flag = services.flag_create(reporter=UserFactory(), target=event, reason="abuse")
    services.flag_uphold(flag=flag, moderator=moderator, suspend_author=True)
    author = event.host
    other_event = EventFactory(host=author)
    services.user_hide_public_content(user=author, moderator=moderator, rule="abuse", reason="")
    notice = Notification.objects.get(recipient=author, title="Your account is suspended")
    assert client.post(notice.url, {"statement": "Not me: my account was stolen."}).status_code == 200
    appeal = Appeal.objects.get(decision__action="suspend_user")
    services.appeal_decide(appeal=appeal, moderator=second_moderator, outcome="overturn")
    author.refresh_from_db()
    assert author.is_active
    other_event.refresh_from_db()
    assert other_event.hidden_at is not None  # hidden separately, not with the suspension: its own decision
    assert Notification.objects.filter(recipient=author, title="Your appeal was accepted").exists()


def test_appeals_queue_in_admin(client, hidden_event, moderator, second_moderator, finance):
    appeal = services.appeal_create(decision=_decision(), appellant=hidden_event.host, statement="bake sale")
    client.force_login(finance)
    assert client.get("/admin/moderation/appeal/").status_code == 403
    assert client.post(f"/admin/moderation/appeal/{appeal.pk}/decide/", {"outcome": "overturn"}).status_code == 403
    client.force_login(second_moderator)
    assert "Waiting for a moderator" in client.get("/admin/moderation/appeal/").content.decode()
    page = client.get(f"/admin/moderation/appeal/{appeal.pk}/change/").content.decode()
    assert "Overturn" in page and "bake sale" in page and "selling pills" in page
    decided = formats.date_format(_decision().created_at, "SHORT_DATETIME_FORMAT")  # as the queue writes it
    assert f" on {decided} by " in page
    response = client.post(f"/admin/moderation/appeal/{appeal.pk}/decide/", {"outcome": "overturn", "note": "ok"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    hidden_event.refresh_from_db()
    assert appeal.status == "overturned" and hidden_event.hidden_at is None
    client.force_login(moderator)
    assert client.get("/admin/moderation/appeal/").status_code == 200

"""What people read: each message says one thing once, and only points at links it contains."""

import pytest
from django.core import mail

from campaigns.services.lifecycle import campaign_approve
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import Notification
from events.models import Event
from events.services.links import rsvp_manage_token
from events.services.rsvps import rsvp_cancel, rsvp_create
from tests.campaigns.factories import PendingCampaignFactory, UserFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _waitlist_mail(event, capture):
    holder = rsvp_create(event_id=event.pk, user=UserFactory())
    waiting = UserFactory()
    rsvp_create(event_id=event.pk, user=waiting)
    mail.outbox.clear()
    with capture(execute=True):
        rsvp_cancel(rsvp_id=holder.pk, manage_token=rsvp_manage_token(holder))
    (message,) = [m for m in mail.outbox if waiting.email in m.to]
    return message.body


def test_a_claim_offer_does_not_also_say_the_spot_is_yours(django_capture_on_commit_callbacks):
    host = UserFactory()
    event = EventFactory(host=host, capacity=1, waitlist_mode=Event.WaitlistMode.CLAIM, claim_window_hours=2)
    body = _waitlist_mail(event, django_capture_on_commit_callbacks)
    assert "it is yours" not in body
    assert "confirm it before" in body and "passes to the next person" in body


def test_an_automatic_promotion_says_you_are_in_once(django_capture_on_commit_callbacks):
    event = EventFactory(host=UserFactory(), capacity=1, waitlist_mode=Event.WaitlistMode.AUTO)
    body = _waitlist_mail(event, django_capture_on_commit_callbacks)
    assert body.count("A spot opened up") == 1
    assert "attendee list" in body and "confirm" not in body.lower().split("change or cancel")[0]


def test_the_rsvp_notice_points_at_no_link_the_in_app_list_lacks():
    event = EventFactory(host=UserFactory(), capacity=10)
    member = UserFactory()
    rsvp_create(event_id=event.pk, user=member)
    notice = Notification.objects.get(recipient=member, kind=Kind.RSVP_CONFIRMATION)
    assert "below" not in notice.body
    assert notice.url  # the title links to the private manage page


def test_the_approval_email_does_not_repeat_itself(django_capture_on_commit_callbacks):
    campaign = PendingCampaignFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_approve(campaign=campaign, moderator=UserFactory(is_staff=True, is_superuser=True))
    (message,) = [m for m in mail.outbox if campaign.organizer.email in m.to]
    text = message.body.lower()
    assert text.count("approved") == 1
    assert text.count("share") <= 2

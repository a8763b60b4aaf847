from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import selectors
from events.models import Event
from events.selectors import EventFilters
from events.services.hosting import rsvp_check_in
from events.services.links import rsvp_manage_token
from events.services.rsvps import rsvp_cancel, rsvp_create
from tests.events.factories import EventFactory, confirm_email
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def titles(queryset):
    return [e.title for e in queryset]


def test_distance_is_computed_by_the_database_and_sorted(host, django_assert_num_queries):
    EventFactory(host=host, title="Porto", latitude=41.1579, longitude=-8.6291)
    EventFactory(host=host, title="Lisbon", latitude=38.7223, longitude=-9.1393)
    EventFactory(
        host=host, title="Online", latitude=None, longitude=None, venue_name="", address="", online_url="https://x.org"
    )
    with django_assert_num_queries(1):
        found = list(
            selectors.event_list_public(filters=EventFilters(latitude=38.7369, longitude=-9.1427, radius_km=400))
        )
    assert titles(found) == ["Lisbon", "Porto"]
    # Lisbon centre -> Avenida de Roma ~1.6 km; Lisbon -> Porto ~274 km (great-circle).
    assert found[0].distance_km == pytest.approx(1.6, abs=0.3)
    assert found[1].distance_km == pytest.approx(274, abs=5)


def test_radius_excludes_far_events_and_handles_antimeridian_safely(host):
    EventFactory(host=host, title="Fiji", latitude=-17.7134, longitude=178.065)
    EventFactory(host=host, title="Samoa", latitude=-13.759, longitude=-172.1046)
    near_fiji = selectors.event_list_public(filters=EventFilters(latitude=-17.7, longitude=179.9, radius_km=300))
    assert titles(near_fiji) == ["Fiji"]
    both = selectors.event_list_public(filters=EventFilters(latitude=-15.5, longitude=-179.9, radius_km=1200))
    assert set(titles(both)) == {"Fiji", "Samoa"}  # across the date line


def test_date_range_uses_the_viewers_days(host):
    # 23:30 UTC on 1 June is already 2 June in Tokyo.
    start = timezone.datetime(2030, 6, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    EventFactory(host=host, title="Late", starts_at=start, ends_at=start + timedelta(hours=1))
    only_june_2 = EventFilters(date_from=date(2030, 6, 2), date_to=date(2030, 6, 2))
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert titles(selectors.event_list_public(filters=only_june_2)) == ["Late"]
    with timezone.override(ZoneInfo("UTC")):
        assert titles(selectors.event_list_public(filters=only_june_2)) == []


def test_featured_and_campaign_and_group_lists_are_upcoming_public_only(host):
    from tests.communities.factories import GroupFactory

    campaign = CampaignFactory()
    group = GroupFactory(owner=host)
    soon = EventFactory(host=host, title="Soon", campaign=campaign, group=group)
    EventFactory(
        host=host,
        title="Later",
        starts_at=timezone.now() + timedelta(days=30),
        ends_at=timezone.now() + timedelta(days=30, hours=1),
    )
    EventFactory(host=host, title="Cancelled", campaign=campaign, group=group, status=Event.Status.CANCELLED)
    EventFactory(
        host=host,
        title="Past",
        campaign=campaign,
        group=group,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-1),
    )
    assert titles(selectors.event_list_featured(limit=1)) == ["Soon"]
    assert titles(selectors.event_list_for_campaign(campaign_id=campaign.pk, limit=5)) == [soon.title]
    assert titles(selectors.event_list_for_group(group_id=group.pk, limit=5)) == [soon.title]


def test_public_attendees_only_opted_in_and_going(event):
    confirm_email(rsvp_create(event_id=event.pk, name="Shown", email="s@example.org", show_publicly=True))
    rsvp_create(event_id=event.pk, name="Hidden", email="h@example.org")
    gone = rsvp_create(event_id=event.pk, name="Gone", email="g@example.org", show_publicly=True)
    rsvp_cancel(rsvp_id=gone.pk, manage_token=rsvp_manage_token(gone))
    assert selectors.event_public_attendees(event=event) == ["Shown"]


def test_check_in_counts_people_with_guests(event):
    a = rsvp_create(event_id=event.pk, name="A", email="a@example.org", guests=2)
    rsvp_create(event_id=event.pk, name="B", email="b@example.org")
    rsvp_check_in(event_id=event.pk, actor=event.host, rsvp_id=a.pk)
    counts = selectors.event_check_in_counts(event=event)
    assert counts == {"rsvps": 2, "checked_in": 1, "walk_ins": 0, "people": 4, "people_checked_in": 3}

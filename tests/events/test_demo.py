import io

import pytest

from events import demo
from events.models import RSVP, Event

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_varied():
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    events = list(Event.objects.all())
    assert len(events) == len(demo.DEMO_EVENTS)
    assert len({e.kind for e in events}) >= 5
    assert len({e.city for e in events if e.city}) >= 6
    assert any(e.is_online for e in events)
    assert all(e.latitude is not None for e in events if not e.is_online)
    nearly_full = [e for e in events if e.capacity and 0 < e.seats_left <= 2]
    with_waitlist = {r.event_id for r in RSVP.objects.filter(status=RSVP.Status.WAITLISTED)}
    assert nearly_full and len(with_waitlist) >= 2
    for event in events:  # seat counters agree with the rows
        going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING)
        assert event.going_seats == sum(r.seats for r in going)

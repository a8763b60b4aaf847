from datetime import timedelta

import factory
from django.utils import timezone

from events.models import RSVP, Event
from events.services.links import rsvp_confirm_token
from events.services.rsvps import rsvp_confirm_email
from tests.factories import UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    host = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Climate rally {n}")
    slug = factory.Sequence(lambda n: f"climate-rally-{n}")
    description = "Bring a sign. **Everyone** welcome."
    description_html = "<p>Bring a sign. <strong>Everyone</strong> welcome.</p>"
    kind = Event.Kind.RALLY
    timezone = "Europe/Lisbon"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    venue_name = "Praça do Comércio"
    address = "Praça do Comércio"
    city = "Lisbon"
    latitude = 38.7075
    longitude = -9.1364
    capacity = None


class RSVPFactory(factory.django.DjangoModelFactory):
    """Raw rows for read tests; behaviour tests go through events.services.rsvps.rsvp_create."""

    class Meta:
        model = RSVP

    event = factory.SubFactory(EventFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    status = RSVP.Status.GOING
    check_in_code = factory.Sequence(lambda n: f"C{n:05d}")


def confirm_email(rsvp, *, now=None):
    """What following the link in a guest's confirmation email does."""
    return rsvp_confirm_email(token=rsvp_confirm_token(rsvp), now=now)

"""Finding events by place name: the shipped gazetteer, the optional geocoding service with its
fallback, the host form filling coordinates, and the events list searching near a typed city."""

import io
import json
import urllib.error
from unittest import mock

import pytest
from django.core.cache import cache

from causeweb.core import geocoding
from events.forms import EventFilterForm
from events.models import Event
from events.selectors import event_list_public
from tests.events.factories import EventFactory
from tests.factories import UserFactory

LISBON_OHIO = {
    "city": "Lisbon",
    "venue_name": "Town square",
    "address": "Lisbon, Ohio",
    "latitude": 40.772,
    "longitude": -80.768,
}


def test_gazetteer_knows_cities_by_name_and_accent_free_alternate_names():
    lisbon = geocoding.gazetteer_lookup("Lisbon")
    assert (lisbon.country_code, round(lisbon.latitude, 1), round(lisbon.longitude, 1)) == ("PT", 38.7, -9.1)
    assert geocoding.gazetteer_lookup("lisboa") == lisbon
    assert geocoding.gazetteer_lookup("zurich").country_code == "CH"
    assert geocoding.gazetteer_lookup("Nowhereville Upon Sea") is None
    assert geocoding.gazetteer_lookup("  ") is None


def test_a_qualifier_picks_the_namesake_by_country_or_us_state():
    assert geocoding.gazetteer_lookup("Portland").region == "OR"  # the most populous Portland
    assert geocoding.gazetteer_lookup("Portland, Maine").region == "ME"
    assert geocoding.gazetteer_lookup("Portland, ME").region == "ME"
    assert geocoding.gazetteer_lookup("Cambridge").country_code == "GB"
    assert geocoding.gazetteer_lookup("Cambridge, US").country_code == "US"
    assert geocoding.gazetteer_lookup("Lisbon, Spain") is None


def test_autocomplete_suggests_most_populous_first():
    labels = [place.label for place in geocoding.place_suggestions("Lisb")]
    assert labels[0] == "Lisbon, PT"
    assert geocoding.place_suggestions("L") == []


def test_autocomplete_endpoint(client, db):
    data = client.get("/events/places/?q=lisb").json()
    assert data["places"][0]["label"] == "Lisbon, PT"
    assert client.get("/events/places/?q=").json() == {"places": []}


@pytest.mark.django_db
def test_searching_lisbon_finds_lisbon_events_not_lisbon_ohio(client):
    in_lisbon = EventFactory(title="Rally in Lisbon")
    ohio = EventFactory(title="Rally in Lisbon, Ohio", **LISBON_OHIO)
    html = client.get("/events/?place=Lisbon&radius_km=50").content.decode()
    assert in_lisbon.title in html and ohio.title not in html
    form = EventFilterForm({"place": "Lisbon", "radius_km": 50})
    assert form.is_valid()
    assert list(event_list_public(filters=form.to_filters())) == [in_lisbon]


@pytest.mark.django_db
def test_an_event_with_only_a_city_is_found_near_that_city(client):
    city_only = EventFactory(title="Assembly", venue_name="", address="", city="Porto", latitude=None, longitude=None)
    elsewhere = EventFactory(title="Faraway", venue_name="", address="", city="Faro", latitude=None, longitude=None)
    form = EventFilterForm({"place": "Porto", "radius_km": 25})
    assert form.is_valid()
    assert list(event_list_public(filters=form.to_filters())) == [city_only]
    assert elsewhere not in event_list_public(filters=form.to_filters())


@pytest.mark.django_db
def test_an_unknown_place_is_a_field_error_not_an_empty_list(client):
    response = client.get("/events/?place=Nowhereville+Upon+Sea")
    assert response.status_code == 200
    assert "We could not find “Nowhereville Upon Sea”" in response.content.decode()


def _host(client, **place):
    client.force_login(UserFactory())
    data = {
        "title": "Town hall",
        "kind": "town_hall",
        "description": "Talk",
        "timezone": "Europe/Lisbon",
        "starts_at": "2030-07-01T18:00",
        "ends_at": "2030-07-01T20:00",
        "max_guests_per_rsvp": 2,
        "waitlist_mode": "auto",
        "claim_window_hours": 24,
        **place,
    }
    return client.post("/events/new/", data)


@pytest.mark.django_db
def test_a_host_who_types_a_city_gets_coordinates(client):
    assert _host(client, venue_name="Ateneu", city="Porto").status_code == 302
    event = Event.objects.get()
    assert round(event.latitude, 1) == 41.1 and round(event.longitude, 1) == -8.6


@pytest.mark.django_db
def test_typed_coordinates_are_kept_and_an_unknown_city_stays_without(client):
    _host(client, venue_name="Hall", city="Porto", latitude="41.5", longitude="-8.0")
    assert (Event.objects.get().latitude, Event.objects.get().longitude) == (41.5, -8.0)
    Event.objects.all().delete()
    _host(client, venue_name="Hall", city="Nowhereville Upon Sea")
    assert Event.objects.get().latitude is None


@pytest.mark.django_db
def test_half_a_coordinate_is_a_form_error(client):
    response = _host(client, venue_name="Hall", city="Porto", latitude="41.5")
    assert response.status_code == 200 and not Event.objects.exists()
    assert "Give both latitude and longitude" in response.content.decode()


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def geocoder(settings):
    settings.GEOCODER_URL = "https://nominatim.example/search"
    settings.GEOCODER_TIMEOUT_SECONDS = 2
    cache.clear()
    yield
    cache.clear()


def test_configured_geocoder_is_asked_first_and_cached(geocoder):
    answer = json.dumps([{"lat": "40.7720", "lon": "-80.7680", "name": "Lisbon", "display_name": "Lisbon, Ohio"}])
    with mock.patch("urllib.request.urlopen", return_value=_Response(answer.encode())) as urlopen:
        place = geocoding.geocode("Lisbon, Ohio")
        assert (place.latitude, place.longitude) == (40.772, -80.768)
        assert geocoding.geocode("lisbon, ohio") == place
    assert urlopen.call_count == 1
    request = urlopen.call_args.args[0]
    assert request.full_url.startswith("https://nominatim.example/search?q=Lisbon%2C+Ohio")
    assert urlopen.call_args.kwargs["timeout"] == 2


def test_photon_answers_are_understood(geocoder):
    answer = {
        "features": [
            {"geometry": {"coordinates": [-8.61, 41.15]}, "properties": {"name": "Porto", "countrycode": "pt"}}
        ]
    }
    with mock.patch("urllib.request.urlopen", return_value=_Response(json.dumps(answer).encode())):
        place = geocoding.geocode("Porto")
    assert (place.latitude, place.longitude, place.country_code) == (41.15, -8.61, "PT")


@pytest.mark.parametrize("failure", [urllib.error.URLError("down"), TimeoutError("slow")])
def test_geocoder_failure_falls_back_to_the_gazetteer(geocoder, failure):
    with mock.patch("urllib.request.urlopen", side_effect=failure):
        assert geocoding.geocode("Lisbon").country_code == "PT"


def test_geocoder_finding_nothing_falls_back_to_the_gazetteer(geocoder):
    with mock.patch("urllib.request.urlopen", return_value=_Response(b"[]")):
        assert geocoding.geocode("Lisbon").country_code == "PT"


def test_garbage_from_the_geocoder_falls_back(geocoder):
    with mock.patch("urllib.request.urlopen", return_value=_Response(b"<html>oops")):
        assert geocoding.geocode("Lisbon").country_code == "PT"

"""Groups on the map: a typed location gets coordinates like an event's place, the group list
marks the listed groups, and a search near a city finds groups located near it."""

import json
import re

import pytest

from communities.forms import GroupForm, GroupSearchForm
from communities.selectors import group_search
from tests.communities.factories import GroupFactory
from tests.factories import UserFactory


def _markers(response) -> list[dict]:
    match = re.search(rb'<script id="results-map-markers" type="application/json">(.*?)</script>', response.content)
    return json.loads(match.group(1)) if match else []


def test_group_form_geocodes_a_typed_location_without_coordinates():
    form = GroupForm(data={"name": "Clean air", "location": "Porto", "visibility": "public"})
    assert form.is_valid(), form.errors
    assert round(form.cleaned_data["latitude"], 1) == 41.1
    typed = GroupForm(
        data={"name": "x", "location": "Porto", "latitude": "10", "longitude": "20", "visibility": "public"}
    )
    assert typed.is_valid() and typed.cleaned_data["latitude"] == 10  # given coordinates win
    unknown = GroupForm(data={"name": "x", "location": "Online", "visibility": "public"})
    assert unknown.is_valid() and unknown.cleaned_data["latitude"] is None


@pytest.mark.django_db
def test_group_created_with_a_city_appears_on_the_list_map(client):
    client.force_login(UserFactory())
    response = client.post("/groups/new/", {"name": "Porto cyclists", "location": "Porto", "visibility": "public"})
    assert response.status_code == 302
    GroupFactory(name="Online only", location="Online")
    listing = client.get("/groups/")
    markers = _markers(listing)
    assert [m["title"] for m in markers] == ["Porto cyclists"]
    assert "1 member" in markers[0]["detail"] and "Porto" in markers[0]["detail"]
    assert "Online only" in listing.content.decode()


@pytest.mark.django_db
def test_a_place_search_finds_groups_near_it_not_only_by_name():
    near = GroupFactory(name="Gaia neighbours", location="Vila Nova de Gaia", latitude="41.13", longitude="-8.61")
    GroupFactory(name="Lisbon group", location="Lisbon", latitude="38.72", longitude="-9.14")
    form = GroupSearchForm(data={"place": "Porto"})
    assert form.is_valid()
    found = group_search(place="Porto", near=(form.near.latitude, form.near.longitude))
    assert list(found) == [near]
    assert list(group_search(place="Porto")) == []  # by text alone it is not found

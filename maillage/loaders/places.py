"""Québec region of an organization from every clue it has: municipality, postal code, coordinates.

The tables in ``data/``, most authoritative first:

* ``quebec_municipalities.csv``: the 1,285 municipalities of the MAMH directory (name,
  town-hall postal code, region). A name found in two regions (Saint-Damase, Clermont...)
  is settled by the postal code or the coordinates, else left unknown.
* ``quebec_places_former.csv``: former municipalities and boroughs still used in
  addresses (Sainte-Foy, Hull, Verdun...), hand-compiled; the directory wins over it.
* postal codes: a town hall's full code names its municipality; a forward sortation area
  (the first three characters) names a region when every town hall in it is in that region;
  ``quebec_fsa.csv`` (hand-compiled prefixes such as ``H7`` = Laval) covers areas with no
  town hall, where it does not contradict the directory.
* ``quebec_places_geo.csv``: 399 municipalities with coordinates (GeoNames): a point in
  Québec takes the region of the nearest of them (there is no open boundary file to test
  a point against; in the sparse north the nearest town hall can be in the wrong region).

A place no table knows gives ``None``, never a guess.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from maillage import data
from maillage.ground.vocabulary import fold

DATA = data.path()
MUNICIPALITIES_FILE = DATA / "quebec_municipalities.csv"
FORMER_FILE = DATA / "quebec_places_former.csv"
FSA_FILE = DATA / "quebec_fsa.csv"
GEO_FILE = DATA / "quebec_places_geo.csv"

#: A Canadian postal code anywhere in a text (``H2X 1Y4``, ``h2x1y4``, ``H2X-1Y4``).
POSTAL_CODE = re.compile(
    r"\b([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])[ -]?(\d[ABCEGHJ-NPRSTV-Z]\d)\b", re.IGNORECASE
)
#: A province after a municipality's name: ``(Québec)``, ``, QC``, ``, Québec``, `` QC``
#: (not a bare `` Québec``: Venise-en-Québec written with spaces keeps its name).
_PROVINCE_SUFFIX = re.compile(
    r"\s*(\(\s*(quebec|québec|qc)\s*\)|,\s*(qc|québec|quebec)|\s+qc)\s*$", re.I
)
#: Québec's extent, roughly: a point outside is no clue to a Québec region.
_QUEBEC_BOX = (44.9, 62.7, -79.8, -57.0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def place_key(name: str) -> str:
    """A municipality name folded for look-up: accents, case, hyphens, ``St``/``Ste``,
    province suffix.

    >>> place_key("ST-JEAN-SUR-RICHELIEU (Québec)") == place_key("Saint-Jean-sur-Richelieu")
    True
    >>> place_key("Ste-Thérèse, QC"), place_key("Saint Jérôme")
    ('sainte_therese', 'saint_jerome')
    """
    name = _PROVINCE_SUFFIX.sub("", name.strip())
    key = fold(name.replace("\u2013", "-").replace("\u2014", "-").replace(".", " "))
    key = re.sub(r"^(st)_", "saint_", key)
    key = re.sub(r"^(ste)_", "sainte_", key)
    key = key.replace("_st_", "_saint_").replace("_ste_", "_sainte_")
    return key.replace("œ", "oe")


@dataclass(frozen=True)
class _Tables:
    names: dict[str, frozenset[str]]
    postal_codes: dict[str, str]
    fsas: dict[str, frozenset[str]]
    prefixes: dict[str, str]
    points: tuple[tuple[float, float, str], ...]


@cache
def _tables() -> _Tables:
    names: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    fsas: dict[str, set[str]] = defaultdict(set)
    for row in _rows(MUNICIPALITIES_FILE):
        names[place_key(row["name"])].add(row["region"])
        code = row["postal_code"].replace(" ", "").upper()
        if len(code) == 6:
            codes[code].add(row["region"])
            fsas[code[:3]].add(row["region"])
    for row in _rows(FORMER_FILE):
        names.setdefault(place_key(row["name"]), {row["region"]})
    prefixes = {row["fsa"].upper(): row["region"] for row in _rows(FSA_FILE)}
    # The directory's town halls win over a hand-made prefix that contradicts them (the
    # prefix that would apply to a town hall's area, the longest, is dropped).
    for fsa, regions in fsas.items():
        applying = next((fsa[:n] for n in (3, 2, 1) if fsa[:n] in prefixes), None)
        if applying and regions != {prefixes[applying]} and fsa[1] != "0":
            del prefixes[applying]
    points = tuple((float(row["lat"]), float(row["lon"]), row["region"]) for row in _rows(GEO_FILE))
    return _Tables(
        {k: frozenset(v) for k, v in names.items()},
        {k: next(iter(v)) for k, v in codes.items() if len(v) == 1},
        {k: frozenset(v) for k, v in fsas.items()},
        prefixes,
        points,
    )


def postal_code(text: str) -> str | None:
    """The first Canadian postal code in a text, as ``A1A 1A1``.

    >>> postal_code("1431, rue Fullum, Montréal (Québec) h2k0b5")
    'H2K 0B5'
    >>> postal_code("75001 Paris") is None
    True
    """
    match = POSTAL_CODE.search(text)
    return f"{match.group(1)} {match.group(2)}".upper() if match else None


def regions_of_city(city: str) -> frozenset[str]:
    """The regions a municipality name (or a former one, or a borough) is found in.

    >>> sorted(regions_of_city("Saint-Damase")), sorted(regions_of_city("ST-JÉRÔME"))
    (['01', '16'], ['15'])
    """
    return _tables().names.get(place_key(city), frozenset()) if city.strip() else frozenset()


def region_from_city(city: str) -> str | None:
    """The region code of a municipality found in one region only.

    >>> region_from_city("Montréal"), region_from_city("ST-JÉRÔME"), region_from_city("Granby")
    ('06', '15', '05')
    >>> region_from_city("Atlantis") is None, region_from_city("Saint-Damase") is None
    (True, True)
    """
    found = regions_of_city(city)
    return next(iter(found)) if len(found) == 1 else None


def regions_of_postal_code(code: str) -> frozenset[str]:
    """The regions a postal code may be in: its town hall's, else those of the town halls of
    its forward sortation area, else a hand-made prefix's (the longest).

    >>> sorted(regions_of_postal_code("J0H 1A0")), sorted(regions_of_postal_code("J0E 1B0"))
    (['16'], ['05'])
    >>> sorted(regions_of_postal_code("J0H 9Z9"))
    ['16', '17']
    """
    text = code.strip().upper().replace(" ", "").replace("-", "")
    tables = _tables()
    if text in tables.postal_codes:
        return frozenset({tables.postal_codes[text]})
    if len(text) < 3:
        return frozenset()
    if text[:3] in tables.fsas:
        return tables.fsas[text[:3]]
    for length in (3, 2, 1):
        if text[1] != "0" and text[:length] in tables.prefixes:
            return frozenset({tables.prefixes[text[:length]]})
    return frozenset()


def region_from_postal_code(code: str) -> str | None:
    """The region code of a postal code, when it names one.

    >>> region_from_postal_code("H7N 1A1"), region_from_postal_code("H2K 0B5")
    ('13', '06')
    >>> region_from_postal_code("G1R 4P5"), region_from_postal_code("J1H 5N4")
    ('03', '05')
    >>> region_from_postal_code("G0N 9Z9") is None  # Chaudière-Appalaches or Centre-du-Québec
    True
    """
    found = regions_of_postal_code(code)
    return next(iter(found)) if len(found) == 1 else None


def nearest_regions(lat: float, lon: float, *, among: Iterable[str] = ()) -> str | None:
    """The region of the nearest municipality to a point in Québec (among some regions).

    >>> nearest_regions(46.35, -72.55), nearest_regions(48.85, 2.35) is None
    ('04', True)
    """
    south, north, west, east = _QUEBEC_BOX
    if not (south <= lat <= north and west <= lon <= east):
        return None
    allowed = set(among)
    scale = math.cos(math.radians(lat))
    best, region = math.inf, None
    for plat, plon, pregion in _tables().points:
        if allowed and pregion not in allowed:
            continue
        distance = (plat - lat) ** 2 + ((plon - lon) * scale) ** 2
        if distance < best:
            best, region = distance, pregion
    return region


def infer_region(
    city: str = "",
    postal: str = "",
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> str | None:
    """The region :func:`region_and_clue` finds (None when no clue names one)."""
    return region_and_clue(city, postal, address, lat, lon)[0]


def region_and_clue(
    city: str = "",
    postal: str = "",
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> tuple[str | None, str]:
    """A region from every clue: the municipality, else the postal code (or one found in
    the address), else the coordinates; a name two regions share is settled by the other
    clues.

    It also says which clue decided: ``city``, ``postal_code`` or ``coordinates``.

    >>> region_and_clue(city="Saint-Lin–Laurentides"), region_and_clue(postal="J9X 2B3")
    (('14', 'city'), ('08', 'postal_code'))
    >>> region_and_clue(city="Nowhere", address="12 rue X, Nowhere QC G7H 1A1")
    ('02', 'postal_code')
    >>> infer_region(city="Saint-Damase", postal="J0H 1J0"), infer_region(city="Saint-Damase")
    ('16', None)
    >>> region_and_clue(city="Saint-Damase", lat=48.63, lon=-67.78)
    ('01', 'coordinates')
    """
    by_city = regions_of_city(city) if city else frozenset()
    if len(by_city) == 1:
        return next(iter(by_city)), "city"
    code = postal_code(postal) if postal else None
    code = code or (postal_code(address) if address else None)
    by_code = regions_of_postal_code(code) if code else frozenset()
    both = by_city & by_code if by_city and by_code else by_city or by_code
    if len(both) == 1:
        return next(iter(both)), "postal_code"
    if lat is not None and lon is not None and not (math.isnan(lat) or math.isnan(lon)):
        found = nearest_regions(lat, lon, among=both)
        if found:
            return found, "coordinates"
    return None, ""

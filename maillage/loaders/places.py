"""Québec region of an address, from its municipality or its postal code, when a file omits it.

The two tables in ``data/`` (``quebec_municipalities.csv``, ``quebec_fsa.csv``) are
hand-compiled, partial and documented in their headers: a place they do not know gives
``None``, never a guess.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from maillage import data
from maillage.ground.vocabulary import fold

DATA = data.path()
MUNICIPALITIES_FILE = DATA / "quebec_municipalities.csv"
FSA_FILE = DATA / "quebec_fsa.csv"

#: A Canadian postal code anywhere in a text (``H2X 1Y4``, ``h2x1y4``, ``H2X-1Y4``).
POSTAL_CODE = re.compile(
    r"\b([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])[ -]?(\d[ABCEGHJ-NPRSTV-Z]\d)\b", re.IGNORECASE
)
_PROVINCE_SUFFIX = re.compile(
    r"\s*(\(\s*(quebec|québec|qc)\s*\)|,?\s+(qc|québec|quebec))\s*$", re.I
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def place_key(name: str) -> str:
    """A municipality name folded for look-up: accents, case, ``St``/``Ste``, province suffix.

    >>> place_key("ST-JEAN-SUR-RICHELIEU (Québec)") == place_key("Saint-Jean-sur-Richelieu")
    True
    >>> place_key("Ste-Thérèse, QC")
    'sainte_therese'
    """
    name = _PROVINCE_SUFFIX.sub("", name.strip())
    key = fold(name.replace("\u2013", "-").replace(".", " "))
    key = re.sub(r"^(st)_", "saint_", key)
    key = re.sub(r"^(ste)_", "sainte_", key)
    key = key.replace("_st_", "_saint_").replace("_ste_", "_sainte_")
    return key.replace("œ", "oe")


@cache
def _municipalities() -> dict[str, str]:
    return {
        place_key(row["name"]): row["region"] for row in _rows(MUNICIPALITIES_FILE) if row["region"]
    }


@cache
def _fsas() -> dict[str, str]:
    return {row["fsa"].upper(): row["region"] for row in _rows(FSA_FILE)}


def postal_code(text: str) -> str | None:
    """The first Canadian postal code in a text, as ``A1A 1A1``.

    >>> postal_code("1431, rue Fullum, Montréal (Québec) h2k0b5")
    'H2K 0B5'
    >>> postal_code("75001 Paris") is None
    True
    """
    match = POSTAL_CODE.search(text)
    return f"{match.group(1)} {match.group(2)}".upper() if match else None


def region_from_city(city: str) -> str | None:
    """The region code of a known municipality (or former municipality, or borough).

    >>> region_from_city("Montréal"), region_from_city("ST-JÉRÔME"), region_from_city("Laval")
    ('06', '15', '13')
    >>> region_from_city("Atlantis") is None
    True
    """
    return _municipalities().get(place_key(city)) if city.strip() else None


def region_from_postal_code(code: str) -> str | None:
    """The region code of a postal code's forward sortation area, longest prefix first.

    >>> region_from_postal_code("H7N 1A1"), region_from_postal_code("H2K 0B5")
    ('13', '06')
    >>> region_from_postal_code("G1R 4P5"), region_from_postal_code("J1H 5N4")
    ('03', '05')
    >>> region_from_postal_code("G0A 1A0") is None
    True
    """
    fsa = code.strip().upper().replace(" ", "")[:3]
    if len(fsa) < 3 or fsa[1] == "0":
        return None
    table = _fsas()
    for length in (3, 2, 1):
        if fsa[:length] in table:
            return table[fsa[:length]]
    return None


def infer_region(city: str = "", postal: str = "", address: str = "") -> str | None:
    """A region from the city first, else the postal code (or one found in the address).

    >>> infer_region(city="Saint-Lin–Laurentides"), infer_region(postal="J9X 2B3")
    ('14', '08')
    >>> infer_region(city="Nowhere", address="12 rue X, Nowhere QC G7H 1A1")
    '02'
    """
    region = region_from_city(city) if city else None
    if region:
        return region
    code = postal_code(postal) if postal else None
    code = code or (postal_code(address) if address else None)
    return region_from_postal_code(code) if code else None

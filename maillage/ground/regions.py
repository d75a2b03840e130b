"""Québec's 17 administrative regions (MAMH, Répertoire des municipalités), by code and name."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from maillage import data
from maillage.ground.vocabulary import fold

REGIONS_FILE = data.path("quebec_regions.csv")


@dataclass(frozen=True)
class Region:
    """One administrative region."""

    code: str
    name_fr: str
    name_en: str
    population: int


@cache
def regions() -> dict[str, Region]:
    """Regions by two-digit code, in code order.

    >>> regions()["06"].name_fr
    'Montréal'
    >>> len(regions())
    17
    """
    with REGIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Region(row["code"], row["name_fr"], row["name_en"], int(row["population"]))
            for row in csv.DictReader(handle)
        }


@cache
def _by_folded_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for region in regions().values():
        for name in (region.name_fr, region.name_en):
            names[fold(name).replace("\u2013", "_")] = region.code
            names[fold(name.replace("\u2013", "-"))] = region.code
    return names


@cache
def region_code(text: str) -> str | None:
    """The region code for a code (``6``, ``06``) or a French or English name, or None.

    >>> region_code("6"), region_code("montreal"), region_code("Saguenay-Lac-Saint-Jean")
    ('06', '06', '02')
    >>> region_code("Eastern Townships (Estrie)"), region_code("Atlantis") is None
    ('05', True)
    """
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 2 and f"{int(text):02d}" in regions():
        return f"{int(text):02d}"
    return _by_folded_name().get(fold(text.replace("\u2013", "-")))

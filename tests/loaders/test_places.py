"""Region inference: every MAMH municipality, however it is spelled, and every other clue."""

from __future__ import annotations

import csv
import unicodedata

import pytest

from maillage import data
from maillage.loaders.places import infer_region, region_and_clue, regions_of_city


def municipalities() -> list[dict[str, str]]:
    with data.path("quebec_municipalities.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


MUNICIPALITIES = municipalities()


def spellings(name: str) -> set[str]:
    """How a municipality's name is written in real files: as is, upper case, without
    accents, spaces for hyphens, Saint/Sainte shortened, a province suffix."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    short = name.replace("Saint-", "St-").replace("Sainte-", "Ste-").replace("Saint ", "St ")
    return {
        name, name.upper(), bare, bare.upper(), name.replace("-", " "), short, short.upper(),
        short.replace("St-", "St."), f"{name} (Québec)", f"{bare}, QC",
    }  # fmt: skip


def test_the_directory_is_complete():
    assert len(MUNICIPALITIES) == 1285
    assert {m["region"] for m in MUNICIPALITIES} == {f"{i:02d}" for i in range(1, 18)}


def shared(municipality: dict[str, str]) -> bool:
    return len(regions_of_city(municipality["name"])) > 1


#: Names two regions share where the directory gives one of them no postal code (an
#: Indian reserve, an unorganized territory): nothing but coordinates can tell them apart.
UNSETTLED = [m for m in MUNICIPALITIES if shared(m) and not m["postal_code"]]


@pytest.mark.parametrize(
    "municipality", [m for m in MUNICIPALITIES if m not in UNSETTLED], ids=lambda m: m["code"]
)
def test_every_municipality_maps_to_its_region_however_spelled(municipality):
    """A name only one region has maps from the name alone; a name two regions share
    (Saint-Damase, Clermont...) from the name and the town hall's postal code."""
    postal = municipality["postal_code"] if shared(municipality) else ""
    for spelling in spellings(municipality["name"]):
        assert infer_region(city=spelling, postal=postal) == municipality["region"], spelling


def test_the_names_left_unsettled_are_few_and_never_guessed():
    assert [m["name"] for m in UNSETTLED] == ["Lac-Simon", "Rivière-Saint-Jean"]
    assert all(infer_region(city=m["name"]) is None for m in UNSETTLED)


def test_a_name_two_regions_share_is_never_guessed():
    shared = [m for m in MUNICIPALITIES if len(regions_of_city(m["name"])) > 1]
    assert len(shared) >= 20
    for municipality in shared:
        assert infer_region(city=municipality["name"]) is None


@pytest.mark.parametrize(
    ("clues", "expected"),
    [
        ({"city": "Granby"}, ("05", "city")),  # Estrie since 2021 (not Montérégie)
        ({"city": "Verdun"}, ("06", "city")),  # a borough
        ({"city": "Sainte-Foy"}, ("03", "city")),  # a former municipality
        ({"postal": "G9A 5H3"}, ("04", "postal_code")),  # Trois-Rivières' area
        ({"postal": "J0E 1B0"}, ("05", "postal_code")),  # Abercorn's town hall, rural code
        ({"lat": 46.56, "lon": -72.74}, ("04", "coordinates")),  # Shawinigan
        ({"city": "Atlantis", "lat": 48.85, "lon": 2.35}, (None, "")),  # Paris: no clue
    ],
)
def test_every_clue_names_a_region(clues, expected):
    assert region_and_clue(**clues) == expected

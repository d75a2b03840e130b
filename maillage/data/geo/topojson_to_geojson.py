"""Turn world-atlas's Natural Earth TopoJSON into the GeoJSON the International page draws.

Run once when updating the shipped outline (standard library only, nothing fetched):
``python maillage/data/geo/topojson_to_geojson.py countries-110m.json \
    maillage/data/geo/countries-110m.geojson``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (quantized, delta-encoded in the file)."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(
                (round(x * scale[0] + translate[0], 3), round(y * scale[1] + translate[1], 3))
            )
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring from arc indexes (``~i`` is arc ``i`` reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    # Unwrap across the antimeridian (Russia, Fiji): a jump of more than 180 degrees of
    # longitude between two points is the same line going on past +-180.
    unwrapped: list[list[float]] = []
    shift = 0.0
    for index, (lon, lat) in enumerate(points):
        if index and lon + shift - unwrapped[-1][0] > 180:
            shift -= 360
        elif index and lon + shift - unwrapped[-1][0] < -180:
            shift += 360
        unwrapped.append([round(lon + shift, 3), lat])
    return unwrapped


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        coordinates = [[ring(r, arcs) for r in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": {"name": geometry.get("properties", {}).get("name")},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    document = convert(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")

"""Node positions for the map, computed once per graph so the picture does not jump between reruns.

Big connected components get NetworKit's PivotMDS (linear in the graph size: about three
seconds for Québec's 15,000 organizations on two cores, where a spring layout takes half a
minute); small ones a seeded spring layout. Components are then packed side by side,
biggest first, and isolated organizations line up below them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkit as nk
import networkx as nx
import numpy as np

#: Components up to this size get a spring layout; bigger ones PivotMDS.
SPRING_LIMIT = 400
#: Pixels per unit of ``sqrt(component size)``: sets the spacing of the drawn map.
SPACING = 60.0


def positions(G: nx.Graph, *, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """An (x, y) position in pixels for every node of ``G``; deterministic for a seed.

    >>> pos = positions(nx.path_graph(4))
    >>> sorted(pos) == [0, 1, 2, 3] and all(len(p) == 2 for p in pos.values())
    True
    """
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(G)),
        key=lambda c: (-len(c), str(c[0])),
    )
    boxes = [_component_layout(G, nodes, seed=seed) for nodes in components if len(nodes) > 1]
    singles = [nodes[0] for nodes in components if len(nodes) == 1]
    placed: dict[Hashable, tuple[float, float]] = {}
    area = sum(w * h for _, w, h in boxes) + len(singles) * SPACING**2
    row_width = max(math.sqrt(area) * 1.3, SPACING * 4)
    x = y = row_height = 0.0
    for coordinates, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + SPACING, 0.0
        for node, (px, py) in coordinates.items():
            placed[node] = (x + px, y + py)
        x += width + SPACING
        row_height = max(row_height, height)
    y += row_height + SPACING
    per_row = max(1, int(row_width // SPACING))
    for i, node in enumerate(singles):
        placed[node] = ((i % per_row) * SPACING, y + (i // per_row) * SPACING)
    return placed


def _component_layout(
    G: nx.Graph, nodes: list[Hashable], *, seed: int
) -> tuple[dict[Hashable, tuple[float, float]], float, float]:
    """One component laid out in a box whose side grows with sqrt(size); the box size."""
    H = G.subgraph(nodes)
    if len(nodes) <= SPRING_LIMIT:
        raw = nx.spring_layout(H, seed=seed, iterations=60)
        coordinates = np.array([raw[v] for v in nodes], dtype=float)
    else:
        index = {v: i for i, v in enumerate(nodes)}
        K = nk.Graph(len(nodes))
        for u, v in H.edges():
            K.addEdge(index[u], index[v])
        pivots = min(50, len(nodes) - 1)
        layout = nk.viz.PivotMDS(K, 2, pivots)
        layout.run()
        coordinates = np.array(layout.getCoordinates(), dtype=float).reshape(len(nodes), -1)[:, :2]
    coordinates -= coordinates.min(axis=0)
    extent = float(coordinates.max()) or 1.0
    side = SPACING * 2.5 * math.sqrt(len(nodes))
    coordinates = coordinates / extent * side
    width, height = (float(v) for v in coordinates.max(axis=0))
    return (
        {v: (float(x), float(y)) for v, (x, y) in zip(nodes, coordinates, strict=True)},
        width,
        height,
    )

"""Which organizations form tight clusters: seeded Louvain communities with stable numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph import engine


def communities(
    G: nx.Graph, *, seed: int = 0, weighted: bool = False, resolution: float = 1.0
) -> pd.DataFrame:
    """The community of every organization, numbered the same way on every run.

    Louvain with refinement (NetworKit PLM), seeded and single-threaded so the same
    graph and seed give the same partition. Communities are numbered from 1 by size,
    largest first; equal sizes go by their first member in
    :func:`graph.build.node_order`. An isolated organization is a community of its own.

    Parameters
    ----------
    G : networkx.Graph
        Undirected alliance graph.
    seed : int, default 0
        Seed of the Louvain node order.
    weighted : bool, default False
        Use edge ``weight`` (tie strength) in the modularity.
    resolution : float, default 1.0
        Modularity resolution γ; larger gives smaller communities.

    Returns
    -------
    DataFrame
        Indexed by organization id in node order, one column ``community`` (int).
        ``attrs`` holds ``modularity`` (NetworkX's, same weighting), ``communities``
        (how many), ``algorithm``, ``seed`` and ``resolution``.

    Examples
    --------
    >>> G = nx.karate_club_graph()
    >>> found = communities(G, seed=0)
    >>> round(found.attrs["modularity"], 4), found.attrs["communities"]
    (0.4198, 4)
    >>> found["community"].value_counts().sort_index().tolist()
    [12, 11, 6, 5]
    """
    parts = engine.communities(
        G, weight="weight" if weighted else None, seed=seed, resolution=resolution
    )
    numbered = number_communities(G, parts)
    nodes = engine.Indexed.of(G).nodes
    labels = np.array([numbered[v] - 1 for v in nodes], dtype=np.int64)
    table = pd.DataFrame(
        {"community": labels + 1}, index=pd.Index(nodes, name="id", dtype=object), dtype="int64"
    )
    weight = "weight" if weighted else None
    quality = engine.modularity(G, labels, weight=weight, resolution=resolution)
    table.attrs.update(
        modularity=float(quality),
        communities=len(parts),
        algorithm="Louvain (NetworKit PLM, refined)",
        seed=seed,
        resolution=resolution,
        weighted=weighted,
    )
    return table


def number_communities(G: nx.Graph, parts: Iterable[Iterable[Any]]) -> dict[Any, int]:
    """Number communities from 1 by size (largest first), then by first member.

    >>> number_communities(nx.path_graph(5), [{3, 4}, {0}, {1, 2}])
    {1: 1, 2: 1, 3: 2, 4: 2, 0: 3}
    """
    position = engine.Indexed.of(G).position
    groups = [sorted(part, key=position.__getitem__) for part in parts]
    groups = [g for g in groups if g]
    groups.sort(key=lambda g: (-len(g), position[g[0]]))
    return {v: number for number, group in enumerate(groups, start=1) for v in group}


def community_sets(table: pd.DataFrame) -> dict[int, set[Any]]:
    """The members of each community of a :func:`communities` frame.

    >>> community_sets(communities(nx.Graph([(1, 2), (3, 4)])))
    {1: {1, 2}, 2: {3, 4}}
    """
    members: dict[int, set[Any]] = {}
    for node, number in table["community"].items():
        members.setdefault(int(number), set()).add(node)
    return dict(sorted(members.items()))

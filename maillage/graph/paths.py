"""How to reach someone: shortest introduction paths and an organization's neighbourhood."""

from __future__ import annotations

from itertools import islice
from typing import Any

import networkx as nx
import pandas as pd

from maillage.graph.build import node_order

PATH_COLUMNS = ("path", "hops", "ids", "names")
EGO_COLUMNS = ("id", "name", "type", "region", "hops", "degree")


def introduction_paths(G: nx.Graph, source: Any, target: Any, *, limit: int = 10) -> pd.DataFrame:
    """All shortest introduction paths from ``source`` to ``target``, at most ``limit``.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph.
    source, target : id
        The two organizations.
    limit : int, default 10
        Most paths returned (there can be very many between two hubs).

    Returns
    -------
    DataFrame
        One row per path, ``path`` numbered from 1, ``hops``, ``ids`` (list of ids from
        source to target) and ``names`` (" → "-joined names). Paths are listed in order of
        their ids, so the output is the same on every run. Empty when no path exists.
        ``attrs["truncated"]`` says whether more paths exist.

    Raises
    ------
    KeyError
        When ``source`` or ``target`` is not in ``G``.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "d"), ("a", "c"), ("c", "d")])
    >>> paths = introduction_paths(G, "a", "d")
    >>> paths["ids"].tolist(), int(paths.loc[0, "hops"])
    ([['a', 'b', 'd'], ['a', 'c', 'd']], 2)
    """
    for node in (source, target):
        if node not in G:
            raise KeyError(f"{node!r} is not an organization of this graph")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    try:
        found = list(islice(_ordered_shortest_paths(G, source, target), limit + 1))
    except nx.NetworkXNoPath:
        found = []
    truncated = len(found) > limit
    rows = [
        {
            "path": k,
            "hops": len(ids) - 1,
            "ids": ids,
            "names": " → ".join(str(G.nodes[v].get("name") or v) for v in ids),
        }
        for k, ids in enumerate(found[:limit], start=1)
    ]
    table = pd.DataFrame(rows, columns=list(PATH_COLUMNS))
    table.attrs["truncated"] = truncated
    return table


def _ordered_shortest_paths(G: nx.Graph, source: Any, target: Any) -> Any:
    """Shortest paths in lexicographic order of node positions, lazily."""
    if source == target:
        yield [source]
        return
    distance = nx.single_source_shortest_path_length(G, target)
    if source not in distance:
        raise nx.NetworkXNoPath(f"no path between {source!r} and {target!r}")
    rank = {v: k for k, v in enumerate(node_order(G))}
    stack: list[list[Any]] = [[source]]
    while stack:
        path = stack.pop()
        last = path[-1]
        if last == target:
            yield path
            continue
        steps = [v for v in G[last] if distance.get(v) == distance[last] - 1]
        for nxt in sorted(steps, key=rank.__getitem__, reverse=True):
            stack.append([*path, nxt])


def ego_network(G: nx.Graph, center: Any, *, hops: int = 1) -> nx.Graph:
    """The organizations within ``hops`` ties of ``center`` and the ties among them (a copy).

    >>> sorted(ego_network(nx.path_graph(5), 2, hops=1))
    [1, 2, 3]
    """
    if center not in G:
        raise KeyError(f"{center!r} is not an organization of this graph")
    if hops < 0:
        raise ValueError("hops must be zero or more")
    reached = nx.single_source_shortest_path_length(G, center, cutoff=hops)
    return G.subgraph(reached).copy()


def ego_members(G: nx.Graph, center: Any, *, hops: int = 1) -> pd.DataFrame:
    """Who is within ``hops`` ties of ``center``, nearest first, then by id.

    Returns
    -------
    DataFrame
        Indexed by id; columns :data:`EGO_COLUMNS`, ``hops`` from ``center`` (0 for
        itself) and ``degree`` in the whole graph.

    Examples
    --------
    >>> ego_members(nx.path_graph(5), 2, hops=2)["hops"].tolist()
    [0, 1, 1, 2, 2]
    """
    if center not in G:
        raise KeyError(f"{center!r} is not an organization of this graph")
    if hops < 0:
        raise ValueError("hops must be zero or more")
    reached = nx.single_source_shortest_path_length(G, center, cutoff=hops)
    rank = {v: k for k, v in enumerate(node_order(reached))}
    ordered = sorted(reached, key=lambda v: (reached[v], rank[v]))
    table = pd.DataFrame(
        {
            "id": ordered,
            "name": [G.nodes[v].get("name") for v in ordered],
            "type": [G.nodes[v].get("type") for v in ordered],
            "region": [G.nodes[v].get("region") for v in ordered],
            "hops": [reached[v] for v in ordered],
            "degree": [G.degree(v) for v in ordered],
        },
        index=pd.Index(ordered, dtype=object),
    )
    return table

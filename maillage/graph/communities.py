"""Which organizations form tight clusters: seeded Louvain communities with stable numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph import engine
from maillage.graph.build import node_order


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


#: What names a community in :func:`community_profiles`: the node attributes whose most
#: common value is reported with its share.
PROFILE_ATTRIBUTES = ("region", "type", "sector")


def community_profiles(G: nx.Graph, community: pd.Series) -> pd.DataFrame:
    """What dominates each community: its main region, type and sector, and its biggest hub.

    A community is easier to name by what most of its members share ("Montérégie food
    co-operatives around the pole") than by a number. For each community number the
    most common non-missing value of every attribute in :data:`PROFILE_ATTRIBUTES` is
    given with its share of the community's members (members with no value count in
    the denominator, so a share says how much of the community it really describes);
    equal counts go to the smallest value. The hub is the member with the most ties
    inside the community, then the most ties overall, then first in
    :func:`graph.build.node_order`.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph whose nodes carry ``name``, ``region``, ``type``, ``sector``.
    community : Series
        Community number by organization id (e.g. the ``community`` column of
        :func:`communities` or of the metrics table); ids absent from ``G`` are ignored.

    Returns
    -------
    DataFrame
        Indexed by community number (ascending), columns ``size``, ``region``,
        ``region_share``, ``type``, ``type_share``, ``sector``, ``sector_share``,
        ``hub`` (id), ``hub_name`` and ``hub_ties`` (its ties inside the community).
        A missing dominant value is None with share 0.

    Examples
    --------
    >>> G = nx.Graph([("pole", "a"), ("pole", "b"), ("a", "b"), ("pole", "c"), ("c", "d")])
    >>> attrs = {"pole": ("06", "network", None), "a": ("06", "enterprise", "food"),
    ...          "b": ("05", "enterprise", "food"), "c": ("01", "funder", None),
    ...          "d": ("01", "enterprise", None)}
    >>> for v, (region, kind, sector) in attrs.items():
    ...     G.nodes[v].update(region=region, type=kind, sector=sector, name=v.upper())
    >>> profiles = community_profiles(G, pd.Series({"pole": 1, "a": 1, "b": 1, "c": 2, "d": 2}))
    >>> first = profiles.loc[1]
    >>> int(first["size"]), first["region"], first["type"], first["sector"], first["hub_name"]
    (3, '06', 'enterprise', 'food', 'POLE')
    >>> round(float(profiles.loc[1, "type_share"]), 3), profiles.loc[2, "sector"]
    (0.667, None)
    """
    members = community[community.index.isin(list(G))].dropna().astype("int64")
    columns = [
        "size",
        *(f"{name}{suffix}" for name in PROFILE_ATTRIBUTES for suffix in ("", "_share")),
        "hub",
        "hub_name",
        "hub_ties",
    ]
    if members.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="community", dtype="int64"))
    label = members.to_dict()
    inside: dict[Any, int] = dict.fromkeys(label, 0)
    for u, v in G.edges():
        if u != v and u in label and label[u] == label.get(v):
            inside[u] += 1
            inside[v] += 1
    order = {v: k for k, v in enumerate(node_order(label))}
    nodes = list(label)
    frame = pd.DataFrame(
        {
            "community": [label[v] for v in nodes],
            "node": pd.Series(nodes, dtype=object),
            "inside": [inside[v] for v in nodes],
            "degree": [G.degree(v) for v in nodes],
            "order": [order[v] for v in nodes],
            **{a: [_text(G.nodes[v].get(a)) for v in nodes] for a in PROFILE_ATTRIBUTES},
        }
    )
    grouped = frame.groupby("community", sort=True)
    profiles = pd.DataFrame({"size": grouped.size()})
    for name in PROFILE_ATTRIBUTES:
        counts = frame.dropna(subset=[name]).groupby(["community", name]).size()
        counted = counts.rename("count").reset_index()
        top = counted.sort_values(
            ["community", "count", name], ascending=[True, False, True], kind="stable"
        ).drop_duplicates("community")
        top = top.set_index("community")
        values = top[name].reindex(profiles.index)
        profiles[name] = values.astype(object).where(values.notna(), None)
        profiles[f"{name}_share"] = (
            top["count"].reindex(profiles.index).fillna(0) / profiles["size"]
        ).astype(float)
    hubs = frame.sort_values(
        ["community", "inside", "degree", "order"],
        ascending=[True, False, False, True],
        kind="stable",
    ).drop_duplicates("community")
    hubs = hubs.set_index("community").reindex(profiles.index)
    profiles["hub"] = hubs["node"].astype(object)
    profiles["hub_name"] = [G.nodes[v].get("name") for v in hubs["node"]]
    profiles["hub_ties"] = hubs["inside"].astype("int64")
    profiles.index = profiles.index.astype("int64").rename("community")
    return profiles[columns]


def _text(value: Any) -> str | None:
    """An attribute value as text, missing (None, NaN, empty) as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if text.strip() else None

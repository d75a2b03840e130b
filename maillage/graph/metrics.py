"""The ``metrics`` table of the product contract: one row per organization, every measure."""

from __future__ import annotations

from typing import Literal

import networkx as nx
import pandas as pd

from maillage.graph.brokerage import brokerage_roles, structural_holes
from maillage.graph.centrality import centrality
from maillage.graph.communities import communities
from maillage.graph.numbers import without_noise

#: The columns of ``maillage metrics``, in order (product spec, section 6).
METRICS_COLUMNS = (
    "id",
    "name",
    "type",
    "region",
    "country",
    "degree",
    "degree_centrality",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
    "constraint",
    "effective_size",
    "hierarchy",
    "community",
    "broker_role",
)

_DESCRIPTIVE = ("name", "type", "region", "country")


def metrics(
    orgs: pd.DataFrame | None,
    G: nx.Graph,
    *,
    betweenness_samples: int | Literal["auto"] | None = "auto",
    closeness_samples: int | Literal["auto"] | None = "auto",
    seed: int = 0,
    weighted: bool = False,
    roles_by: str = "type",
) -> pd.DataFrame:
    """Every metric of every organization in ``G``, in the columns of the product spec.

    Parameters
    ----------
    orgs : DataFrame or None
        Organizations (``id``, ``name``, ``type``, ``region``, ``country``); rows whose
        id is not in ``G`` are ignored. With None the node attributes are used.
    G : networkx.Graph
        The alliance graph (:func:`graph.build.alliance_graph`).
    betweenness_samples, closeness_samples : int, "auto" or None, default "auto"
        Exact or sampled; see :func:`graph.centrality.centrality`.
    seed : int, default 0
        Seed of the betweenness sample and of community detection.
    weighted : bool, default False
        Use tie strength for eigenvector, PageRank, constraint, effective size,
        hierarchy and communities (the ``--weighted`` option).
    roles_by : str, default "type"
        Node attribute grouping organizations for brokerage roles (``type`` or ``region``).

    Returns
    -------
    DataFrame
        Exactly :data:`METRICS_COLUMNS`, one row per node of ``G`` in
        :func:`graph.build.node_order`, indexed by id; values within 1e-12 of zero
        are exactly 0 (:func:`graph.numbers.without_noise`). ``attrs`` says how it was made:
        ``betweenness`` ("exact" or "sampled"), ``betweenness_samples``, ``closeness``,
        ``closeness_samples``, ``seed``,
        ``weighted``, ``roles_by``, ``modularity`` and ``communities``.

    Examples
    --------
    >>> G = nx.florentine_families_graph()
    >>> table = metrics(None, G)
    >>> list(table.columns) == list(METRICS_COLUMNS), len(table)
    (True, 15)
    >>> row = table.loc["Medici"]
    >>> round(float(row["betweenness"]), 3), row["broker_role"]
    (0.522, 'coordinator')
    >>> table.attrs["betweenness"]
    'exact'
    """
    central = centrality(
        G,
        betweenness_samples=betweenness_samples,
        closeness_samples=closeness_samples,
        seed=seed,
        weighted=weighted,
    )
    holes = structural_holes(G, weighted=weighted)
    found = communities(G, seed=seed, weighted=weighted)
    roles = brokerage_roles(G, by=roles_by)
    nodes = list(central.index)
    described = _descriptions(orgs, G, nodes)
    table = pd.concat(
        [
            described,
            central.set_axis(nodes),
            holes.set_axis(nodes),
            found.set_axis(nodes),
            roles[["broker_role"]].set_axis(nodes),
        ],
        axis=1,
    )
    table.insert(0, "id", pd.Series(nodes, index=nodes, dtype=object))
    table.index = pd.Index(nodes, dtype=object)
    # Rounding noise (an isolated organization's eigenvector of 3e-39) is made 0 here,
    # where the values are made, so neither shell nor the store ever shows it.
    table = without_noise(table[list(METRICS_COLUMNS)])
    table.attrs.update(central.attrs)
    table.attrs.update(
        weighted=weighted,
        roles_by=roles_by,
        modularity=found.attrs["modularity"],
        communities=found.attrs["communities"],
    )
    return table


def _descriptions(orgs: pd.DataFrame | None, G: nx.Graph, nodes: list[object]) -> pd.DataFrame:
    """Name, type, region and country of each node: from ``orgs``, else node attributes."""
    from_graph = pd.DataFrame(
        [[G.nodes[v].get(c) for c in _DESCRIPTIVE] for v in nodes],
        columns=list(_DESCRIPTIVE),
        index=pd.Index(nodes, dtype=object),
        dtype=object,
    )
    if orgs is None or not len(orgs):
        return from_graph
    known = orgs.assign(id=orgs["id"].astype(str)).drop_duplicates("id").set_index("id")
    keys = [str(v) for v in nodes]
    columns = {}
    for column in _DESCRIPTIVE:
        if column in known.columns:
            values = known[column].astype(object).reindex(keys).to_numpy()
            given = pd.Series(values, index=from_graph.index, dtype=object)
            columns[column] = given.where(given.notna(), from_graph[column])
        else:
            columns[column] = from_graph[column]
    described = pd.DataFrame(columns, index=from_graph.index, dtype=object)
    return described.astype(object).where(described.notna(), None)

"""Who is central: degree, betweenness, closeness, eigenvector and PageRank in one frame."""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph import engine

#: Above this many organizations, ``betweenness_samples="auto"`` estimates betweenness.
EXACT_BETWEENNESS_LIMIT = 5_000
#: Source nodes sampled when betweenness is estimated automatically.
DEFAULT_BETWEENNESS_SAMPLES = 1_000
#: Above this many organizations, ``closeness_samples="auto"`` estimates closeness.
EXACT_CLOSENESS_LIMIT = 50_000
#: Pivot nodes sampled when closeness is estimated automatically.
DEFAULT_CLOSENESS_SAMPLES = 500

CENTRALITY_COLUMNS = (
    "degree",
    "degree_centrality",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
)


def betweenness_sample_size(
    G: nx.Graph, betweenness_samples: int | Literal["auto"] | None
) -> int | None:
    """How many sources betweenness will sample on ``G``, or None for the exact value.

    >>> betweenness_sample_size(nx.path_graph(10), "auto") is None
    True
    >>> betweenness_sample_size(nx.path_graph(10), 4)
    4
    >>> betweenness_sample_size(nx.path_graph(10), 50) is None
    True
    """
    return _sample_size(
        G, betweenness_samples, EXACT_BETWEENNESS_LIMIT, DEFAULT_BETWEENNESS_SAMPLES, "betweenness"
    )


def closeness_sample_size(
    G: nx.Graph, closeness_samples: int | Literal["auto"] | None
) -> int | None:
    """How many pivots closeness will sample on ``G``, or None for the exact value.

    >>> closeness_sample_size(nx.path_graph(10), "auto") is None
    True
    """
    return _sample_size(
        G, closeness_samples, EXACT_CLOSENESS_LIMIT, DEFAULT_CLOSENESS_SAMPLES, "closeness"
    )


def _sample_size(
    G: nx.Graph, samples: int | Literal["auto"] | None, limit: int, default: int, what: str
) -> int | None:
    n = G.number_of_nodes()
    if samples == "auto":
        return default if n > limit else None
    if samples is None or samples >= n:
        return None
    if samples < 1:
        raise ValueError(f"{what}_samples must be a positive number of organizations")
    return int(samples)


def centrality(
    G: nx.Graph,
    *,
    betweenness_samples: int | Literal["auto"] | None = "auto",
    closeness_samples: int | Literal["auto"] | None = "auto",
    seed: int = 0,
    weighted: bool = False,
) -> pd.DataFrame:
    """Centrality of every organization, with NetworkX's definitions and normalizations.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph, such as :func:`graph.build.alliance_graph` returns.
    betweenness_samples : int, "auto" or None, default "auto"
        None computes exact betweenness. An integer k estimates it from k seeded source
        organizations (exact when k ≥ n). "auto" is exact up to
        :data:`EXACT_BETWEENNESS_LIMIT` organizations and samples
        :data:`DEFAULT_BETWEENNESS_SAMPLES` above.
    closeness_samples : int, "auto" or None, default "auto"
        None computes exact closeness. An integer k estimates it from k seeded pivots
        (see :func:`graph.engine.closeness`). "auto" is exact up to
        :data:`EXACT_CLOSENESS_LIMIT` organizations and samples
        :data:`DEFAULT_CLOSENESS_SAMPLES` above.
    seed : int, default 0
        Seed of the betweenness and closeness samples.
    weighted : bool, default False
        Use edge ``weight`` (tie strength) for eigenvector and PageRank. Betweenness and
        closeness always count hops, since a stronger tie is not a shorter one.

    Returns
    -------
    DataFrame
        Indexed by organization id in :func:`graph.build.node_order`, columns
        :data:`CENTRALITY_COLUMNS`: ``degree`` (distinct neighbours), ``degree_centrality``
        (degree / (n − 1)), ``betweenness`` (normalized by 2/((n − 1)(n − 2))),
        ``closeness`` (Wasserman–Faust), ``eigenvector`` (unit Euclidean norm),
        ``pagerank`` (α = 0.85). ``attrs["betweenness"]`` is "exact" or "sampled" and
        ``attrs["betweenness_samples"]`` the sample size (None when exact); likewise
        ``attrs["closeness"]`` and ``attrs["closeness_samples"]``.

    Examples
    --------
    >>> G = nx.florentine_families_graph()
    >>> medici = centrality(G).loc["Medici"]
    >>> round(float(medici["betweenness"]), 3), round(float(medici["closeness"]), 3)
    (0.522, 0.56)
    >>> round(float(medici["eigenvector"]), 3), int(medici["degree"])
    (0.43, 6)
    """
    index = engine.Indexed.of(G)
    n = len(index.nodes)
    samples = betweenness_sample_size(G, betweenness_samples)
    pivots = closeness_sample_size(G, closeness_samples)
    degree = np.array([G.degree(v) for v in index.nodes], dtype=np.int64)
    degree_centrality = np.ones(n) if n <= 1 else degree / (n - 1)
    weight = "weight" if weighted else None
    table = pd.DataFrame(
        {
            "degree": degree,
            "degree_centrality": degree_centrality,
            "betweenness": engine.betweenness(G, samples=samples, seed=seed),
            "closeness": engine.closeness(G, samples=pivots, seed=seed),
            "eigenvector": engine.eigenvector(G, weight=weight),
            "pagerank": engine.pagerank(G, weight=weight),
        },
        index=pd.Index(index.nodes, name="id", dtype=object),
    )
    table.attrs.update(
        betweenness="exact" if samples is None else "sampled",
        betweenness_samples=samples,
        closeness="exact" if pivots is None else "sampled",
        closeness_samples=pivots,
        seed=seed,
        weighted=weighted,
    )
    return table

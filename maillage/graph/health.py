"""How the whole network is doing: the health scorecard of network weavers and its stage.

Network weavers read a network's health from a few structural numbers (Krebs & Holley
2006, "Building smart communities through network weaving"): how much of it is one
connected web, whether a dense core holds it (k-cores; the core–periphery fit of
Borgatti & Everett 1999), whether ties stay inside regions, types and sectors or cross
them (the E-I index of Krackhardt & Stern 1988), whether directed ties are returned,
whether brokerage is concentrated in a few hands (Burt's brokerage against Coleman's
closure: the Gini of betweenness) and where one organization holds parts together alone
(articulation points). Together they place the network in one of Krebs & Holley's stages:
scattered clusters, a single hub and its spokes, several hubs, a core and its periphery.

Every number is a value; its meaning is the catalogue key ``health.<measure>.meaning``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from maillage.graph import engine
from maillage.graph.centrality import betweenness_sample_size
from maillage.graph.gaps import single_points_of_failure
from maillage.graph.numbers import without_noise
from maillage.ground.vocabulary import DIRECTED_TIE_TYPES

#: Krebs & Holley's stages, and "too_few_ties" for a network with almost nothing to read.
STAGES: Final = ("too_few_ties", "scattered", "hub_and_spoke", "multi_hub", "core_periphery")
#: Attributes the E-I index is computed by.
GROUPINGS: Final = ("region", "type", "sector")
#: The scorecard's measures, in the order it lists them.
MEASURES: Final = (
    "organizations",
    "tied_pairs",
    "isolated_share",
    "density",
    "largest_component_share",
    "degeneracy",
    "main_core_size",
    "core_periphery_fit",
    "core_size",
    "core_density",
    "periphery_reach",
    "hub_reach",
    *(f"ei_{by}" for by in GROUPINGS),
    "reciprocity",
    "betweenness_gini",
    "articulation_points",
)

#: Stage rules (see :func:`network_stage`): with at most this share of the tied
#: organizations in its largest connected part, the network is scattered clusters.
SCATTERED_AT_MOST: Final = 0.5
#: A hub tied directly to this share of its connected part...
HUB_REACH: Final = 0.5
#: ... with this many times the ties of the next organization, is the network's one hub.
HUB_LEAD: Final = 2.0
#: A core at least this dense ...
CORE_DENSITY: Final = 0.5
#: ... to which this share of the periphery has two or more ties makes a core–periphery.
PERIPHERY_REACH: Final = 0.25
#: Fewer tied organizations or tied pairs than these leave no structure to read.
FEWEST_TIED: Final = 4
FEWEST_TIES: Final = 3


@dataclass(frozen=True)
class Health:
    """The scorecard of one graph: numbers, stage, E-I by group, each organization's part."""

    stage: str
    scorecard: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    organizations: pd.DataFrame = field(repr=False)


def coreness(G: nx.Graph) -> pd.Series:
    """The k-core number of every organization: the largest k such that it belongs to a
    group where everyone has at least k ties inside the group (NetworkX's ``core_number``).

    >>> coreness(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4)])).tolist()
    [2, 2, 2, 1]
    """
    nodes = engine.Indexed.of(G).nodes
    return pd.Series(engine.core_numbers(G), index=pd.Index(nodes, dtype=object), name="coreness")


def core_periphery(G: nx.Graph, *, cores: pd.Series | None = None) -> pd.Series:
    """The core of the discrete core–periphery model of Borgatti & Everett (1999).

    The ideal core–periphery network has every core pair tied and no periphery pair
    tied; ties between core and periphery are left out of the comparison (the model
    with those blocks as missing data). The fit is the correlation between the ties
    and that ideal over the core pairs and the periphery pairs. Borgatti & Everett
    search every partition with a genetic algorithm; here the core is the first k
    organizations by k-core number, then ties, then node order, with k chosen to
    maximize the fit: exact among such nested cores, linear in the ties, and a core
    found this way is always a dense group of well-tied organizations. Organizations
    with no tie are periphery and left out of the fit.

    Returns
    -------
    Series
        ``True`` for the core, by organization in node order. ``attrs`` holds ``fit``
        (the correlation, NaN with fewer than four tied organizations), ``core_size``
        and ``core_density``.

    Examples
    --------
    >>> G = nx.complete_graph(5)
    >>> G.add_edges_from([(0, 5), (1, 6), (2, 7), (3, 8), (4, 9)])
    >>> found = core_periphery(G)
    >>> found[found].index.tolist(), round(found.attrs["fit"], 3)
    ([0, 1, 2, 3, 4], 1.0)
    """
    index = engine.Indexed.of(G)
    n = len(index.nodes)
    u, v = _pairs(G)
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    cores = coreness(G) if cores is None else cores.reindex(pd.Index(index.nodes, dtype=object))
    tied = np.flatnonzero(degree > 0)
    order = tied[np.lexsort((tied, -degree[tied], -cores.to_numpy()[tied]))]
    t, m = len(order), len(u)
    core = pd.Series(False, index=pd.Index(index.nodes, dtype=object), name="core")
    core.attrs.update(fit=float("nan"), core_size=0, core_density=float("nan"))
    if t < FEWEST_TIED:
        return core
    rank = np.full(n, -1, dtype=np.int64)
    rank[order] = np.arange(t)
    high, low = np.maximum(rank[u], rank[v]), np.minimum(rank[u], rank[v])
    k = np.arange(1, t, dtype=float)  # core sizes 1 .. t − 1
    inside = np.cumsum(np.bincount(high, minlength=t))[:-1].astype(float)
    outside = m - np.cumsum(np.bincount(low, minlength=t))[:-1].astype(float)
    core_pairs = k * (k - 1) / 2
    periphery_pairs = (t - k) * (t - k - 1) / 2
    pairs = core_pairs + periphery_pairs
    ties = inside + outside
    spread = ties * (pairs - ties) * core_pairs * (pairs - core_pairs)
    fit = np.full(len(k), -np.inf)
    usable = spread > 0
    fit[usable] = (pairs[usable] * inside[usable] - ties[usable] * core_pairs[usable]) / np.sqrt(
        spread[usable]
    )
    if not usable.any():
        return core
    best = int(np.argmax(fit))
    size = best + 1
    core.iloc[order[:size]] = True
    core.attrs.update(
        fit=float(fit[best]),
        core_size=size,
        core_density=float(inside[best] / core_pairs[best]) if core_pairs[best] else float("nan"),
    )
    return core


def _kept(G: nx.Graph, key: Any, make: Any) -> Any:
    """``make()`` once per graph version, kept in NetworkX's conversion cache (emptied
    when nodes or edges change), as the engine keeps its conversions."""
    store = G.__networkx_cache__.setdefault("maillage.health", {})
    if key not in store:
        store[key] = make()
    return store[key]


def _pairs(G: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    """The tied pairs (u < v) as node positions, self-loops left out."""

    def make() -> tuple[np.ndarray, np.ndarray]:
        upper = sp.triu(engine.adjacency(G), k=1).tocoo()
        return upper.row.astype(np.int64), upper.col.astype(np.int64)

    found: tuple[np.ndarray, np.ndarray] = _kept(G, "pairs", make)
    return found


def _codes(G: nx.Graph, by: str) -> tuple[np.ndarray, list[str]]:
    """Each organization's value of ``by`` as a code (−1 when unknown) and the values."""

    def make() -> tuple[np.ndarray, list[str]]:
        nodes = engine.Indexed.of(G).nodes
        values = pd.Series([_known(G.nodes[v].get(by)) for v in nodes], dtype=object)
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        return codes.astype(np.int64), [str(x) for x in uniques]

    found: tuple[np.ndarray, list[str]] = _kept(G, ("codes", by), make)
    return found


def _known(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def ei_index(G: nx.Graph, by: str) -> tuple[float, float]:
    """Krackhardt & Stern's E-I index of the whole network by ``by``, and its expected value.

    E-I = (E − I)/(E + I) over the ties whose two ends have a known ``by``: E ties
    between groups, I ties within. −1: every tie stays inside its group; +1: every tie
    crosses. The expected value is the index of a network whose ties fall at random
    among the tied organizations of known ``by`` (pairs between groups against pairs
    within), since many small groups make crossing ties likely by chance alone.

    Returns
    -------
    tuple of float
        (E-I, expected), NaN when no tie has two known ends.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "region")
    >>> ei, expected = ei_index(G, "region")
    >>> round(ei, 3), round(expected, 3)
    (-0.333, 0.333)
    """
    codes, _ = _codes(G, by)
    u, v = _pairs(G)
    known = (codes[u] >= 0) & (codes[v] >= 0)
    same = int(np.count_nonzero(codes[u][known] == codes[v][known]))
    crossing = int(np.count_nonzero(known)) - same
    value = (crossing - same) / (crossing + same) if crossing + same else float("nan")
    tied = np.zeros(len(codes), dtype=bool)
    tied[u[known]] = tied[v[known]] = True
    sizes = np.bincount(codes[tied], minlength=max(int(codes.max()) + 1, 0) if len(codes) else 0)
    total = int(sizes.sum())
    within = float((sizes * (sizes - 1) / 2).sum())
    between = total * (total - 1) / 2 - within
    expected = (between - within) / (between + within) if between + within else float("nan")
    return float(value), float(expected)


def ei_groups(G: nx.Graph, by: str) -> pd.DataFrame:
    """The E-I index of each group (each value of ``by``): its ties crossing out against
    its ties inside, counting each tie once, and what random mixing would give.

    Returns
    -------
    DataFrame
        Indexed by value, columns ``organizations`` (tied ones of known ``by``),
        ``internal``, ``external``, ``ei`` and ``expected``.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "region")
    >>> ei_groups(G, "region")[["internal", "external", "ei"]].values.tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    """
    codes, values = _codes(G, by)
    u, v = _pairs(G)
    known = (codes[u] >= 0) & (codes[v] >= 0)
    a, b = codes[u][known], codes[v][known]
    groups = len(values)
    internal = np.bincount(a[a == b], minlength=groups).astype(float)
    external = (
        np.bincount(a[a != b], minlength=groups) + np.bincount(b[a != b], minlength=groups)
    ).astype(float)
    tied = np.zeros(len(codes), dtype=bool)
    tied[u[known]] = tied[v[known]] = True
    size = np.bincount(codes[tied], minlength=groups).astype(float)
    total = size.sum()
    possible_in = size * (size - 1) / 2
    possible_out = size * (total - size)
    counted = internal + external
    possible = possible_in + possible_out
    table = pd.DataFrame(
        {
            "organizations": size.astype(np.int64),
            "internal": internal,
            "external": external,
            "ei": np.divide(
                external - internal, counted, out=np.full(groups, np.nan), where=counted > 0
            ),
            "expected": np.divide(
                possible_out - possible_in,
                possible,
                out=np.full(groups, np.nan),
                where=possible > 0,
            ),
        },
        index=pd.Index(values, name=by, dtype=object),
    )
    return table


def ei_organizations(G: nx.Graph, by: str) -> pd.Series:
    """Each organization's E-I index by ``by``: its ties to other groups against its ties
    within its own (NaN when its value or every neighbour's is unknown).

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "region")
    >>> ei_organizations(G, "region").tolist()
    [-1.0, 0.0, 0.0, -1.0]
    """
    codes, _ = _codes(G, by)
    n = len(codes)
    u, v = _pairs(G)
    known = (codes[u] >= 0) & (codes[v] >= 0)
    ends = np.concatenate([u[known], v[known]])
    crossing = np.concatenate([codes[u][known] != codes[v][known]] * 2)
    external = np.bincount(ends[crossing], minlength=n).astype(float)
    internal = np.bincount(ends[~crossing], minlength=n).astype(float)
    counted = external + internal
    nodes = engine.Indexed.of(G).nodes
    return pd.Series(
        np.divide(external - internal, counted, out=np.full(n, np.nan), where=counted > 0),
        index=pd.Index(nodes, dtype=object),
        name=f"ei_{by}",
    )


def reciprocity(G: nx.Graph) -> float:
    """The share of directed ties (``member_of``, ``funds``, ...) whose reverse is also a
    directed tie: NetworkX's ``overall_reciprocity`` of the directed ties alone (NaN
    without any). Undirected ties (``partner``) are mutual by definition and left out.

    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", typed_ties=(("a", "b", "funds"), ("b", "a", "supplies")))
    >>> G.add_edge("a", "c", typed_ties=(("c", "a", "member_of"),))
    >>> round(reciprocity(G), 3)
    0.667
    """
    arcs = {
        (source, target)
        for _, _, typed in G.edges(data="typed_ties", default=())
        for source, target, kind in typed
        if kind in DIRECTED_TIE_TYPES and source != target
    }
    if not arcs:
        return float("nan")
    return sum((target, source) in arcs for source, target in arcs) / len(arcs)


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of non-negative values: 0 when all are equal, near 1 when one
    holds everything (NaN when they sum to 0).

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(list(values), dtype=float))
    n, total = len(x), float(x.sum()) if len(x) else 0.0
    if n == 0 or total <= 0:
        return float("nan")
    ranks = 2 * np.arange(1, n + 1) - n - 1
    return float(ranks @ x / (n * total))


def network_stage(G: nx.Graph, *, core: pd.Series | None = None) -> tuple[str, dict[str, float]]:
    """Krebs & Holley's stage of the network, and the numbers that decided it.

    In order: fewer than :data:`FEWEST_TIED` tied organizations or :data:`FEWEST_TIES`
    tied pairs is ``too_few_ties``; when the largest connected part holds at most
    :data:`SCATTERED_AT_MOST` of the tied organizations, ``scattered``; when one
    organization is tied directly to at least :data:`HUB_REACH` of its part with
    :data:`HUB_LEAD` times the ties of the next, ``hub_and_spoke``; when the core of
    :func:`core_periphery` has three or more organizations, a density of
    :data:`CORE_DENSITY` or more, and at least :data:`PERIPHERY_REACH` of the other
    organizations of the largest part have two or more ties into it,
    ``core_periphery``; otherwise ``multi_hub`` (several hubs whose spokes each hang on
    one of them).

    Returns
    -------
    tuple
        The stage (a key of :data:`STAGES`) and ``largest_component_share``,
        ``hub_reach``, ``core_density``, ``periphery_reach``.

    Examples
    --------
    >>> network_stage(nx.star_graph(20))[0], network_stage(nx.empty_graph(30))[0]
    ('hub_and_spoke', 'too_few_ties')
    """
    index = engine.Indexed.of(G)
    n = len(index.nodes)
    u, v = _pairs(G)
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    tied = degree > 0
    evidence = {
        "largest_component_share": float("nan"),
        "hub_reach": float("nan"),
        "core_density": float("nan"),
        "periphery_reach": float("nan"),
    }
    if int(tied.sum()) < FEWEST_TIED or len(u) < FEWEST_TIES:
        return "too_few_ties", evidence
    _, labels = connected_components(engine.adjacency(G), directed=False)
    sizes = np.bincount(labels[tied])
    giant = int(np.argmax(sizes))
    in_giant = labels == giant
    evidence["largest_component_share"] = float(sizes[giant] / tied.sum())
    ranked = np.sort(degree[in_giant])[::-1]
    top, second = int(ranked[0]), int(ranked[1]) if len(ranked) > 1 else 0
    evidence["hub_reach"] = top / (int(sizes[giant]) - 1)
    core = core_periphery(G) if core is None else core
    inner = core.to_numpy(dtype=bool)
    evidence["core_density"] = float(core.attrs.get("core_density", float("nan")))
    into_core = np.bincount(
        np.concatenate([u[inner[v]], v[inner[u]]]), minlength=n
    )  # ties each organization has into the core
    outer = in_giant & ~inner
    if outer.any():
        evidence["periphery_reach"] = float(np.mean(into_core[outer] >= 2))
    if evidence["largest_component_share"] <= SCATTERED_AT_MOST:
        return "scattered", evidence
    if evidence["hub_reach"] >= HUB_REACH and top >= HUB_LEAD * second:
        return "hub_and_spoke", evidence
    if (
        int(inner.sum()) >= 3
        and evidence["core_density"] >= CORE_DENSITY
        and evidence["periphery_reach"] >= PERIPHERY_REACH
    ):
        return "core_periphery", evidence
    return "multi_hub", evidence


def health(
    G: nx.Graph,
    *,
    betweenness: pd.Series | None = None,
    betweenness_samples: int | Literal["auto"] | None = "auto",
    seed: int = 0,
) -> Health:
    """The health scorecard of an alliance graph.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`).
    betweenness : Series, optional
        Betweenness by organization (e.g. the metrics' column); computed with the
        engine (sampled as in ``metrics`` above its threshold) when omitted.
    betweenness_samples : int, "auto" or None, default "auto"
        As in :func:`graph.centrality.centrality`, when ``betweenness`` is computed.
    seed : int, default 0
        Seed of the betweenness sample.

    Returns
    -------
    Health
        ``stage`` (a key of :data:`STAGES`); ``scorecard`` indexed by the measures of
        :data:`MEASURES`, columns ``value`` and ``expected`` (random mixing, for the
        E-I indices); ``groups``: the E-I index of every region, type and sector
        (``by``, ``group``, ``organizations``, ``internal``, ``external``, ``ei``,
        ``expected``); ``organizations`` by id in node order: ``coreness``, ``core``,
        ``ei_region``, ``ei_type``, ``ei_sector``, ``cut_off`` (organizations an
        articulation point alone keeps connected; 0 for the others).

    Examples
    --------
    >>> found = health(nx.star_graph(6))
    >>> found.stage, float(found.scorecard.loc["articulation_points", "value"])
    ('hub_and_spoke', 1.0)
    >>> round(float(found.scorecard.loc["betweenness_gini", "value"]), 3)  # the hub: 6/7
    0.857
    """
    index = engine.Indexed.of(G)
    nodes = index.nodes
    n = len(nodes)
    u, v = _pairs(G)
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    tied = degree > 0
    cores = coreness(G)
    core = core_periphery(G, cores=cores)
    stage, evidence = network_stage(G, core=core)
    if betweenness is None:
        samples = betweenness_sample_size(G, betweenness_samples)
        between = pd.Series(engine.betweenness(G, samples=samples, seed=seed), index=nodes)
    else:
        between = betweenness.reindex(pd.Index(nodes, dtype=object)).fillna(0.0)
    cuts = single_points_of_failure(G).table
    points = cuts[cuts["kind"] == "articulation_point"]
    cut_off = pd.Series(0, index=pd.Index(nodes, dtype=object), name="cut_off")
    for ids, lost in zip(points["ids"], points["cut_off"], strict=True):
        cut_off[ids[0]] = int(lost)
    degeneracy = int(cores.max()) if n and tied.any() else 0
    values: dict[str, tuple[float, float]] = {
        "organizations": (n, np.nan),
        "tied_pairs": (len(u), np.nan),
        "isolated_share": (float(np.mean(~tied)) if n else np.nan, np.nan),
        "density": (2 * len(u) / (n * (n - 1)) if n > 1 else np.nan, np.nan),
        "largest_component_share": (evidence["largest_component_share"], np.nan),
        "degeneracy": (degeneracy, np.nan),
        "main_core_size": (int((cores == degeneracy).sum()) if degeneracy else 0, np.nan),
        "core_periphery_fit": (core.attrs["fit"], np.nan),
        "core_size": (core.attrs["core_size"], np.nan),
        "core_density": (evidence["core_density"], np.nan),
        "periphery_reach": (evidence["periphery_reach"], np.nan),
        "hub_reach": (evidence["hub_reach"], np.nan),
        **{f"ei_{by}": ei_index(G, by) for by in GROUPINGS},
        "reciprocity": (reciprocity(G), np.nan),
        "betweenness_gini": (gini(between.to_numpy()[tied]), np.nan),
        "articulation_points": (len(points), np.nan),
    }
    scorecard = pd.DataFrame(
        [values[m] for m in MEASURES],
        columns=["value", "expected"],
        index=pd.Index(MEASURES, name="measure"),
        dtype=float,
    )
    groups = pd.concat(
        [ei_groups(G, by).rename_axis("group").reset_index().assign(by=by) for by in GROUPINGS],
        ignore_index=True,
    )
    groups = groups[["by", "group", "organizations", "internal", "external", "ei", "expected"]]
    organizations = pd.DataFrame(
        {
            "coreness": cores.to_numpy(),
            "core": core.to_numpy(),
            **{f"ei_{by}": ei_organizations(G, by).to_numpy() for by in GROUPINGS},
            "cut_off": cut_off.to_numpy(),
        },
        index=pd.Index(nodes, dtype=object),
    )
    scorecard.attrs.update(evidence=evidence)
    return Health(
        stage, without_noise(scorecard), without_noise(groups), without_noise(organizations)
    )


def compare(now: Health, before: Health) -> pd.DataFrame:
    """The scorecard of ``now`` with each value at the earlier date and the change.

    >>> earlier = health(nx.path_graph(6))
    >>> later = health(nx.star_graph(5))
    >>> moved = compare(later, earlier)
    >>> moved.loc["articulation_points", ["value", "before", "change"]].tolist()
    [1.0, 4.0, -3.0]
    """
    table = now.scorecard.copy()
    table["before"] = before.scorecard["value"].reindex(table.index)
    table["change"] = table["value"] - table["before"]
    return without_noise(table)

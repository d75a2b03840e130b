"""Turn the store's two frames into the graphs every analysis reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import pandas as pd

from maillage.ground.dates import is_active
from maillage.ground.vocabulary import DIRECTED_TIE_TYPES

#: Organization columns copied onto each node as attributes.
NODE_ATTRIBUTES = (
    "name",
    "type",
    "region",
    "country",
    "sector",
    "legal_form",
    "city",
    "lat",
    "lon",
)


def node_order(nodes: Iterable[Hashable]) -> list[Any]:
    """Nodes in the deterministic order every frame uses: sorted, by text when mixed.

    >>> node_order(["b", "a", "c"])
    ['a', 'b', 'c']
    >>> node_order([2, "x", 1])
    [1, 2, 'x']
    """
    items = list(nodes)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda v: (type(v).__name__ != "int", str(v)))


def ties_active_at(ties: pd.DataFrame, date: dt.date | str) -> pd.DataFrame:
    """The ties whose ``since``/``until`` span ``date`` (both ends inclusive).

    A missing ``since`` means "always was", a missing ``until`` means "ongoing", as in
    the store. The input frame is not changed; the rows kept keep their index.

    Parameters
    ----------
    ties : DataFrame
        Ties with ``since`` and ``until`` as ISO ``YYYY-MM-DD`` strings or None.
    date : date or str
        The day to look at.

    Returns
    -------
    DataFrame
        A copy of the rows active on ``date``.

    Examples
    --------
    >>> ties = pd.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"],
    ...                      "since": ["2010-01-01", None, "2021-05-01"],
    ...                      "until": ["2019-12-31", None, None]})
    >>> list(ties_active_at(ties, "2020-06-01")["target"])
    ['c']
    >>> len(ties_active_at(ties, dt.date(2015, 1, 1)))
    2
    """
    day = date.isoformat() if isinstance(date, dt.date) else str(date)
    since = ties["since"] if "since" in ties.columns else pd.Series(None, index=ties.index)
    until = ties["until"] if "until" in ties.columns else pd.Series(None, index=ties.index)
    keep = [
        is_active(None if _missing(s) else str(s), None if _missing(u) else str(u), day)
        for s, u in zip(since, until, strict=True)
    ]
    return ties.loc[keep].copy()


def alliance_graph(orgs: pd.DataFrame, ties: pd.DataFrame, *, weighted: bool = False) -> nx.Graph:
    """The undirected simple alliance graph: one node per organization, one edge per tied pair.

    Every organization is a node, tied or not, carrying the attributes in
    :data:`NODE_ATTRIBUTES`. Several ties between the same two organizations make one
    edge whose ``tie_weight`` is the sum of their weights, ``ties`` their count,
    ``types`` their sorted tie types and ``arcs`` the directed (source, target) pairs
    they stand for (both directions for an undirected tie type such as ``partner``),
    which :mod:`graph.brokerage` uses for tie direction, and ``typed_ties`` the sorted
    (source, target, type) triples themselves. ``weight`` is ``tie_weight`` when
    ``weighted`` is true and 1 otherwise, so that NetworkX functions reading ``weight``
    agree with the chosen mode. Ties from an organization to itself are
    ignored.

    Parameters
    ----------
    orgs : DataFrame
        Organizations with at least ``id``; other contract columns become attributes.
    ties : DataFrame
        Ties with ``source``, ``target``, ``type`` and optionally ``weight``.
    weighted : bool, default False
        Whether ``weight`` carries the summed tie weights.

    Returns
    -------
    networkx.Graph
        ``G.graph["weighted"]`` records the mode.

    Raises
    ------
    ValueError
        When a tie names an organization that is not in ``orgs``.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"],
    ...                      "type": ["enterprise", "network", "funder"]})
    >>> ties = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "a", "a"],
    ...                      "type": ["member_of", "partner", "funds"],
    ...                      "weight": [2.0, 1.0, 5.0]})
    >>> G = alliance_graph(orgs, ties, weighted=True)
    >>> sorted(G.edges(data="weight"))
    [('a', 'b', 3.0), ('a', 'c', 5.0)]
    >>> G.edges["a", "b"]["types"], G.edges["a", "b"]["arcs"]
    (('member_of', 'partner'), (('a', 'b'), ('b', 'a')))
    >>> G.nodes["c"]["type"]
    'funder'
    """
    G = nx.Graph(weighted=weighted)
    ids = [str(i) for i in orgs["id"]]
    columns = {
        a: _column(orgs, a) if a in orgs.columns else [None] * len(ids) for a in NODE_ATTRIBUTES
    }
    rows = zip(*columns.values(), strict=True)
    nodes = sorted(zip(ids, rows, strict=True), key=lambda item: item[0])
    G.add_nodes_from((node, dict(zip(NODE_ATTRIBUTES, row, strict=True))) for node, row in nodes)
    sources = [str(v) for v in ties["source"]]
    targets = [str(v) for v in ties["target"]]
    unknown = sorted(set(sources).union(targets).difference(G))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise ValueError(f"ties name {len(unknown)} organization(s) not in orgs: {shown}")
    kinds = [str(v) for v in ties["type"]]
    if "weight" in ties.columns:
        weights = pd.to_numeric(ties["weight"], errors="coerce").fillna(1.0).tolist()
    else:
        weights = [1.0] * len(kinds)
    # tie_weight, ties, typed ties (source, target, type) per unordered pair
    pairs: dict[tuple[str, str], list[Any]] = {}
    for u, v, kind, weight in zip(sources, targets, kinds, weights, strict=True):
        if u == v:
            continue
        key = (u, v) if u < v else (v, u)
        edge = pairs.get(key)
        if edge is None:
            pairs[key] = [float(weight), 1, [(u, v, kind)]]
        else:
            edge[0] += float(weight)
            edge[1] += 1
            edge[2].append((u, v, kind))
    G.add_edges_from(
        _edge(u, v, *edge, weighted=weighted) for (u, v), edge in sorted(pairs.items())
    )
    return G


def _edge(
    u: str,
    v: str,
    tie_weight: float,
    count: int,
    typed: list[tuple[str, str, str]],
    *,
    weighted: bool,
) -> tuple[str, str, dict[str, Any]]:
    if count == 1:
        source, target, kind = typed[0]
        arcs: tuple[tuple[str, str], ...] = (
            ((source, target),) if kind in DIRECTED_TIE_TYPES else ((u, v), (v, u))
        )
        types: tuple[str, ...] = (kind,)
        typed_ties: tuple[tuple[str, str, str], ...] = (typed[0],)
    else:
        typed_ties = tuple(sorted(set(typed)))
        types = tuple(sorted({kind for _, _, kind in typed_ties}))
        directions = {(s, t) for s, t, _ in typed_ties}
        directions |= {(t, s) for s, t, kind in typed_ties if kind not in DIRECTED_TIE_TYPES}
        arcs = tuple(sorted(directions))
    return (
        u,
        v,
        {
            "weight": tie_weight if weighted else 1.0,
            "tie_weight": tie_weight,
            "ties": count,
            "types": types,
            "arcs": arcs,
            "typed_ties": typed_ties,
        },
    )


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as plain Python values, missing values as None."""
    values = frame[name].astype(object)
    missing = values.isna().tolist()
    return [None if m else _plain(v) for v, m in zip(values.tolist(), missing, strict=True)]


def directed_ties_graph(G: nx.Graph) -> nx.DiGraph:
    """The directed view of an alliance graph: an arc for each direction a tie stands for.

    A directed tie type (``member_of``, ``funds``, ...) gives one arc source → target;
    an undirected one (``partner``) gives arcs both ways. Edges without an ``arcs``
    attribute (graphs not made by :func:`alliance_graph`) count as undirected. Nodes
    and their attributes are kept; ``G`` is not changed.

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"]})
    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                      "type": ["member_of", "partner"]})
    >>> sorted(directed_ties_graph(alliance_graph(orgs, ties)).edges())
    [('a', 'b'), ('b', 'c'), ('c', 'b')]
    """
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    for u, v, arcs in G.edges(data="arcs"):
        D.add_edges_from(arcs if arcs else ((u, v), (v, u)))
    return D


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value

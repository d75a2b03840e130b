"""What changed between two dates: ties gained and lost, centrality movers, communities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph import engine
from maillage.graph.build import alliance_graph, node_order, ties_active_at
from maillage.graph.communities import communities, community_profiles, community_sets
from maillage.graph.numbers import without_noise

#: Centrality columns compared between the two dates.
MOVER_METRICS = ("degree", "betweenness", "eigenvector", "pagerank")
TIE_KEY = ("source", "target", "type", "since")


@dataclass(frozen=True)
class Change:
    """The ``maillage diff`` report between ``start`` and ``end``."""

    start: str
    end: str
    ties_gained: pd.DataFrame = field(repr=False)
    ties_lost: pd.DataFrame = field(repr=False)
    movers: pd.DataFrame = field(repr=False)
    community_changes: pd.DataFrame = field(repr=False)
    #: What dominates each community at each date (:func:`graph.communities.community_profiles`).
    profiles_before: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    profiles_after: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def diff(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    start: dt.date | str,
    end: dt.date | str,
    by: str = "betweenness",
    top: int = 20,
    seed: int = 0,
    betweenness_samples: int | None = None,
    min_size: int = 3,
    share: float = 0.2,
) -> Change:
    """Compare the alliance graph at ``start`` and at ``end``.

    Parameters
    ----------
    orgs, ties : DataFrame
        The store's frames (every date; this function picks the active ties).
    start, end : date or ISO str
        The two dates.
    by : str, default "betweenness"
        The metric of :data:`MOVER_METRICS` whose absolute change ranks the movers.
    top : int, default 20
        How many movers.
    seed : int, default 0
        Seed of community detection (and of sampled betweenness).
    betweenness_samples : int, optional
        Estimate betweenness from this many sources (None: exact).
    min_size : int, default 3
        Communities smaller than this are not reported as merged or split.
    share : float, default 0.2
        A community counts as a part of a merge or split when it holds at least this
        share of the other community's members.

    Returns
    -------
    Change
        ``ties_gained`` / ``ties_lost`` (tie rows active at one date only, identified by
        source, target, type, since), ``movers`` (indexed by id: each metric at both dates
        and its change, biggest absolute change of ``by`` first), ``community_changes``
        (``kind`` "merged" or "split", community numbers ``before`` and ``after``, and the
        ``organizations`` concerned), ``profiles_before`` and ``profiles_after`` (what
        dominates each community at each date, to name them).

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["a", "b", "c"]})
    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"],
    ...                      "type": ["partner", "partner"],
    ...                      "since": ["2010-01-01", "2020-01-01"], "until": [None, None]})
    >>> change = diff(orgs, ties, start="2015-01-01", end="2021-01-01")
    >>> change.ties_gained[["source", "target"]].values.tolist()
    [['b', 'c']]
    >>> change.movers.index[0], float(change.movers.loc["b", "betweenness_change"])
    ('b', 1.0)
    """
    if by not in MOVER_METRICS:
        raise ValueError(f"by must be one of {', '.join(MOVER_METRICS)}")
    start_text = start.isoformat() if isinstance(start, dt.date) else str(start)
    end_text = end.isoformat() if isinstance(end, dt.date) else str(end)
    before_ties = ties_active_at(ties, start_text)
    after_ties = ties_active_at(ties, end_text)
    gained, lost = _tie_changes(before_ties, after_ties)
    G_before = alliance_graph(orgs, before_ties)
    G_after = alliance_graph(orgs, after_ties)
    movers = _movers(G_before, G_after, by=by, top=top, seed=seed, samples=betweenness_samples)
    found_before = communities(G_before, seed=seed)
    found_after = communities(G_after, seed=seed)
    changes = _community_changes(found_before, found_after, min_size=min_size, share=share)
    return Change(
        start_text,
        end_text,
        gained,
        lost,
        movers,
        changes,
        community_profiles(G_before, found_before["community"]),
        community_profiles(G_after, found_after["community"]),
    )


def _tie_changes(before: pd.DataFrame, after: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    def keys(frame: pd.DataFrame) -> list[tuple[str, ...]]:
        columns = [frame[c] if c in frame else pd.Series(None, index=frame.index) for c in TIE_KEY]
        rows = zip(*columns, strict=True)
        return [tuple("" if _blank(x) else str(x) for x in row) for row in rows]

    before_keys, after_keys = keys(before), keys(after)
    old, new = set(before_keys), set(after_keys)
    gained = after.loc[np.array([k not in old for k in after_keys], dtype=bool)]
    lost = before.loc[np.array([k not in new for k in before_keys], dtype=bool)]
    return _sorted_ties(gained), _sorted_ties(lost)


def _sorted_ties(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in TIE_KEY if c in frame.columns]
    return frame.sort_values(columns, kind="stable", na_position="first").reset_index(drop=True)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _measures(G: nx.Graph, seed: int, samples: int | None) -> pd.DataFrame:
    nodes = engine.Indexed.of(G).nodes
    return pd.DataFrame(
        {
            "degree": [G.degree(v) for v in nodes],
            "betweenness": engine.betweenness(G, samples=samples, seed=seed),
            "eigenvector": engine.eigenvector(G),
            "pagerank": engine.pagerank(G),
        },
        index=pd.Index(nodes, dtype=object),
    )


def _movers(
    G_before: nx.Graph, G_after: nx.Graph, *, by: str, top: int, seed: int, samples: int | None
) -> pd.DataFrame:
    before = _measures(G_before, seed, samples)
    after = _measures(G_after, seed, samples)
    names = {v: G_after.nodes[v].get("name") for v in after.index}
    names.update({v: G_before.nodes[v].get("name") for v in before.index if v not in names})
    return movers(
        before.assign(name=pd.Series(names)), after.assign(name=pd.Series(names)), by=by, top=top
    )


def movers(before: pd.DataFrame, after: pd.DataFrame, *, by: str, top: int) -> pd.DataFrame:
    """The organizations whose ``by`` measure changed most between two metric tables.

    Parameters
    ----------
    before, after : DataFrame
        Indexed by organization id, with the columns of :data:`MOVER_METRICS` present in
        either (such as :func:`graph.metrics.metrics` tables at two dates) and optionally
        ``name``. An organization missing at one date has NaN there.
    by : str
        The column whose absolute change ranks the rows (NaN changes rank last).
    top : int
        How many rows.

    Returns
    -------
    DataFrame
        Indexed by id: ``name`` (from ``after``, else ``before``), then for each metric
        ``<metric>_before``, ``<metric>_after`` and ``<metric>_change``; largest absolute
        change of ``by`` first, ties by id order.

    Examples
    --------
    >>> before = pd.DataFrame({"degree": [1, 2]}, index=["a", "b"])
    >>> after = pd.DataFrame({"degree": [4, 2, 1]}, index=["a", "b", "c"])
    >>> movers(before, after, by="degree", top=2)[["degree_before", "degree_after"]]
       degree_before  degree_after
    a            1.0             4
    b            2.0             2
    """
    nodes = node_order(set(before.index) | set(after.index))
    before, after = before.reindex(nodes), after.reindex(nodes)
    table = pd.DataFrame(index=pd.Index(nodes, dtype=object))
    if "name" in after or "name" in before:
        blank = pd.Series(None, index=table.index, dtype=object)
        named_after, named_before = after.get("name", blank), before.get("name", blank)
        table["name"] = named_after.where(named_after.notna(), named_before)
    for metric in MOVER_METRICS:
        if metric in before or metric in after:
            table[f"{metric}_before"] = before.get(metric)
            table[f"{metric}_after"] = after.get(metric)
            table[f"{metric}_change"] = table[f"{metric}_after"] - table[f"{metric}_before"]
    # A change of 1e-17 is rounding, not a move: noise is 0 before ranking.
    table = without_noise(table)
    magnitude = table[f"{by}_change"].abs().fillna(-1.0)
    rank = np.arange(len(nodes))
    order = np.lexsort((rank, -magnitude.to_numpy()))
    return table.iloc[order[:top]]


def _community_changes(
    before: pd.DataFrame, after: pd.DataFrame, *, min_size: int, share: float
) -> pd.DataFrame:
    old, new = community_sets(before), community_sets(after)
    rows: list[dict[str, Any]] = []
    for number, members in new.items():
        if len(members) < min_size:
            continue
        parts = [k for k, m in old.items() if len(m) >= min_size and _holds(m, members, share)]
        if len(parts) >= 2:
            concerned = set().union(*(old[k] & members for k in parts))
            rows.append(_change_row("merged", parts, [number], concerned))
    for number, members in old.items():
        if len(members) < min_size:
            continue
        parts = [k for k, m in new.items() if len(m) >= min_size and _holds(m, members, share)]
        if len(parts) >= 2:
            concerned = set().union(*(new[k] & members for k in parts))
            rows.append(_change_row("split", [number], parts, concerned))
    return pd.DataFrame(rows, columns=["kind", "before", "after", "organizations", "members"])


def _holds(part: set[Any], whole: set[Any], share: float) -> bool:
    """Whether ``part`` holds at least ``share`` of ``whole``'s members."""
    return len(part & whole) >= share * len(whole)


def _change_row(
    kind: str, before: list[int], after: list[int], members: set[Any]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "before": before,
        "after": after,
        "organizations": len(members),
        "members": node_order(members),
    }

"""Would our opportunities have predicted the ties that formed? A dated backtest.

Ties active at the cutoff date form the training graph; the pairs tied later (a
``since`` after the cutoff, not tied at the cutoff) are the positives. Each method
ranks pairs on the training graph alone:

* ``opportunities``: the score of :func:`graph.opportunities.score_pairs`;
* ``preferential_attachment``: degree × degree (Barabási–Albert baseline);
* ``random``: a seeded random order (expected precision = positive rate, AUC 0.5).

precision@k is the share of the k best-ranked untied pairs that did tie. AUC is the
probability that a positive pair outranks a random untied pair that did not tie (ties
count half), estimated from a seeded sample of negatives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph.build import alliance_graph, node_order, ties_active_at
from maillage.graph.communities import communities
from maillage.graph.opportunities import opportunities, score_pairs

METHODS = ("opportunities", "preferential_attachment", "random")


def backtest(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    cutoff: dt.date | str,
    ks: Sequence[int] = (10, 50, 100),
    negatives: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Precision@k and AUC of the opportunity score against two baselines.

    Parameters
    ----------
    orgs, ties : DataFrame
        The store's frames with dated ties.
    cutoff : date or ISO str
        Ties active that day are known; ties starting after it are to be predicted.
    ks : sequence of int, default (10, 50, 100)
        The k of each precision@k column.
    negatives : int, default 20000
        Untied pairs sampled (seeded) as negatives for the AUC.
    seed : int, default 0
        Seed of the negative sample, the random baseline and community detection.

    Returns
    -------
    DataFrame
        Indexed by method (:data:`METHODS`), columns ``precision@k`` for each k and
        ``auc``. ``attrs`` holds ``cutoff``, ``positives`` (pairs that tied later),
        ``training_ties`` (edges at the cutoff), ``negatives`` (sampled) and
        ``positive_rate`` (positives / untied pairs).

    Raises
    ------
    ValueError
        When no pair ties after the cutoff (nothing to predict).

    Examples
    --------
    >>> G = nx.relaxed_caveman_graph(6, 5, 0.3, seed=1)
    >>> edges = sorted(G.edges())
    >>> ties = pd.DataFrame({"source": [str(u) for u, _ in edges],
    ...                      "target": [str(v) for _, v in edges], "type": "partner",
    ...                      "since": ["2010-01-01" if k % 4 else "2020-01-01"
    ...                                for k in range(len(edges))], "until": None})
    >>> orgs = pd.DataFrame({"id": [str(v) for v in G]})
    >>> report = backtest(orgs, ties, cutoff="2015-01-01", ks=(5,))
    >>> list(report.columns), list(report.index)
    (['precision@5', 'auc'], ['opportunities', 'preferential_attachment', 'random'])
    >>> bool(report.loc["opportunities", "auc"] > report.loc["random", "auc"])
    True
    """
    day = cutoff.isoformat() if isinstance(cutoff, dt.date) else str(cutoff)
    known = ties_active_at(ties, day)
    G = alliance_graph(orgs, known)
    positives = _later_pairs(G, ties, day)
    if not positives:
        raise ValueError(f"no pair ties after {day}: nothing to predict")
    n = G.number_of_nodes()
    untied = n * (n - 1) // 2 - G.number_of_edges()
    rng = np.random.default_rng(seed)
    sampled = _sample_negatives(G, positives, negatives, rng)
    community = communities(G, seed=seed)["community"]
    top = max(ks)
    ranked = {
        "opportunities": _opportunity_ranking(G, community, top),
        "preferential_attachment": _preferential_ranking(G, top),
        "random": _random_ranking(G, top, rng),
    }
    pairs = [*positives, *sampled]
    truth = np.r_[np.ones(len(positives)), np.zeros(len(sampled))]
    degree = dict(G.degree())
    scores = {
        "opportunities": score_pairs(G, pairs, community=community)["score"].to_numpy(),
        "preferential_attachment": np.array([degree[u] * degree[v] for u, v in pairs], dtype=float),
        "random": rng.random(len(pairs)),
    }
    wanted = set(positives)
    rows = {}
    for method in METHODS:
        hits = [pair in wanted for pair in ranked[method]]
        row = {f"precision@{k}": float(np.mean(hits[:k])) if hits[:k] else 0.0 for k in ks}
        row["auc"] = _auc(scores[method], truth)
        rows[method] = row
    report = pd.DataFrame.from_dict(rows, orient="index")
    report.attrs.update(
        cutoff=day,
        positives=len(positives),
        training_ties=G.number_of_edges(),
        negatives=len(sampled),
        positive_rate=len(positives) / max(untied, 1),
    )
    return report


def _pair(u: Any, v: Any) -> tuple[Any, Any]:
    return (u, v) if str(u) < str(v) else (v, u)


def _later_pairs(G: nx.Graph, ties: pd.DataFrame, day: str) -> list[tuple[Any, Any]]:
    later = set()
    for source, target, since in zip(ties["source"], ties["target"], ties["since"], strict=True):
        if since is None or (isinstance(since, float) and np.isnan(since)):
            continue
        u, v = str(source), str(target)
        if str(since) > day and u != v and u in G and v in G and not G.has_edge(u, v):
            later.add(_pair(u, v))
    return sorted(later)


def _sample_negatives(
    G: nx.Graph, positives: list[tuple[Any, Any]], count: int, rng: np.random.Generator
) -> list[tuple[Any, Any]]:
    nodes = node_order(G)
    wanted = set(positives)
    found: set[tuple[Any, Any]] = set()
    n = len(nodes)
    possible = n * (n - 1) // 2 - G.number_of_edges() - len(wanted)
    target = min(count, possible)
    while len(found) < target:
        draws = rng.integers(0, n, size=(2 * (target - len(found)) + 16, 2))
        for a, b in draws:
            if a == b:
                continue
            pair = _pair(nodes[a], nodes[b])
            if pair in wanted or G.has_edge(*pair):
                continue
            found.add(pair)
            if len(found) >= target:
                break
    return sorted(found)


def _opportunity_ranking(G: nx.Graph, community: pd.Series, top: int) -> list[tuple[Any, Any]]:
    table = opportunities(G, top=top, community=community)
    return [_pair(u, v) for u, v in zip(table["source"], table["target"], strict=True)]


def _preferential_ranking(G: nx.Graph, top: int) -> list[tuple[Any, Any]]:
    """The ``top`` untied pairs with the largest degree product.

    Only the best-connected organizations can be in them: the candidates are the
    pairs among the 2·top + 50 highest degrees, then ranked by product, then ids.
    """
    rank = {v: k for k, v in enumerate(node_order(G))}
    leaders = sorted(G, key=lambda v: (-G.degree(v), rank[v]))[: 2 * top + 50]
    candidates = [
        (G.degree(u) * G.degree(v), _pair(u, v))
        for k, u in enumerate(leaders)
        for v in leaders[k + 1 :]
        if not G.has_edge(u, v)
    ]
    candidates.sort(key=lambda item: (-item[0], rank[item[1][0]], rank[item[1][1]]))
    return [pair for _, pair in candidates[:top]]


def _random_ranking(G: nx.Graph, top: int, rng: np.random.Generator) -> list[tuple[Any, Any]]:
    nodes = node_order(G)
    chosen: list[tuple[Any, Any]] = []
    seen: set[tuple[Any, Any]] = set()
    possible = len(nodes) * (len(nodes) - 1) // 2 - G.number_of_edges()
    while len(chosen) < min(top, possible):
        a, b = rng.integers(0, len(nodes), size=2)
        if a == b:
            continue
        pair = _pair(nodes[a], nodes[b])
        if pair in seen or G.has_edge(*pair):
            continue
        seen.add(pair)
        chosen.append(pair)
    return chosen


def _auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """Mann–Whitney AUC with ties counted half."""
    positives = int(truth.sum())
    negatives = len(truth) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    total = ranks[truth == 1].sum() - positives * (positives + 1) / 2
    return float(total / (positives * negatives))

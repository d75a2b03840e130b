"""Who should meet whom: untied pairs ranked by shared contacts and complementarity.

A pair's score, between 0 and 1, adds two parts:

* **evidence** (weight :data:`EVIDENCE_WEIGHT`): 1 − exp(−AA), where AA is the
  Adamic–Adar index Σ 1/ln(deg z) over the contacts z the two share (Adamic & Adar
  2003; Liben-Nowell & Kleinberg 2007), so a shared contact with few ties counts more
  than a hub everyone shares;
* **complementarity** (weight 1 − :data:`EVIDENCE_WEIGHT`): a weighted share of
  :data:`COMPLEMENTARITY` — same region (they can meet), different sectors (each
  brings what the other lacks), a complementary type pair (:data:`COMPLEMENTARY_TYPES`,
  e.g. an enterprise and a funder) and sitting in different communities (the tie would
  bridge them).

Candidates are pairs two steps apart (they share a contact), found with sparse
matrix products row block by row block so memory stays bounded. For a single
organization (``for_id``) pairs further apart are also proposed on complementarity
alone, discounted by distance, with the shortest introduction path as ``via``.
Pairs already tied are never proposed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from maillage.graph import engine
from maillage.graph.communities import communities as find_communities

#: Share of the score given by shared contacts; the rest is complementarity.
EVIDENCE_WEIGHT = 0.6

#: Complementarity features and their weights (they sum to 1).
#: Same region weighs most: in the backtest on the synthetic Québec workbook
#: (``bench/analytics.py``) it is the strongest single predictor of ties that later
#: formed (AUC 0.82 alone), while different sectors and
#: bridging communities are what rarely happens unprompted (AUC 0.25–0.37): they stay in
#: the score as the value of a tie, not its likelihood.
COMPLEMENTARITY = {
    "same_region": 0.5,
    "complementary_types": 0.2,
    "complementary_sectors": 0.15,
    "bridges_communities": 0.15,
}

#: Organization type pairs that complete each other (unordered).
COMPLEMENTARY_TYPES = frozenset(
    frozenset(pair)
    for pair in (
        ("enterprise", "funder"),
        ("enterprise", "network"),
        ("enterprise", "research"),
        ("enterprise", "public_body"),
        ("enterprise", "community_group"),
        ("community_group", "funder"),
        ("community_group", "network"),
        ("community_group", "public_body"),
        ("network", "international_partner"),
        ("network", "research"),
        ("network", "funder"),
        ("research", "international_partner"),
        ("funder", "international_partner"),
    )
)

#: French words for organization types, used in ``reasons_fr``.
TYPE_FR = {
    "enterprise": "entreprise",
    "network": "réseau",
    "community_group": "groupe communautaire",
    "international_partner": "partenaire international",
    "funder": "financeur",
    "public_body": "organisme public",
    "research": "recherche",
}

OPPORTUNITY_COLUMNS = (
    "source",
    "target",
    "score",
    "shared_contacts",
    "distance",
    "reasons",
    "reasons_fr",
    "reason_keys",
    "via",
)

_ROWS_PER_BLOCK = 2_000


@dataclass(frozen=True)
class _Features:
    """Node arrays in :func:`graph.build.node_order` that pair scores read."""

    index: engine.Indexed
    A: sp.csr_array
    degree: np.ndarray
    weight: np.ndarray
    region: np.ndarray
    sector: np.ndarray
    kind: np.ndarray
    community: np.ndarray
    complementary_kinds: np.ndarray

    @classmethod
    def of(cls, G: nx.Graph, community: pd.Series | None, seed: int) -> _Features:
        index = engine.Indexed.of(G)
        A = engine.adjacency(G)
        degree = np.diff(A.indptr).astype(np.int64)
        weight = np.zeros(len(degree))
        hubs = degree >= 2
        weight[hubs] = 1.0 / np.log(degree[hubs])
        if community is None:
            community = find_communities(G, seed=seed)["community"]
        labels = community.reindex(pd.Index(index.nodes, dtype=object))
        region = _codes(G, index.nodes, "region")
        sector = _codes(G, index.nodes, "sector")
        kinds = [G.nodes[v].get("type") for v in index.nodes]
        words = sorted({k for k in kinds if k is not None})
        kind = np.array([words.index(k) if k is not None else -1 for k in kinds], dtype=np.int64)
        table = np.zeros((len(words) + 1, len(words) + 1), dtype=bool)
        for a, first in enumerate(words):
            for b, second in enumerate(words):
                table[a, b] = frozenset((first, second)) in COMPLEMENTARY_TYPES
        return cls(
            index=index,
            A=A,
            degree=degree,
            weight=weight,
            region=region,
            sector=sector,
            kind=kind,
            community=labels.fillna(-1).to_numpy(dtype=np.int64),
            complementary_kinds=table,
        )

    def flags(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        return {
            "same_region": (self.region[i] >= 0) & (self.region[i] == self.region[j]),
            "complementary_sectors": (self.sector[i] >= 0)
            & (self.sector[j] >= 0)
            & (self.sector[i] != self.sector[j]),
            "complementary_types": self.complementary_kinds[self.kind[i], self.kind[j]]
            & (self.kind[i] >= 0)
            & (self.kind[j] >= 0),
            "bridges_communities": self.community[i] != self.community[j],
        }

    def complement(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        flags = self.flags(i, j)
        total = np.zeros(len(i))
        for key, weight in COMPLEMENTARITY.items():
            total += weight * flags[key].astype(float)
        return total

    def adamic_adar(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if len(i) == 0:
            return np.zeros(0)
        left = sp.csr_array(self.A[i] @ sp.diags_array(self.weight))
        return np.asarray(left.multiply(self.A[j]).sum(axis=1)).ravel()


def score_pairs(
    G: nx.Graph,
    pairs: Sequence[tuple[Any, Any]],
    *,
    community: pd.Series | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Score given pairs the way :func:`opportunities` ranks them (used by backtests).

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph.
    pairs : sequence of (id, id)
        Pairs to score; tied pairs get a score too (callers decide).
    community : Series, optional
        Community number by id; computed with ``seed`` when omitted.

    Returns
    -------
    DataFrame
        Columns ``source``, ``target``, ``adamic_adar``, ``complement``, ``score``, in the
        order of ``pairs``.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> scores = score_pairs(G, [("a", "c"), ("a", "d")])
    >>> bool(scores.loc[0, "score"] > scores.loc[1, "score"])
    True
    """
    features = _Features.of(G, community, seed)
    position = features.index.position
    i = np.array([position[u] for u, _ in pairs], dtype=np.int64)
    j = np.array([position[v] for _, v in pairs], dtype=np.int64)
    aa = features.adamic_adar(i, j)
    complement = features.complement(i, j) if len(i) else np.zeros(0)
    return pd.DataFrame(
        {
            "source": [u for u, _ in pairs],
            "target": [v for _, v in pairs],
            "adamic_adar": aa,
            "complement": complement,
            "score": _score(aa, complement),
        }
    )


def opportunities(
    G: nx.Graph,
    *,
    for_id: Any | None = None,
    between: tuple[str, str] | None = None,
    region: str | None = None,
    top: int = 20,
    community: pd.Series | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Ranked alliance opportunities: pairs not yet tied, with reasons and an introduction path.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`); node attributes ``type``,
        ``region``, ``sector`` and ``name`` feed complementarity and reasons.
    for_id : id, optional
        Only opportunities of this organization (it is always ``source``); also
        proposes organizations more than two steps away.
    between : (type, type), optional
        Only pairs of these two organization types, in either order.
    region : str, optional
        Only pairs whose organizations are both in this region (with ``for_id``, the
        target must be).
    top : int, default 20
        How many rows.
    community : Series, optional
        Community number by id (e.g. the metrics' ``community`` column); computed with
        ``seed`` when omitted.
    seed : int, default 0
        Seed of the community detection when ``community`` is omitted.

    Returns
    -------
    DataFrame
        Columns :data:`OPPORTUNITY_COLUMNS`, best first (equal scores by Adamic–Adar,
        then source, then target): ``score`` in [0, 1], ``shared_contacts`` (count),
        ``distance`` (hops between them now; −1 when unconnected), ``reasons`` (English) and
        ``reasons_fr`` (French) as "; "-joined phrases, ``reason_keys`` (a tuple of
        keys for translation), ``via`` (the introduction path as a list of ids, from
        source to target; empty when there is none).

    Raises
    ------
    KeyError
        When ``for_id`` is not an organization of ``G``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("coop", {"type": "enterprise", "region": "06"}),
    ...                   ("pole", {"type": "network", "region": "06"}),
    ...                   ("fund", {"type": "funder", "region": "06"})])
    >>> G.add_edges_from([("coop", "pole"), ("pole", "fund")])
    >>> best = opportunities(G, top=1).iloc[0]
    >>> best["source"], best["target"], best["via"]
    ('coop', 'fund', ['coop', 'pole', 'fund'])
    >>> best["reasons"]
    '1 shared contact (pole); same region (06); complementary types (enterprise – funder)'
    """
    if top < 1:
        raise ValueError("top must be at least 1")
    if for_id is not None and for_id not in G:
        raise KeyError(f"{for_id!r} is not an organization of this graph")
    features = _Features.of(G, community, seed)
    n = len(features.index.nodes)
    if n < 2:
        return _empty()
    allowed = _allowed_nodes(G, features, region)
    wanted_types = _wanted_types(between)
    if for_id is None:
        i, j, aa = _two_hop_pairs(features, allowed, wanted_types, G, top)
        distance = np.full(len(i), 2, dtype=np.int64)
    else:
        i, j, aa, distance = _pairs_of_one(G, features, for_id, allowed, wanted_types)
    if len(i) == 0:
        return _empty()
    complement = features.complement(i, j)
    score = _score(aa, complement, distance)
    order = _best(score, i, j, top, aa)
    return _describe(G, features, i[order], j[order], aa[order], score[order], distance[order])


def _score(
    aa: np.ndarray, complement: np.ndarray, distance: np.ndarray | None = None
) -> np.ndarray:
    evidence = 1.0 - np.exp(-aa)
    score = EVIDENCE_WEIGHT * evidence + (1.0 - EVIDENCE_WEIGHT) * complement
    if distance is not None:
        # Pairs further than two steps share no contact: discount by distance.
        factor = np.ones(len(score))
        far = distance > 2
        factor[far] = 1.0 / (distance[far] - 1)
        factor[distance < 0] = 0.25
        score = score * factor
    return np.asarray(score, dtype=float)


def _two_hop_pairs(
    features: _Features,
    allowed: np.ndarray,
    wanted_types: set[str] | None,
    G: nx.Graph,
    top: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs i < j sharing a contact, keeping the best ``top`` of each row block."""
    A = features.A
    WA = sp.csr_array(sp.diags_array(features.weight) @ A)
    kinds = _kind_words(G, features)
    best_i, best_j, best_aa = [], [], []
    n = A.shape[0]
    for start in range(0, n, _ROWS_PER_BLOCK):
        rows = np.arange(start, min(n, start + _ROWS_PER_BLOCK))
        rows = rows[allowed[rows]]
        if len(rows) == 0:
            continue
        block = sp.coo_array(A[rows] @ WA)
        i = rows[block.row]
        j = block.col
        aa = block.data
        keep = (j > i) & allowed[j] & (aa > 0)
        i, j, aa = i[keep], j[keep], aa[keep]
        if len(i) == 0:
            continue
        tied = _tied(A, i, j)
        i, j, aa = i[~tied], j[~tied], aa[~tied]
        if wanted_types is not None:
            match = _type_match(kinds, i, j, wanted_types)
            i, j, aa = i[match], j[match], aa[match]
        if len(i) == 0:
            continue
        score = _score(aa, features.complement(i, j))
        order = _best(score, i, j, top, aa)
        best_i.append(i[order])
        best_j.append(j[order])
        best_aa.append(aa[order])
    if not best_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(best_i), np.concatenate(best_j), np.concatenate(best_aa)


def _pairs_of_one(
    G: nx.Graph,
    features: _Features,
    for_id: Any,
    allowed: np.ndarray,
    wanted_types: set[str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every untied organization as a partner of ``for_id``, with hops and AA."""
    source = features.index.position[for_id]
    hops = engine.bfs_distances(G, [for_id])[0]
    candidates = np.flatnonzero((hops != 0) & (hops != 1) & allowed)
    if wanted_types is not None:
        kinds = _kind_words(G, features)
        i = np.full(len(candidates), source)
        candidates = candidates[_type_match(kinds, i, candidates, wanted_types)]
    i = np.full(len(candidates), source, dtype=np.int64)
    # One source: AA against everyone is a single sparse matrix–vector product.
    weighted_contacts = features.A[[source]].toarray().ravel() * features.weight
    aa = np.asarray(features.A @ weighted_contacts)[candidates]
    return i, candidates.astype(np.int64), aa, hops[candidates].astype(np.int64)


def _best(
    score: np.ndarray, i: np.ndarray, j: np.ndarray, top: int, aa: np.ndarray | None = None
) -> np.ndarray:
    """Positions of the ``top`` best scores; ties go to more shared evidence, then (i, j)."""
    if len(score) > 4 * top:
        threshold = np.partition(score, len(score) - top)[len(score) - top]
        shortlist = np.flatnonzero(score >= threshold)
    else:
        shortlist = np.arange(len(score))
    evidence = np.zeros(len(shortlist)) if aa is None else aa[shortlist]
    order = np.lexsort((j[shortlist], i[shortlist], -evidence, -score[shortlist]))
    return shortlist[order[:top]]


def _tied(A: sp.csr_array, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(A[i, j]).ravel() > 0


def _describe(
    G: nx.Graph,
    features: _Features,
    i: np.ndarray,
    j: np.ndarray,
    aa: np.ndarray,
    score: np.ndarray,
    distance: np.ndarray,
) -> pd.DataFrame:
    nodes = features.index.nodes
    flags = features.flags(i, j)
    rows = []
    for k, (a, b) in enumerate(zip(i, j, strict=True)):
        u, v = nodes[a], nodes[b]
        shared = _shared_contacts(G, features, u, v)
        keys: list[str] = []
        en: list[str] = []
        fr: list[str] = []
        if shared:
            names = ", ".join(_name(G, z) for z in shared[:3]) + (
                ", ..." if len(shared) > 3 else ""
            )
            plural = len(shared) > 1
            keys.append("shared_contacts")
            en.append(f"{len(shared)} shared contact{'s' if plural else ''} ({names})")
            s = "s" if plural else ""
            fr.append(f"{len(shared)} contact{s} commun{s} ({names})")
        if flags["same_region"][k]:
            where = G.nodes[u].get("region")
            keys.append("same_region")
            en.append(f"same region ({where})")
            fr.append(f"même région ({where})")
        if flags["complementary_sectors"][k]:
            pair = f"{G.nodes[u].get('sector')} / {G.nodes[v].get('sector')}"
            keys.append("complementary_sectors")
            en.append(f"complementary sectors ({pair})")
            fr.append(f"secteurs complémentaires ({pair})")
        if flags["complementary_types"][k]:
            tu, tv = G.nodes[u].get("type"), G.nodes[v].get("type")
            keys.append("complementary_types")
            en.append(f"complementary types ({tu} – {tv})")
            fr.append(f"types complémentaires ({TYPE_FR.get(tu, tu)} – {TYPE_FR.get(tv, tv)})")
        if flags["bridges_communities"][k]:
            cu, cv = features.community[a], features.community[b]
            keys.append("bridges_communities")
            en.append(f"bridges communities {cu} and {cv}")
            fr.append(f"relie les communautés {cu} et {cv}")
        hops = int(distance[k])
        if hops > 2:
            keys.append("far_apart")
            en.append(f"{hops} steps apart")
            fr.append(f"à {hops} pas")
        elif hops < 0:
            keys.append("not_connected")
            en.append("not connected yet")
            fr.append("pas encore reliés")
        if shared:
            via = [u, shared[0], v]
        elif hops > 0:
            via = list(nx.shortest_path(G, u, v))
        else:
            via = []
        rows.append(
            {
                "source": u,
                "target": v,
                "score": float(score[k]),
                "shared_contacts": len(shared),
                "distance": hops,
                "reasons": "; ".join(en),
                "reasons_fr": "; ".join(fr),
                "reason_keys": tuple(keys),
                "via": via,
            }
        )
    table = pd.DataFrame(rows, columns=list(OPPORTUNITY_COLUMNS))
    table.attrs.update(
        evidence_weight=EVIDENCE_WEIGHT,
        complementarity=dict(COMPLEMENTARITY),
        adamic_adar=[float(x) for x in aa],
    )
    return table


def _shared_contacts(G: nx.Graph, features: _Features, u: Any, v: Any) -> list[Any]:
    """Common contacts, the most telling (fewest ties) first, then in node order."""
    position = features.index.position
    shared = set(G[u]) & set(G[v])
    return sorted(shared, key=lambda z: (features.degree[position[z]], position[z]))


def _name(G: nx.Graph, node: Any) -> str:
    return str(G.nodes[node].get("name") or node)


def _codes(G: nx.Graph, nodes: list[Any], attribute: str) -> np.ndarray:
    values = [G.nodes[v].get(attribute) for v in nodes]
    present = [x for x in values if x is not None and not _is_nan(x)]
    words = {w: k for k, w in enumerate(sorted({str(x) for x in present}))}
    return np.array(
        [words[str(x)] if x is not None and not _is_nan(x) else -1 for x in values],
        dtype=np.int64,
    )


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _kind_words(G: nx.Graph, features: _Features) -> np.ndarray:
    return np.array([G.nodes[v].get("type") for v in features.index.nodes], dtype=object)


def _type_match(kinds: np.ndarray, i: np.ndarray, j: np.ndarray, wanted: set[str]) -> np.ndarray:
    first, second = sorted(wanted) if len(wanted) == 2 else (next(iter(wanted)),) * 2
    a, b = kinds[i], kinds[j]
    return np.asarray(((a == first) & (b == second)) | ((a == second) & (b == first)))


def _wanted_types(between: tuple[str, str] | None) -> set[str] | None:
    if between is None:
        return None
    if len(between) != 2:
        raise ValueError("between takes two organization types, e.g. ('enterprise', 'funder')")
    return {str(between[0]), str(between[1])}


def _allowed_nodes(G: nx.Graph, features: _Features, region: str | None) -> np.ndarray:
    if region is None:
        return np.ones(len(features.index.nodes), dtype=bool)
    return np.array(
        [str(G.nodes[v].get("region")) == str(region) for v in features.index.nodes], dtype=bool
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(OPPORTUNITY_COLUMNS))

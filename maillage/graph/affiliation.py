"""Memberships as a two-mode network: organizations × the networks and funders they belong to.

Most of what Québec's data stewards hold is affiliation data: a pole's member list, a
federation's roster, a funder's portfolio. Read as ties between organizations, such a
list is a star whose members all look alike; read as a two-mode network (Breiger 1974;
Borgatti & Everett 1997) it says which networks share members, which organizations
meet in the same networks, and who is central in the web of memberships.

A *member* is the organization that belongs (the source of ``member_of``, the recipient
of ``funds``); a *group* is the network or funder it belongs to. The two-mode graph
``B`` of an alliance graph has one node ``("member", id)`` per organization that belongs
to something and one node ``("group", id)`` per organization that has members, so an
organization that is both (a pole that is a member of the Chantier) appears once in each
mode. The generic functions take any bipartite graph whose nodes carry NetworkX's
``bipartite`` attribute (0: members, 1: groups), such as
``networkx.davis_southern_women_graph()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from maillage.graph import engine
from maillage.graph.build import node_order
from maillage.graph.centrality import betweenness_sample_size, closeness_sample_size
from maillage.graph.numbers import without_noise

#: Tie types read as affiliations, and which end of the tie is the group.
AFFILIATION_TIES: Final[Mapping[str, Literal["source", "target"]]] = {
    "member_of": "target",
    "funds": "source",
}
#: The two modes, as NetworkX's ``bipartite`` attribute numbers them.
MEMBER, GROUP = "member", "group"


def affiliations(
    G: nx.Graph, *, tie_types: Iterable[str] = tuple(AFFILIATION_TIES)
) -> pd.DataFrame:
    """Every (member, group) affiliation the ties of ``G`` state, once each.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`) whose edges carry ``typed_ties``.
    tie_types : iterable of str, default ("member_of", "funds")
        The tie types read as affiliations (keys of :data:`AFFILIATION_TIES`).

    Returns
    -------
    DataFrame
        Columns ``member``, ``group`` and ``tie_types`` (the sorted types stating it),
        sorted by group then member.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("coop", "pole", typed_ties=(("coop", "pole", "member_of"),))
    >>> G.add_edge("coop", "fund", typed_ties=(("fund", "coop", "funds"),))
    >>> G.add_edge("coop", "univ", typed_ties=(("coop", "univ", "partner"),))
    >>> affiliations(G)[["member", "group"]].values.tolist()
    [['coop', 'fund'], ['coop', 'pole']]
    """
    wanted = {kind: AFFILIATION_TIES[kind] for kind in tie_types if kind in AFFILIATION_TIES}
    found: dict[tuple[Any, Any], set[str]] = {}
    for _, _, typed in G.edges(data="typed_ties", default=()):
        for source, target, kind in typed:
            side = wanted.get(kind)
            if side is None or source == target:
                continue
            pair = (source, target) if side == "target" else (target, source)
            found.setdefault(pair, set()).add(kind)
    rank = {v: k for k, v in enumerate(node_order(G))}
    pairs = sorted(found, key=lambda p: (rank[p[1]], rank[p[0]]))
    return pd.DataFrame(
        {
            "member": pd.Series([m for m, _ in pairs], dtype=object),
            "group": pd.Series([g for _, g in pairs], dtype=object),
            "tie_types": pd.Series([tuple(sorted(found[p])) for p in pairs], dtype=object),
        }
    )


def membership_graph(
    G: nx.Graph, *, tie_types: Iterable[str] = tuple(AFFILIATION_TIES)
) -> nx.Graph:
    """The two-mode graph of the affiliations of ``G``: members on one side, groups on the other.

    Nodes are ``("member", id)`` (``bipartite=0``) and ``("group", id)`` (``bipartite=1``)
    and carry the organization's attributes plus ``id``; organizations with no
    affiliation are left out, since they are in neither mode.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "pole", typed_ties=(("a", "pole", "member_of"),))
    >>> G.add_edge("pole", "chantier", typed_ties=(("pole", "chantier", "member_of"),))
    >>> B = membership_graph(G)
    >>> sorted(B.edges())
    [(('member', 'a'), ('group', 'pole')), (('member', 'pole'), ('group', 'chantier'))]
    >>> B.nodes[("group", "pole")]["bipartite"], B.nodes[("member", "pole")]["id"]
    (1, 'pole')
    """
    pairs = affiliations(G, tie_types=tie_types)
    B = nx.Graph()
    for mode, column, side in ((MEMBER, "member", 0), (GROUP, "group", 1)):
        for node in node_order(set(pairs[column])):
            B.add_node((mode, node), **G.nodes[node], id=node, bipartite=side)
    B.add_edges_from(
        ((MEMBER, m), (GROUP, g)) for m, g in zip(pairs["member"], pairs["group"], strict=True)
    )
    return B


def groups_of(B: nx.Graph, groups: Iterable[Any] | None = None) -> set[Any]:
    """The group-mode nodes of ``B``: ``groups`` when given, else nodes with ``bipartite=1``."""
    if groups is not None:
        return set(groups)
    return {v for v, side in B.nodes(data="bipartite") if side == 1}


def biadjacency(
    B: nx.Graph, groups: Iterable[Any] | None = None
) -> tuple[list[Any], list[Any], sp.csr_array]:
    """Members, groups (each in :func:`graph.build.node_order`) and the 0/1 member × group matrix.

    >>> members, groups, M = biadjacency(nx.davis_southern_women_graph())
    >>> M.shape, int(M.sum())
    ((18, 14), 89)
    """
    group_set = groups_of(B, groups)
    members = node_order(v for v in B if v not in group_set)
    group_list = node_order(group_set)
    row = {v: k for k, v in enumerate(members)}
    column = {v: k for k, v in enumerate(group_list)}
    rows, columns = [], []
    for u, v in B.edges():
        if u in column:
            u, v = v, u
        if u in row and v in column:
            rows.append(row[u])
            columns.append(column[v])
    matrix = sp.csr_array(
        (np.ones(len(rows)), (rows, columns)), shape=(len(members), len(group_list))
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return members, group_list, matrix


def two_mode_centrality(
    B: nx.Graph,
    groups: Iterable[Any] | None = None,
    *,
    betweenness_samples: int | Literal["auto"] | None = "auto",
    closeness_samples: int | Literal["auto"] | None = "auto",
    seed: int = 0,
) -> pd.DataFrame:
    """Degree, closeness and betweenness of both modes, normalized as Borgatti & Everett do.

    A member can only be tied to groups, so its largest possible degree is the number of
    groups, not n − 1; the same bound shapes closeness and betweenness. Borgatti &
    Everett (1997) normalize each mode by the largest value possible in a two-mode
    network of the same two sizes, as NetworkX's ``bipartite`` centralities and UCINET do:
    with n₁ members and n₂ groups,

    * degree: degree / n₂ for a member, degree / n₁ for a group;
    * closeness: (n₂ + 2(n₁ − 1)) / Σ distances for a member (n₁ + 2(n₂ − 1)) / Σ
      for a group), times (r − 1)/(n − 1) when the node reaches only r of the n nodes
      (NetworkX's normalization for disconnected graphs);
    * betweenness: the pair-count betweenness divided by
      ½[n₂²(s+1)² + n₂(s+1)(2t−s−1) − t(2s−t+3)], s, t = divmod(n₁ − 1, n₂), for a
      member, and the same with the modes swapped for a group.

    Betweenness and closeness come from the compiled engine (:mod:`graph.engine`);
    above its size thresholds they are estimated from seeded samples, as in ``metrics``.

    Parameters
    ----------
    B : networkx.Graph
        A bipartite graph (e.g. :func:`membership_graph`).
    groups : iterable, optional
        The group-mode nodes; by default the nodes with ``bipartite=1``.
    betweenness_samples, closeness_samples : int, "auto" or None, default "auto"
        As in :func:`graph.centrality.centrality`.
    seed : int, default 0
        Seed of the samples.

    Returns
    -------
    DataFrame
        Indexed by the nodes of ``B`` in :func:`graph.build.node_order`: ``mode``
        ("member" or "group"), ``degree``, ``degree_centrality``, ``closeness``,
        ``betweenness``. ``attrs`` holds ``members``, ``groups`` (the two sizes) and, as
        in ``metrics``, ``betweenness`` / ``closeness`` ("exact" or "sampled").

    Examples
    --------
    Davis's Southern Women, as tabulated by Borgatti & Halgin (2011):

    >>> table = two_mode_centrality(nx.davis_southern_women_graph())
    >>> table.loc["E8", ["degree_centrality", "closeness", "betweenness"]].round(2).tolist()
    [0.78, 0.85, 0.24]
    >>> table.loc["Evelyn Jefferson", ["degree_centrality", "closeness"]].round(2).tolist()
    [0.57, 0.8]
    """
    group_set = groups_of(B, groups)
    index = engine.Indexed.of(B)
    nodes = index.nodes
    is_group = np.array([v in group_set for v in nodes], dtype=bool)
    n_groups = int(is_group.sum())
    n_members = len(nodes) - n_groups
    n = len(nodes)
    degree = np.array([B.degree(v) for v in nodes], dtype=np.int64)
    other_side = np.where(is_group, n_members, n_groups).astype(float)
    degree_centrality = np.divide(degree, other_side, out=np.zeros(n), where=other_side > 0)
    between_samples = betweenness_sample_size(B, betweenness_samples)
    close_samples = closeness_sample_size(B, closeness_samples)
    # The engine normalizes as NetworkX does; undo it to get pair counts.
    pairs = engine.betweenness(B, samples=between_samples, seed=seed)
    if n > 2:
        pairs = pairs * (n - 1) * (n - 2) / 2.0
    largest = np.where(
        is_group,
        _largest_betweenness(n_groups, n_members),
        _largest_betweenness(n_members, n_groups),
    )
    betweenness = np.divide(pairs, largest, out=np.zeros(n), where=largest > 0)
    closeness = _two_mode_closeness(B, is_group, n_members, n_groups, close_samples, seed)
    table = pd.DataFrame(
        {
            "mode": np.where(is_group, GROUP, MEMBER),
            "degree": degree,
            "degree_centrality": degree_centrality,
            "closeness": closeness,
            "betweenness": betweenness,
        },
        index=pd.Index(nodes, dtype=object),
    )
    table = without_noise(table)
    table.attrs.update(
        members=n_members,
        groups=n_groups,
        betweenness="exact" if between_samples is None else "sampled",
        betweenness_samples=between_samples,
        closeness="exact" if close_samples is None else "sampled",
        closeness_samples=close_samples,
        seed=seed,
    )
    return table


def _largest_betweenness(own: int, other: int) -> float:
    """The largest pair-count betweenness a node of a mode of ``own`` nodes can have
    when the other mode has ``other`` (Borgatti & Everett 1997)."""
    if other == 0:
        return 0.0
    s, t = divmod(own - 1, other)
    return (other**2 * (s + 1) ** 2 + other * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2


def _two_mode_closeness(
    B: nx.Graph,
    is_group: np.ndarray,
    n_members: int,
    n_groups: int,
    samples: int | None,
    seed: int,
) -> np.ndarray:
    n = len(is_group)
    if n <= 1 or B.number_of_edges() == 0:
        return np.zeros(n)
    # The engine's closeness is (r−1)/(n−1) · (r−1)/Σd; the two-mode one puts the
    # shortest possible distance sum in place of the first r − 1.
    wasserman_faust = engine.closeness(B, samples=samples, seed=seed)
    _, labels = connected_components(engine.adjacency(B), directed=False)
    reached = np.bincount(labels)[labels].astype(float)
    shortest = np.where(
        is_group, n_members + 2.0 * (n_groups - 1), n_groups + 2.0 * (n_members - 1)
    )
    others = reached - 1.0
    return np.divide(wasserman_faust * shortest, others, out=np.zeros(n), where=others > 0)


def comembership(
    B: nx.Graph,
    groups: Iterable[Any] | None = None,
    *,
    members: Iterable[Any] | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Pairs of members who share groups: how many, and Newman's exclusivity weight.

    Meeting in a federation of 900 says less than meeting in a network of five. Newman
    (2001) weights each shared group of k members by 1/(k − 1), so that a member's
    weights over its co-members sum to the number of its groups with others in them;
    ``networkx.bipartite.collaboration_weighted_projected_graph`` computes the same.

    Parameters
    ----------
    B : networkx.Graph
        A bipartite graph (e.g. :func:`membership_graph`).
    groups : iterable, optional
        The group-mode nodes; by default the nodes with ``bipartite=1``.
    members : iterable, optional
        Only pairs with one of these members on the ``member`` side (others as
        ``other``); by default every pair once, ``member`` first in node order.
    top : int, optional
        Only the ``top`` strongest pairs (a federation of 500 makes 124,750 pairs).

    Returns
    -------
    DataFrame
        Columns ``member``, ``other``, ``shared`` (groups in common), ``weight``
        (Newman's), ``groups`` (the shared groups, in node order), sorted by weight
        (highest first), then shared, then the two members in node order.

    Examples
    --------
    >>> B = nx.Graph([("a", "small"), ("b", "small"), ("a", "big"), ("b", "big"),
    ...               ("c", "big"), ("d", "big")])
    >>> nx.set_node_attributes(B, {"small": 1, "big": 1}, "bipartite")
    >>> pairs = comembership(B)
    >>> first = pairs.iloc[0]
    >>> first["member"], first["other"], int(first["shared"]), round(float(first["weight"]), 4)
    ('a', 'b', 2, 1.3333)
    >>> pairs["groups"].tolist()[:2]
    [['big', 'small'], ['big']]
    """
    member_list, group_list, M = biadjacency(B, groups)
    size = np.asarray(M.sum(axis=0)).ravel()
    newman = np.divide(1.0, size - 1, out=np.zeros(len(size)), where=size > 1)
    if members is None:
        rows = np.arange(len(member_list))
    else:
        position = {v: k for k, v in enumerate(member_list)}
        rows = np.array(sorted(position[v] for v in set(members) if v in position), dtype=np.int64)
    # Two members sharing a group make it at least two strong: every pair of distinct
    # members in the product has a positive weight, and only those are kept.
    weights = sp.coo_array(M[rows] @ sp.diags_array(newman) @ M.T)
    first, second = rows[weights.row], weights.col
    keep = first != second
    if members is None:
        keep &= first < second
    first, second, weight = first[keep], second[keep], weights.data[keep]
    if top is not None and len(weight) > top:
        # Only the pairs at least as strong as the top-th (ties kept) are worth counting.
        floor = np.partition(weight, len(weight) - top)[len(weight) - top]
        strong = weight >= floor
        first, second, weight = first[strong], second[strong], weight[strong]
    groups_of = _rows(M)
    positions = [
        np.intersect1d(groups_of[a], groups_of[b], assume_unique=True)
        for a, b in zip(first, second, strict=True)
    ]
    shared = np.array([len(p) for p in positions], dtype=np.int64)
    order = np.lexsort((second, first, -shared, -weight))[:top]
    first, second, shared, weight = first[order], second[order], shared[order], weight[order]
    common = [[group_list[g] for g in positions[k]] for k in order]
    return pd.DataFrame(
        {
            "member": pd.Series([member_list[k] for k in first], dtype=object),
            "other": pd.Series([member_list[k] for k in second], dtype=object),
            "shared": shared,
            "weight": weight,
            "groups": pd.Series(common, dtype=object),
        }
    )


def _rows(matrix: sp.csr_array) -> list[np.ndarray]:
    """The column positions of each row of a CSR matrix, sorted."""
    rows = sp.csr_array(matrix)
    rows.sort_indices()
    return np.split(rows.indices, rows.indptr[1:-1])


def network_overlap(
    B: nx.Graph, groups: Iterable[Any] | None = None, *, min_shared: int = 1
) -> pd.DataFrame:
    """Pairs of groups that share members: how many, how much of each, and who.

    Shared members are the interlocks that make a coalition: two poles with twenty
    members in common can speak together. ``jaccard`` is shared / members of either.

    Returns
    -------
    DataFrame
        Columns ``group``, ``other``, ``shared``, ``size``, ``other_size``,
        ``jaccard``, ``members`` (the shared members in node order), one row per pair
        with at least ``min_shared`` shared members, most shared first (then Jaccard,
        then the groups in node order).

    Examples
    --------
    >>> overlap = network_overlap(nx.davis_southern_women_graph())
    >>> first = overlap.iloc[0]
    >>> first["group"], first["other"], int(first["shared"]), int(first["size"])
    ('E8', 'E9', 9, 14)
    """
    member_list, group_list, M = biadjacency(B, groups)
    size = np.asarray(M.sum(axis=0)).ravel().astype(np.int64)
    counts = sp.coo_array(sp.triu(M.T @ M, k=1))
    first, second = counts.row, counts.col
    shared = counts.data.astype(np.int64)
    keep = shared >= min_shared
    first, second, shared = first[keep], second[keep], shared[keep]
    union = size[first] + size[second] - shared
    jaccard = shared / np.where(union > 0, union, 1)
    order = np.lexsort((second, first, -jaccard, -shared))
    first, second, shared, jaccard = first[order], second[order], shared[order], jaccard[order]
    members_of = _rows(sp.csr_array(M.T))
    together = [
        [member_list[m] for m in np.intersect1d(members_of[a], members_of[b], assume_unique=True)]
        for a, b in zip(first, second, strict=True)
    ]
    return pd.DataFrame(
        {
            "group": pd.Series([group_list[k] for k in first], dtype=object),
            "other": pd.Series([group_list[k] for k in second], dtype=object),
            "shared": shared,
            "size": size[first],
            "other_size": size[second],
            "jaccard": jaccard,
            "members": pd.Series(together, dtype=object),
        }
    )

"""Who brokers: Burt's structural holes and Gould–Fernandez brokerage roles.

Structural holes (Burt 1992) are computed with sparse matrices on the undirected
alliance graph. For a node i with contacts N(i), let p_ij be the share of i's tie
strength going to j (``weight`` when ``weighted``, else 1 per contact) and m_jq the
strength of j's tie to q divided by j's strongest tie. Then

* constraint  C_i = Σ_j c_ij  with  c_ij = (p_ij + Σ_q p_iq p_qj)²  (NetworkX's
  ``constraint``);
* effective size  E_i = Σ_j (1 − Σ_q p_iq m_jq)  (NetworkX's ``effective_size`` with
  ``nodes=list(G)``; Borgatti's n − 2t/n when unweighted);
* hierarchy  H_i = Σ_j (c_ij / c̄) ln(c_ij / c̄) / (N ln N), with N = |N(i)| and
  c̄ = C_i / N: the Coleman–Theil disorder of the constraint contributions
  (Burt 1992, *Structural Holes*, ch. 2). It is 0 when every contact constrains
  equally and grows toward 1 as one contact concentrates the constraint. It is
  undefined (NaN) with fewer than two contacts, as constraint and effective size are
  for isolated organizations.

Brokerage roles follow Gould and Fernandez (1989, *Sociological Methodology* 19):
a broker b sits on an open two-path a → b → c (a ≠ c, no arc a → c), and the role
depends on the groups of a, b and c.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph import engine

#: Gould–Fernandez roles; on equal counts the earlier role in this order wins, so the
#: role spanning more groups is preferred (liaison spans three).
ROLES = ("liaison", "gatekeeper", "representative", "consultant", "coordinator")

#: The value of ``broker_role`` for an organization on no open two-path.
NO_ROLE = "none"


def structural_holes(G: nx.Graph, *, weighted: bool = False) -> pd.DataFrame:
    """Burt's constraint, effective size and hierarchy of every organization.

    Parameters
    ----------
    G : networkx.Graph
        Undirected alliance graph.
    weighted : bool, default False
        Use edge ``weight`` as tie strength; otherwise every tie counts 1.

    Returns
    -------
    DataFrame
        Indexed by organization id in :func:`graph.build.node_order`; columns
        ``constraint``, ``effective_size``, ``hierarchy`` (NaN where undefined: no
        contact, or fewer than two contacts for hierarchy).

    Examples
    --------
    A star: the centre has three unconnected contacts, each leaf one contact.

    >>> holes = structural_holes(nx.star_graph(3))
    >>> [round(float(v), 4) for v in holes["constraint"]]
    [0.3333, 1.0, 1.0, 1.0]
    >>> holes.loc[0, "effective_size"], holes.loc[0, "hierarchy"]
    (np.float64(3.0), np.float64(0.0))
    """
    index = engine.Indexed.of(G)
    n = len(index.nodes)
    A = engine.adjacency(G, weight="weight" if weighted else None)
    A.setdiag(0)
    A.eliminate_zeros()
    A.sum_duplicates()
    A.sort_indices()
    strength = np.asarray(A.sum(axis=1)).ravel()
    strongest = np.asarray(A.max(axis=1).toarray()).ravel() if n else np.zeros(0)
    contacts = np.diff(A.indptr)
    rows = np.repeat(np.arange(n), contacts)
    # p_ij: share of i's tie strength going to j; m_jq: j's tie to q over j's strongest.
    P = sp.csr_array((A.data * _inverse(strength)[rows], A.indices, A.indptr), shape=A.shape)
    M = sp.csr_array((A.data * _inverse(strongest)[rows], A.indices, A.indptr), shape=A.shape)
    direct = P.data.copy()
    indirect = _masked_product(P, P, A)
    redundancy = _masked_product(P, sp.csr_array(M.T), A)
    local = (direct + indirect) ** 2
    constraint = np.bincount(rows, weights=local, minlength=n).astype(float)
    effective_size = contacts - np.bincount(rows, weights=redundancy, minlength=n).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(contacts > 0, constraint / np.maximum(contacts, 1), np.nan)
        ratio = local / mean[rows]
        terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
        disorder = np.bincount(rows, weights=terms, minlength=n).astype(float)
        hierarchy = disorder / (contacts * np.log(np.maximum(contacts, 1)))
    isolated = contacts == 0
    constraint[isolated] = np.nan
    effective_size[isolated] = np.nan
    hierarchy[contacts < 2] = np.nan
    return pd.DataFrame(
        {"constraint": constraint, "effective_size": effective_size, "hierarchy": hierarchy},
        index=pd.Index(index.nodes, name="id", dtype=object),
    )


def brokerage_roles(G: nx.Graph, *, by: str = "type") -> pd.DataFrame:
    """Gould–Fernandez brokerage counts and the dominant role of every organization.

    Tie direction comes from the tie types (as in :func:`graph.build.directed_ties_graph`):
    ``member_of``, ``funds``, ``supplies``, ``founded`` and ``represents`` point from
    source to target; ``partner`` points both ways. Groups are the node attribute ``by``
    (``type`` by default, or ``region``...); a missing value is a group of its own. For
    a broker b on an open two-path a → b → c:

    ============== =====================  ===========================================
    role           groups                 meaning
    ============== =====================  ===========================================
    coordinator    a = b = c              brokers inside its own group
    consultant     a = c ≠ b              an outsider linking two members of a group
                                          (also called itinerant)
    representative a = b ≠ c              speaks for its group to another group
    gatekeeper     b = c ≠ a              lets an outsider into its group
    liaison        a, b, c all differ     links two groups it belongs to neither of
    ============== =====================  ===========================================

    ``broker_role`` is the role with the most two-paths; equal counts go to the role
    earlier in :data:`ROLES` (liaison, gatekeeper, representative, consultant,
    coordinator); ``"none"`` when the organization brokers no two-path.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("a", {"type": "enterprise"}), ("b", {"type": "network"}),
    ...                   ("c", {"type": "funder"})])
    >>> G.add_edges_from([("a", "b"), ("b", "c")])
    >>> roles = brokerage_roles(G)
    >>> int(roles.loc["b", "liaison"]), roles.loc["b", "broker_role"]
    (2, 'liaison')
    >>> roles.loc["a", "broker_role"]
    'none'
    """
    index = engine.Indexed.of(G)
    group = {v: G.nodes[v].get(by) for v in index.nodes}
    succ, pred = _arcs(G)
    counts = np.zeros((len(index.nodes), len(ROLES)), dtype=np.int64)
    for row, b in enumerate(index.nodes):
        ins = pred[b]
        outs = succ[b]
        if not ins or not outs:
            continue
        pairs: Counter[tuple[Any, Any]] = Counter()
        in_groups = Counter(group[a] for a in ins)
        out_groups = Counter(group[c] for c in outs)
        for ga, na in in_groups.items():
            for gc, nc in out_groups.items():
                pairs[(ga, gc)] += na * nc
        for m in ins & outs:
            pairs[(group[m], group[m])] -= 1
        for a in ins:
            closed = succ[a] & outs if len(succ[a]) < len(outs) else outs & succ[a]
            for c in closed:
                if c != a:
                    pairs[(group[a], group[c])] -= 1
        for (ga, gc), k in pairs.items():
            if k:
                counts[row, ROLES.index(_role(ga, group[b], gc))] += k
    roles = pd.DataFrame(counts, columns=list(ROLES), index=pd.Index(index.nodes, name="id"))
    roles = roles[["coordinator", "gatekeeper", "representative", "consultant", "liaison"]]
    roles["brokerage"] = counts.sum(axis=1)
    best = np.argmax(counts, axis=1) if len(counts) else np.zeros(0, dtype=np.int64)
    roles["broker_role"] = [
        ROLES[k] if total > 0 else NO_ROLE
        for k, total in zip(best, roles["brokerage"], strict=True)
    ]
    return roles


def _arcs(G: nx.Graph) -> tuple[dict[Any, set[Any]], dict[Any, set[Any]]]:
    """Successors and predecessors along tie direction, without building a DiGraph."""
    succ: dict[Any, set[Any]] = {v: set() for v in G}
    pred: dict[Any, set[Any]] = {v: set() for v in G}
    for u, v, arcs in G.edges(data="arcs"):
        for source, target in arcs if arcs else ((u, v), (v, u)):
            if source != target:
                succ[source].add(target)
                pred[target].add(source)
    return succ, pred


def _role(a: Hashable, b: Hashable, c: Hashable) -> str:
    if a == b == c:
        return "coordinator"
    if a == c:
        return "consultant"
    if a == b:
        return "representative"
    if b == c:
        return "gatekeeper"
    return "liaison"


def _inverse(values: np.ndarray) -> np.ndarray:
    return np.divide(1.0, values, out=np.zeros(len(values)), where=values != 0)


def _masked_product(
    X: sp.csr_array, Y: sp.csr_array, mask: sp.csr_array, *, budget: int = 5_000_000
) -> np.ndarray:
    """(X @ Y) at the stored entries of ``mask``, in ``mask``'s CSR order.

    Computed by blocks of rows, each holding about ``budget`` intermediate products,
    so the contacts of a hub with thousands of ties never fill memory at once.
    """
    n = mask.shape[0]
    values = np.zeros(mask.nnz)
    if n == 0 or mask.nnz == 0:
        return values
    pattern = sp.csr_array((np.ones(X.nnz), X.indices, X.indptr), shape=X.shape)
    cost = np.cumsum(pattern @ np.diff(Y.indptr).astype(float))
    start = 0
    while start < n:
        already = cost[start - 1] if start else 0.0
        stop = int(np.searchsorted(cost, already + budget, side="right"))
        stop = min(n, max(stop, start + 1))
        lo, hi = mask.indptr[start], mask.indptr[stop]
        if lo < hi:
            product = sp.csr_array(X[start:stop] @ Y)
            rows = np.repeat(np.arange(stop - start), np.diff(mask.indptr[start : stop + 1]))
            values[lo:hi] = np.asarray(product[rows, mask.indices[lo:hi]]).ravel()
        start = stop
    return values

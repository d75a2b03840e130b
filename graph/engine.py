"""The compiled engine: NetworkX graphs converted once, heavy metrics run in compiled code.

Each metric uses the engine that measured fastest on this kind of machine (see
``bench/analytics.py`` and ``/work/shared/notes/PERFORMANCE.md``) while returning exactly
NetworkX's definition and normalization:

========================  ==========================================================
metric                    engine
========================  ==========================================================
betweenness (exact)       batched Brandes: sources advance level by level together,
                          one SciPy sparse × dense product per level
betweenness (sampled)     the same, from a seeded sample of sources, scaled by n/k
closeness (exact)         NetworKit ``Closeness``, generalized = Wasserman–Faust
closeness (sampled)       SciPy breadth-first searches from seeded pivots
eigenvector               SciPy sparse power iteration, the same iteration as NetworkX
PageRank                  SciPy sparse power iteration, the same iteration as NetworkX
communities               NetworKit PLM (Louvain with refinement), one thread, seeded
========================  ==========================================================

Measured on the synthetic Québec graph (15.5k organizations, 54k edges) on this
2-core machine while it was shared: exact betweenness 47 s batched vs 60 s rustworkx
vs 103 s NetworKit (5,000-node sample: 2.3 s vs 7.1 s vs 10.4 s; on a 15k-node
Barabási–Albert graph 41 s vs 65 s); closeness 3.3 s NetworKit vs 11 s rustworkx.
NetworKit's ``EstimateBetweenness`` was not used: it applies distance-scaled weights
with big-float path counts (230 ms a source at 10× scale).

NetworKit is MIT-licensed; rustworkx (Apache-2.0) converts graphs for callers that want it.
Every function takes the graph first and returns a NumPy array aligned with
:func:`graph.build.node_order`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkit as nk
import networkx as nx
import numpy as np
import rustworkx as rx
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, shortest_path

from graph.build import node_order


@dataclass(frozen=True)
class Indexed:
    """A graph's nodes in frame order and the integer position of each."""

    nodes: list[Any]
    position: dict[Any, int]

    @classmethod
    def of(cls, G: nx.Graph) -> Indexed:
        nodes = node_order(G)
        return cls(nodes, {v: i for i, v in enumerate(nodes)})

    def edges(self, G: nx.Graph) -> list[tuple[int, int]]:
        return [(self.position[u], self.position[v]) for u, v in G.edges()]


def adjacency(G: nx.Graph, *, weight: str | None = None) -> sp.csr_array:
    """The symmetric sparse adjacency matrix in :func:`node_order`.

    >>> adjacency(nx.path_graph(3)).toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    index = Indexed.of(G)
    n = len(index.nodes)
    rows, cols, vals = [], [], []
    for u, v, w in G.edges(data=weight, default=1.0):
        i, j = index.position[u], index.position[v]
        value = 1.0 if weight is None else float(w)
        rows += [i, j] if i != j else [i]
        cols += [j, i] if i != j else [i]
        vals += [value, value] if i != j else [value]
    matrix = sp.coo_array((vals, (rows, cols)), shape=(n, n), dtype=float)
    return sp.csr_array(matrix)


def to_networkit(G: nx.Graph, *, weight: str | None = None) -> nk.Graph:
    """The graph as an undirected NetworKit graph with nodes numbered in :func:`node_order`."""
    index = Indexed.of(G)
    K = nk.Graph(len(index.nodes), weighted=weight is not None)
    for u, v, w in G.edges(data=weight, default=1.0):
        i, j = index.position[u], index.position[v]
        if i == j:
            continue
        if weight is None:
            K.addEdge(i, j)
        else:
            K.addEdge(i, j, float(w))
    return K


def to_rustworkx(G: nx.Graph) -> rx.PyGraph:
    """The graph as an unweighted rustworkx graph with nodes numbered in :func:`node_order`."""
    index = Indexed.of(G)
    R = rx.PyGraph(multigraph=False)
    R.add_nodes_from(index.nodes)
    R.add_edges_from_no_data([(i, j) for i, j in index.edges(G) if i != j])
    return R


@contextmanager
def _networkit_seeded(seed: int, *, threads: int | None = None) -> Iterator[None]:
    previous = nk.getMaxNumberOfThreads()
    try:
        if threads is not None:
            nk.setNumberOfThreads(threads)
        nk.setSeed(int(seed), False)
        yield
    finally:
        nk.setNumberOfThreads(previous)


def betweenness(G: nx.Graph, *, samples: int | None = None, seed: int = 0) -> np.ndarray:
    """Shortest-path betweenness, normalized by 2/((n−1)(n−2)) like NetworkX (unweighted).

    With ``samples=None`` the value is exact (NetworkX's ``betweenness_centrality``):
    Brandes' dependencies from every source. With ``samples=k`` it is estimated from ``k`` source
    organizations drawn without replacement (seeded): the Brandes dependencies of the
    sampled sources scaled by n/k, an unbiased estimate like NetworkX's ``k=`` option
    (the sample itself differs). Sampling every node gives the exact value.

    >>> G = nx.krackhardt_kite_graph()
    >>> round(float(betweenness(G)[7]) * 36, 6)  # Heather: raw 14, 9·8/2 = 36 pairs
    14.0
    >>> bool(np.allclose(betweenness(G, samples=10), betweenness(G)))
    True
    """
    n = G.number_of_nodes()
    if n <= 2 or G.number_of_edges() == 0:
        return np.zeros(n)
    scale = 2.0 / ((n - 1) * (n - 2))
    if samples is not None and samples < 1:
        raise ValueError("betweenness samples must be at least 1")
    k = n if samples is None else min(int(samples), n)
    if k == n:
        sources = np.arange(n)
    else:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
    dependencies = _dependencies(adjacency(G), sources)
    # Every unordered pair is seen from both ends when every node is a source.
    return dependencies * (n / k) / 2.0 * scale


def _dependencies(A: sp.csr_array, sources: np.ndarray, *, batch: int = 16) -> np.ndarray:
    """Σ over ``sources`` of Brandes' dependency δ_s(v), by breadth-first levels.

    Several sources advance together: each level is one sparse × dense product, then
    dependencies flow back level by level (Brandes 2001, unweighted case).
    """
    n = A.shape[0]
    total = np.zeros(n)
    for start in range(0, len(sources), batch):
        chunk = sources[start : start + batch]
        width = len(chunk)
        columns = np.arange(width)
        dist = np.full((n, width), -1, dtype=np.int32)
        sigma = np.zeros((n, width))
        dist[chunk, columns] = 0
        sigma[chunk, columns] = 1.0
        frontier = sigma.copy()
        depth = 0
        while True:
            reach = A @ frontier
            new = (reach > 0) & (dist < 0)
            if not new.any():
                break
            depth += 1
            dist[new] = depth
            frontier = np.where(new, reach, 0.0)
            sigma += frontier
        delta = np.zeros((n, width))
        for level in range(depth, 0, -1):
            coefficient = np.divide(
                1.0 + delta, sigma, out=np.zeros((n, width)), where=dist == level
            )
            delta += np.where(dist == level - 1, sigma * (A @ coefficient), 0.0)
        delta[chunk, columns] = 0.0
        total += delta.sum(axis=1)
    return total


def closeness(G: nx.Graph, *, samples: int | None = None, seed: int = 0) -> np.ndarray:
    """Closeness with the Wasserman–Faust correction, NetworkX's ``wf_improved=True`` default.

    For a node in a component of r nodes: (r − 1)/(n − 1) · (r − 1)/Σ distances. With
    ``samples=None`` it is exact (NetworKit). With ``samples=k`` the distance sums in
    the largest component are estimated from k seeded pivot organizations (Eppstein &
    Wang 2004: Σ ≈ r/k · Σ distances to the pivots); smaller components stay exact.

    >>> [round(float(c), 4) for c in closeness(nx.path_graph(3))]
    [0.6667, 1.0, 0.6667]
    >>> bool(np.allclose(closeness(nx.path_graph(5), samples=5), closeness(nx.path_graph(5))))
    True
    """
    n = G.number_of_nodes()
    if n <= 1 or G.number_of_edges() == 0:
        return np.zeros(n)
    if samples is None:
        return _exact_closeness(to_networkit(G), n)
    if samples < 1:
        raise ValueError("closeness samples must be at least 1")
    A = adjacency(G)
    _, labels = connected_components(A, directed=False)
    giant = int(np.argmax(np.bincount(labels)))
    inside = np.flatnonzero(labels == giant)
    outside = np.flatnonzero(labels != giant)
    r = len(inside)
    scores = np.zeros(n)
    if len(outside) > 1:
        rest = _networkit_from_adjacency(sp.csr_array(A[outside][:, outside]))
        scores[outside] = _exact_closeness(rest, len(outside)) * (len(outside) - 1) / (n - 1)
    k = min(int(samples), r)
    pivots = np.sort(np.random.default_rng(seed).choice(inside, size=k, replace=False))
    totals = np.zeros(r)
    for start in range(0, k, 32):
        hops = shortest_path(A, directed=False, unweighted=True, indices=pivots[start : start + 32])
        totals += np.atleast_2d(hops)[:, inside].sum(axis=0)
    estimate = totals * r / k
    safe = np.where(estimate > 0, estimate, 1.0)
    scores[inside] = np.where(estimate > 0, (r - 1) / (n - 1) * (r - 1) / safe, 0.0)
    return scores


def _exact_closeness(K: nk.Graph, n: int) -> np.ndarray:
    if n <= 1 or K.numberOfEdges() == 0:
        return np.zeros(n)
    run = nk.centrality.Closeness(K, True, nk.centrality.ClosenessVariant.GENERALIZED)
    run.run()
    return np.nan_to_num(np.asarray(run.scores(), dtype=float), nan=0.0)


def _networkit_from_adjacency(A: sp.csr_array) -> nk.Graph:
    K = nk.Graph(A.shape[0])
    upper = sp.triu(A, k=1, format="coo")
    for i, j in zip(upper.row.tolist(), upper.col.tolist(), strict=True):
        K.addEdge(i, j)
    return K


def eigenvector(
    G: nx.Graph, *, weight: str | None = None, max_iter: int = 1000, tol: float = 1.0e-6
) -> np.ndarray:
    """Eigenvector centrality by NetworkX's power iteration, unit Euclidean norm.

    The iteration is NetworkX's: start from the uniform vector, multiply by A + I,
    normalize, stop when the L1 change is below n·tol. On a disconnected graph the
    component with the largest spectral radius dominates and the values of the other
    components are what is left of them when the iteration stops — the same numbers
    NetworkX returns. Where NetworkX gives up after 100 iterations, this continues up to
    ``max_iter`` and then returns the last iterate.

    >>> x = eigenvector(nx.path_graph(3))
    >>> [round(float(v), 4) for v in x], round(float(np.linalg.norm(x)), 6)
    ([0.5, 0.7071, 0.5], 1.0)
    """
    n = G.number_of_nodes()
    if n == 0:
        return np.zeros(0)
    A = adjacency(G, weight=weight)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + A @ last
        norm = math.hypot(*x) or 1.0
        x = x / norm
        if np.abs(x - last).sum() < n * tol:
            break
    return np.asarray(x, dtype=float)


def pagerank(
    G: nx.Graph,
    *,
    alpha: float = 0.85,
    weight: str | None = None,
    max_iter: int = 1000,
    tol: float = 1.0e-6,
) -> np.ndarray:
    """PageRank as NetworkX computes it: uniform teleport, dangling mass spread uniformly.

    Isolated organizations are dangling nodes; their rank is spread over all nodes, as
    in NetworkX. Iteration and stopping rule are NetworkX's (L1 change below n·tol).

    >>> [round(float(v), 4) for v in pagerank(nx.path_graph(3))]
    [0.2568, 0.4865, 0.2568]
    """
    n = G.number_of_nodes()
    if n == 0:
        return np.zeros(0)
    A = adjacency(G, weight=weight)
    out = np.asarray(A.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    P = sp.csr_array(sp.diags_array(inverse) @ A)
    PT = sp.csr_array(P.T)
    dangling = np.flatnonzero(out == 0)
    uniform = np.full(n, 1.0 / n)
    x = uniform.copy()
    for _ in range(max_iter):
        last = x
        x = alpha * (PT @ last + last[dangling].sum() * uniform) + (1 - alpha) * uniform
        if np.abs(x - last).sum() < n * tol:
            break
    return np.asarray(x, dtype=float)


def communities(
    G: nx.Graph, *, weight: str | None = None, seed: int = 0, resolution: float = 1.0
) -> list[set[Any]]:
    """Louvain communities (NetworKit PLM with refinement), seeded and single-threaded.

    Returns a list of node sets covering every node (isolated nodes are singletons),
    in no particular order; :func:`graph.communities.communities` numbers them.

    >>> parts = communities(nx.karate_club_graph(), seed=0)
    >>> round(nx.community.modularity(nx.karate_club_graph(), parts, weight=None), 4)
    0.4198
    """
    index = Indexed.of(G)
    if G.number_of_edges() == 0:
        return [{v} for v in index.nodes]
    with _networkit_seeded(seed, threads=1):
        run = nk.community.PLM(to_networkit(G, weight=weight), refine=True, gamma=resolution)
        run.run()
        labels = run.getPartition().getVector()
    groups: dict[int, set[Any]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(int(label), set()).add(index.nodes[position])
    return list(groups.values())


def bfs_distances(G: nx.Graph, sources: Sequence[Any]) -> np.ndarray:
    """Hop distances from each source to every node (−1 when unreachable), one row a source.

    >>> bfs_distances(nx.path_graph(3), [0]).tolist()
    [[0, 1, 2]]
    """
    index = Indexed.of(G)
    rows = [index.position[s] for s in sources]
    hops = shortest_path(adjacency(G), directed=False, unweighted=True, indices=rows)
    hops = np.atleast_2d(hops)
    return np.where(np.isinf(hops), -1, hops).astype(np.int64)

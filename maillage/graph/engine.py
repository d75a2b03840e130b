"""The compiled engine: NetworkX graphs converted once, heavy metrics run in compiled code.

Each metric returns exactly NetworkX's definition and normalization; the heavy loops are
compiled:

========================  ==========================================================
metric                    engine
========================  ==========================================================
betweenness (exact)       Brandes from every source (:mod:`graph.kernels`, Numba,
                          sources split among the cores)
betweenness (sampled)     the same, from a seeded sample of sources, scaled by n/k
closeness (exact)         one breadth-first search per node (the same kernel)
closeness (sampled)       breadth-first searches from seeded pivots (the same kernel)
eigenvector               NetworkX's power iteration, compiled (one thread)
PageRank                  SciPy sparse power iteration, the same iteration as NetworkX
structural holes          :func:`graph.kernels.structural_holes` (Numba)
brokerage roles           :func:`graph.kernels.brokerage_counts` (Numba)
communities               NetworKit PLM (Louvain with refinement), one thread, seeded
========================  ==========================================================

A graph is converted once: its node order, positions and compressed sparse rows (for the
kernels, renumbered so that neighbours sit close in memory) are kept in NetworkX's own
conversion cache (``G.__networkx_cache__``), which NetworkX empties
whenever nodes or edges are added or removed. Changing an edge's ``weight`` in place does
not empty it (as for NetworkX's backends): build a new graph instead.

NetworKit is MIT-licensed, Numba BSD. Every function takes the graph first and returns a
NumPy array aligned with :func:`graph.build.node_order`. ``bench/analytics.py`` times each
metric against igraph,
NetworKit and NetworkX.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

import networkit as nk
import networkx as nx
import numba
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee, shortest_path

from maillage.graph import kernels
from maillage.graph.build import node_order

_CACHE_KEY = "maillage.engine"

#: One compiled kernel at a time (explorer sessions run in threads): each already uses
#: every core, and Numba's fallback threading layer must not be entered twice at once.
_KERNEL_LOCK = threading.Lock()


def _run(kernel: Any, *args: Any) -> Any:
    with _KERNEL_LOCK:
        return kernel(*args)


def _cached(G: nx.Graph, key: Any, make: Any) -> Any:
    """``make()`` once per graph version, kept in NetworkX's conversion cache."""
    store = G.__networkx_cache__.setdefault(_CACHE_KEY, {})
    if key not in store:
        store[key] = make()
    return store[key]


@dataclass(frozen=True)
class Indexed:
    """A graph's nodes in frame order and the integer position of each."""

    nodes: list[Any]
    position: dict[Any, int]

    @classmethod
    def of(cls, G: nx.Graph) -> Indexed:
        def make() -> Indexed:
            nodes = node_order(G)
            return cls(nodes, {v: i for i, v in enumerate(nodes)})

        return _cached(G, "indexed", make)

    def edges(self, G: nx.Graph) -> list[tuple[int, int]]:
        return [(self.position[u], self.position[v]) for u, v in G.edges()]


def adjacency(G: nx.Graph, *, weight: str | None = None) -> sp.csr_array:
    """The symmetric sparse adjacency matrix in :func:`node_order`, rows sorted.

    Built once per graph and shared, so it is read-only: copy it before changing it.

    >>> adjacency(nx.path_graph(3)).toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    return _cached(G, ("adjacency", weight), lambda: _build_adjacency(G, weight))


def _build_adjacency(G: nx.Graph, weight: str | None) -> sp.csr_array:
    index = Indexed.of(G)
    n = len(index.nodes)
    neighbours = dict(G.adjacency())  # the graph's own neighbour dicts, no views
    rows = [neighbours[v] for v in index.nodes]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=indptr[1:])
    flat = list(chain.from_iterable(rows))
    indices = np.fromiter(map(index.position.__getitem__, flat), dtype=np.int64, count=len(flat))
    if weight is None:
        data = np.ones(len(indices))
    else:
        data = np.fromiter(
            chain.from_iterable((d.get(weight, 1.0) for d in row.values()) for row in rows),
            dtype=float,
            count=len(flat),
        )
    matrix = sp.csr_array((data, indices, indptr), shape=(n, n))
    matrix.sort_indices()
    for array in (matrix.data, matrix.indices, matrix.indptr):
        array.flags.writeable = False
    return matrix


def prepare(G: nx.Graph) -> None:
    """Convert ``G`` now (node order, sparse rows), so that every metric after shares it.

    >>> G = nx.path_graph(3); prepare(G); sorted(G.__networkx_cache__)
    ['maillage.engine']
    """
    adjacency(G)
    _kernel_rows(G)


def warm_up() -> None:
    """Compile every kernel now: a few seconds once per machine, cached on disk after."""
    G = nx.Graph([(0, 1, {"arcs": ((0, 1),)}), (1, 2), (2, 0), (2, 3)])
    betweenness(G)
    closeness(G)
    closeness(G, samples=2)
    eigenvector(G)
    structural_holes(G)
    brokerage_counts(G)


def _simple(G: nx.Graph, *, weight: str | None = None) -> sp.csr_array:
    """:func:`adjacency` without self-loops, as the kernels want it."""

    def make() -> sp.csr_array:
        A = adjacency(G, weight=weight)
        if not np.any(A.diagonal()):
            return A
        B = sp.csr_array(A, copy=True)
        B.setdiag(0)
        B.eliminate_zeros()
        B.sort_indices()
        return B

    return _cached(G, ("simple", weight), make)


@dataclass(frozen=True)
class _Rows:
    """A graph's sparse rows as the kernels take them: renumbered so that neighbours sit
    close together in memory (reverse Cuthill–McKee), with fixed array types so that each
    kernel is compiled for one signature only (the one :func:`warm_up` compiles)."""

    order: np.ndarray  # order[k]: the frame position of kernel node k
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    def rank(self, positions: np.ndarray) -> np.ndarray:
        """Kernel node numbers of frame ``positions``."""
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(len(self.order))
        return inverse[positions]

    def back(self, values: np.ndarray) -> np.ndarray:
        """Per-kernel-node ``values`` put back in frame order."""
        out = np.empty_like(values)
        out[self.order] = values
        return out


def _kernel_rows(G: nx.Graph, *, loops: bool = False, weight: str | None = None) -> _Rows:
    """:func:`adjacency` (``loops``) or :func:`_simple` of ``G`` as :class:`_Rows`."""

    def make() -> _Rows:
        order = _cached(G, "locality", lambda: _locality(_simple(G)))
        A = adjacency(G, weight=weight) if loops else _simple(G, weight=weight)
        B = sp.csr_array(A[order][:, order])
        B.sort_indices()
        return _Rows(
            order,
            np.array(B.indptr, dtype=np.int64),
            np.array(B.indices, dtype=np.int32),
            np.array(B.data, dtype=np.float64),
        )

    return _cached(G, ("rows", loops, weight), make)


def _locality(A: sp.csr_array) -> np.ndarray:
    """An order of the nodes that keeps neighbours close (reverse Cuthill–McKee).

    >>> _locality(adjacency(nx.path_graph(3))).tolist()
    [2, 1, 0]
    """
    if A.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return reverse_cuthill_mckee(A, symmetric_mode=True).astype(np.int64)


def to_networkit(G: nx.Graph, *, weight: str | None = None) -> nk.Graph:
    """The graph as an undirected NetworKit graph with nodes numbered in :func:`node_order`."""
    upper = sp.triu(_simple(G, weight=weight), k=1, format="coo")
    data = (upper.data, (upper.row, upper.col))
    return nk.graph.GraphFromCoo(data, n=upper.shape[0], weighted=weight is not None)


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


def _sweep(
    G: nx.Graph, sources: np.ndarray | None, *, dependencies: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`graph.kernels.shortest_path_sweep` from ``sources`` (None: every node).

    A sweep from every node is kept with the graph, so exact closeness after exact
    betweenness costs nothing more.
    """
    if sources is None:
        store = G.__networkx_cache__.setdefault(_CACHE_KEY, {})
        if ("sweep", True) in store:
            return store[("sweep", True)]
        everyone = np.arange(G.number_of_nodes())
        return _cached(
            G, ("sweep", dependencies), lambda: _sweep(G, everyone, dependencies=dependencies)
        )
    rows = _kernel_rows(G)
    starts = rows.rank(sources).astype(np.int32)
    workers = numba.get_num_threads()
    dependency, distance_to, reached, total = _run(
        kernels.shortest_path_sweep, rows.indptr, rows.indices, starts, dependencies, workers
    )
    return rows.back(dependency), rows.back(distance_to), reached, total


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
    sources = None
    if k < n:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
    dependencies = _sweep(G, sources, dependencies=True)[0]
    # Every unordered pair is seen from both ends when every node is a source.
    return dependencies * (n / k) / 2.0 * scale


def closeness(G: nx.Graph, *, samples: int | None = None, seed: int = 0) -> np.ndarray:
    """Closeness with the Wasserman–Faust correction, NetworkX's ``wf_improved=True`` default.

    For a node in a component of r nodes: (r − 1)/(n − 1) · (r − 1)/Σ distances. With
    ``samples=None`` it is exact: one breadth-first search per node. With ``samples=k``
    the distance sums in the largest component are estimated from k seeded pivot
    organizations (Eppstein & Wang 2004: Σ ≈ r/k · Σ distances to the pivots); smaller
    components stay exact.

    >>> [round(float(c), 4) for c in closeness(nx.path_graph(3))]
    [0.6667, 1.0, 0.6667]
    >>> bool(np.allclose(closeness(nx.path_graph(5), samples=5), closeness(nx.path_graph(5))))
    True
    """
    n = G.number_of_nodes()
    if n <= 1 or G.number_of_edges() == 0:
        return np.zeros(n)
    if samples is not None and samples < 1:
        raise ValueError("closeness samples must be at least 1")
    if samples is None:
        _, _, reached, total = _sweep(G, None, dependencies=False)
        return _wasserman_faust(reached, total, n)
    _, labels = connected_components(_simple(G), directed=False)
    giant = int(np.argmax(np.bincount(labels)))
    inside = np.flatnonzero(labels == giant)
    outside = np.flatnonzero(labels != giant)
    scores = np.zeros(n)
    if len(outside):
        _, _, reached, total = _sweep(G, outside, dependencies=False)
        scores[outside] = _wasserman_faust(reached, total, n)
    r = len(inside)
    k = min(int(samples), r)
    pivots = np.sort(np.random.default_rng(seed).choice(inside, size=k, replace=False))
    distance_to = _sweep(G, pivots, dependencies=False)[1]
    estimate = distance_to[inside] * r / k
    reached = np.full(r, r)
    scores[inside] = _wasserman_faust(reached, estimate, n)
    return scores


def _wasserman_faust(reached: np.ndarray, total: np.ndarray, n: int) -> np.ndarray:
    """(r − 1)/(n − 1) · (r − 1)/Σ distances, 0 where nothing is reached."""
    others = reached - 1.0
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, others / (n - 1) * others / safe, 0.0)


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
    rows = _kernel_rows(G, loops=True, weight=weight)
    weighted = bool(np.any(rows.data != 1.0))
    iterate = kernels.eigenvector_iteration
    x, _ = _run(iterate, rows.indptr, rows.indices, rows.data, max_iter, tol, weighted)
    return rows.back(np.asarray(x, dtype=float))


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


def structural_holes(
    G: nx.Graph, *, weight: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burt's constraint, effective size and hierarchy (see :mod:`graph.brokerage`).

    Self-loops are ignored; NaN where undefined (no contact; hierarchy below two).

    >>> constraint, effective, hierarchy = structural_holes(nx.star_graph(3))
    >>> constraint.round(4).tolist(), effective.tolist(), hierarchy.tolist()[0]
    ([0.3333, 1.0, 1.0, 1.0], [3.0, 1.0, 1.0, 1.0], 0.0)
    """
    rows = _kernel_rows(G, weight=weight)
    workers = numba.get_num_threads()
    found = _run(kernels.structural_holes, rows.indptr, rows.indices, rows.data, workers)
    constraint, effective, hierarchy = (rows.back(values) for values in found)
    return constraint, effective, hierarchy


BROKERAGE_COLUMNS = kernels.BROKERAGE_COLUMNS


def brokerage_counts(G: nx.Graph, *, by: str = "type") -> np.ndarray:
    """Gould–Fernandez two-path counts per node, in :data:`BROKERAGE_COLUMNS` order.

    Arcs follow the edges' ``arcs`` attribute (both ways when it is missing); groups are
    the node attribute ``by``, a missing value being a group of its own.

    >>> G = nx.Graph([("a", "b", {"arcs": (("a", "b"),)}), ("b", "c", {"arcs": (("b", "c"),)})])
    >>> brokerage_counts(G).tolist()
    [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    """
    index = Indexed.of(G)
    n = len(index.nodes)
    codes: dict[Any, int] = {}
    group = np.array(
        [codes.setdefault(G.nodes[v].get(by), len(codes)) for v in index.nodes], dtype=np.int64
    )
    sources: list[int] = []
    targets: list[int] = []
    position = index.position
    for u, v, arcs in G.edges(data="arcs"):
        for source, target in arcs if arcs else ((u, v), (v, u)):
            if source != target:
                sources.append(position[source])
                targets.append(position[target])
    ones = np.ones(len(sources))
    arcs = sp.csr_array((ones, (sources, targets)), shape=(n, n))
    arcs.sum_duplicates()
    arcs.sort_indices()
    back = sp.csr_array(arcs.T)
    back.sort_indices()
    out_ptr, out_idx = np.array(arcs.indptr, np.int64), np.array(arcs.indices, np.int64)
    in_ptr, in_idx = np.array(back.indptr, np.int64), np.array(back.indices, np.int64)
    workers = numba.get_num_threads()
    return _run(kernels.brokerage_counts, out_ptr, out_idx, in_ptr, in_idx, group, workers)


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


def modularity(
    G: nx.Graph, labels: np.ndarray, *, weight: str | None = None, resolution: float = 1.0
) -> float:
    """Newman's modularity of a partition given as one label per node in node order.

    NetworkX's ``community.modularity`` (a self-loop counts twice in a degree, once inside
    its community), computed on the sparse adjacency.

    >>> round(modularity(nx.barbell_graph(3, 0), np.array([0, 0, 0, 1, 1, 1])), 4)
    0.3571
    """
    A = adjacency(G, weight=weight).tocoo()
    loops = A.diagonal()
    degree = np.asarray(A.sum(axis=1)).ravel() + loops
    twice_m = float(degree.sum())
    if twice_m == 0:
        return 0.0
    labels = np.asarray(labels)
    groups = int(labels.max()) + 1 if len(labels) else 0
    same = labels[A.row] == labels[A.col]
    inside = np.bincount(labels[A.row[same]], weights=A.data[same], minlength=groups)
    inside += np.bincount(labels, weights=loops, minlength=groups)
    spread = np.bincount(labels, weights=degree, minlength=groups)
    return float(inside.sum() / twice_m - resolution * np.square(spread / twice_m).sum())


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


def core_numbers(G: nx.Graph) -> np.ndarray:
    """The k-core number of every node (NetworKit's core decomposition, in node order):
    NetworkX's ``core_number``, self-loops ignored.

    >>> core_numbers(nx.karate_club_graph())[:5].tolist()
    [4, 4, 4, 4, 3]
    """
    n = G.number_of_nodes()
    if n == 0 or G.number_of_edges() == 0:
        return np.zeros(n, dtype=np.int64)
    run = nk.centrality.CoreDecomposition(to_networkit(G))
    run.run()
    return np.rint(np.asarray(run.scores(), dtype=float)).astype(np.int64)

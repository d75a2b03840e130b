"""Compiled loops (Numba) over compressed sparse rows: the engine's inner work.

Every kernel takes a graph as CSR arrays — ``indptr`` (n + 1 row starts), ``indices``
(neighbours, sorted within each row, no self-loops) and, where tie strength matters,
``weights`` aligned with ``indices`` — and returns plain NumPy arrays. They are called by
:mod:`graph.engine`, which converts NetworkX graphs once and keeps NetworkX's
definitions; tests check the results against NetworkX itself.

The sweep, structural-holes and brokerage kernels split their sources or rows among
``workers`` threads (Numba ``prange``; the engine passes the number of cores), one scratch
set per worker. The eigenvector iteration stays on one thread: its hundreds of short steps
would each wait for the slowest thread, which on a busy machine cost more than they gain.
Kernels compile on first use and are cached on disk (``cache=True``).

>>> indptr = np.array([0, 1, 3, 4]); indices = np.array([1, 0, 2, 1])  # the path 0-1-2
>>> dependency, _, reached, total = shortest_path_sweep(indptr, indices, np.arange(3), True)
>>> dependency.tolist(), reached.tolist(), total.tolist()
([0.0, 2.0, 0.0], [3, 3, 3], [3, 2, 3])
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(parallel=True, cache=True, error_model="numpy")
def shortest_path_sweep(
    indptr: np.ndarray,
    indices: np.ndarray,
    sources: np.ndarray,
    dependencies: bool,
    workers: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Breadth-first searches from ``sources``, with Brandes' dependencies if asked.

    Returns ``(dependency, distance_to, reached, total)``:

    * ``dependency[v]`` — Σ over sources s of Brandes' dependency δ_s(v) (Brandes 2001,
      unweighted), zeros when ``dependencies`` is False;
    * ``distance_to[v]`` — Σ over sources of the hop distance from s to v (0 when
      unreachable);
    * ``reached[t]`` — how many nodes source t reaches, itself included;
    * ``total[t]`` — the sum of hop distances from source t to the nodes it reaches.

    >>> indptr = np.array([0, 2, 3, 4, 4]); indices = np.array([1, 2, 0, 0])  # 1-0-2, 3
    >>> _, distance_to, reached, total = shortest_path_sweep(
    ...     indptr, indices, np.array([1, 3]), False)
    >>> distance_to.tolist(), reached.tolist(), total.tolist()
    ([1.0, 0.0, 2.0, 0.0], [3, 1], [3, 0])
    """
    n = indptr.shape[0] - 1
    k = sources.shape[0]
    workers = max(1, min(workers, k))
    dependency = np.zeros((workers, n))
    distance_to = np.zeros((workers, n))
    reached = np.zeros(k, np.int64)
    total = np.zeros(k, np.int64)
    for worker in nb.prange(workers):
        dist = np.full(n, -1, np.int32)
        sigma = np.zeros(n)
        delta = np.zeros(n)
        queue = np.empty(n, np.int32)
        for t in range(worker, k, workers):
            s = sources[t]
            dist[s] = 0
            sigma[s] = 1.0
            queue[0] = s
            head = 0
            tail = 1
            while head < tail:
                v = queue[head]
                head += 1
                step = dist[v] + 1
                if dependencies:
                    for e in range(indptr[v], indptr[v + 1]):
                        u = indices[e]
                        if dist[u] < 0:
                            dist[u] = step
                            queue[tail] = u
                            tail += 1
                        if dist[u] == step:
                            sigma[u] += sigma[v]
                else:
                    for e in range(indptr[v], indptr[v + 1]):
                        u = indices[e]
                        if dist[u] < 0:
                            dist[u] = step
                            queue[tail] = u
                            tail += 1
            reached[t] = tail
            hops = 0
            for i in range(tail):
                v = queue[i]
                hops += dist[v]
                distance_to[worker, v] += dist[v]
            total[t] = hops
            if dependencies:
                for i in range(tail - 1, 0, -1):
                    w = queue[i]
                    before = dist[w] - 1
                    share = (1.0 + delta[w]) / sigma[w]
                    for e in range(indptr[w], indptr[w + 1]):
                        v = indices[e]
                        if dist[v] == before:
                            delta[v] += sigma[v] * share
                    dependency[worker, w] += delta[w]
            for i in range(tail):
                v = queue[i]
                dist[v] = -1
                sigma[v] = 0.0
                delta[v] = 0.0
    return dependency.sum(axis=0), distance_to.sum(axis=0), reached, total


@nb.njit(cache=True, error_model="numpy")
def _find(indices: np.ndarray, lo: int, hi: int, target: int) -> int:
    """Position of ``target`` in the sorted slice ``indices[lo:hi]``, or −1."""
    end = hi
    while lo < hi:
        middle = (lo + hi) // 2
        if indices[middle] < target:
            lo = middle + 1
        else:
            hi = middle
    return lo if lo < end and indices[lo] == target else -1


@nb.njit(parallel=True, cache=True, error_model="numpy")
def structural_holes(
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, workers: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burt's constraint, effective size and hierarchy of every row (NaN where undefined).

    With p_ij = w_ij / Σ_k w_ik and m_jq = w_jq / max_k w_jk, for every tie (i, j):
    c_ij = (p_ij + Σ_q p_iq p_qj)² and r_ij = Σ_q p_iq m_jq over common contacts q.
    Constraint is Σ_j c_ij, effective size |N(i)| − Σ_j r_ij, hierarchy the
    Coleman–Theil disorder of the c_ij. The common contacts of a tie are found from the
    shorter of the two rows, so a hub's thousands of contacts are never scanned per tie.

    >>> indptr = np.array([0, 3, 4, 5, 6]); indices = np.array([1, 2, 3, 0, 0, 0])  # a star
    >>> constraint, effective, hierarchy = structural_holes(indptr, indices, np.ones(6))
    >>> constraint.round(4).tolist(), effective.tolist()[0], hierarchy.tolist()[0]
    ([0.3333, 1.0, 1.0, 1.0], 3.0, 0.0)
    """
    n = indptr.shape[0] - 1
    share = np.zeros(n)  # 1 / Σ_k w_ik, or 0 without strength
    scale = np.zeros(n)  # 1 / max_k w_ik, or 0
    widest = 0
    for i in range(n):
        widest = max(widest, indptr[i + 1] - indptr[i])
        strength = 0.0
        strongest = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            strength += weights[e]
            strongest = max(strongest, weights[e])
        share[i] = 1.0 / strength if strength != 0.0 else 0.0
        scale[i] = 1.0 / strongest if strongest != 0.0 else 0.0
    constraint = np.full(n, np.nan)
    effective = np.full(n, np.nan)
    hierarchy = np.full(n, np.nan)
    workers = max(1, min(workers, n))
    for worker in nb.prange(workers):
        mark = np.zeros(n, np.int64)  # 1 + position of the tie (i, q) in row i, 0 if none
        local = np.zeros(widest)
        for i in range(worker, n, workers):
            lo = indptr[i]
            hi = indptr[i + 1]
            degree = hi - lo
            if degree == 0:
                continue
            for e in range(lo, hi):
                mark[indices[e]] = e + 1
            redundant = 0.0
            total = 0.0
            for e in range(lo, hi):
                j = indices[e]
                indirect = 0.0
                redundancy = 0.0
                first = indptr[j]
                last = indptr[j + 1]
                if last - first <= degree:
                    for f in range(first, last):
                        g = mark[indices[f]]
                        if g > 0:
                            q = indices[f]
                            p_iq = weights[g - 1] * share[i]
                            indirect += p_iq * weights[f] * share[q]
                            redundancy += p_iq * weights[f] * scale[j]
                else:
                    for g in range(lo, hi):
                        q = indices[g]
                        f = _find(indices, first, last, q)
                        if f >= 0:
                            p_iq = weights[g] * share[i]
                            indirect += p_iq * weights[f] * share[q]
                            redundancy += p_iq * weights[f] * scale[j]
                c = (weights[e] * share[i] + indirect) ** 2
                local[e - lo] = c
                total += c
                redundant += redundancy
            for e in range(lo, hi):
                mark[indices[e]] = 0
            constraint[i] = total
            effective[i] = degree - redundant
            if degree >= 2:
                mean = total / degree
                disorder = 0.0
                for x in range(degree):
                    ratio = local[x] / mean
                    if ratio > 0.0:
                        disorder += ratio * np.log(ratio)
                hierarchy[i] = disorder / (degree * np.log(degree))
    return constraint, effective, hierarchy


@nb.njit(cache=True, error_model="numpy")
def eigenvector_iteration(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    max_iter: int,
    tol: float,
    weighted: bool = True,
) -> tuple[np.ndarray, int]:
    """NetworkX's eigenvector power iteration on a symmetric matrix A; returns (x, iterations).

    From the uniform vector, x ← (A + I) x / ‖(A + I) x‖₂ until the L1 change is below n·tol
    or ``max_iter`` iterations ran.

    >>> x, _ = eigenvector_iteration(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]),
    ...                              np.ones(4), 1000, 1.0e-6)
    >>> x.round(4).tolist()
    [0.5, 0.7071, 0.5]
    """
    n = indptr.shape[0] - 1
    x = np.full(n, 1.0 / n)
    y = np.empty(n)
    for iteration in range(1, max_iter + 1):
        squares = 0.0
        for i in range(n):
            value = x[i]
            if weighted:
                for e in range(indptr[i], indptr[i + 1]):
                    value += weights[e] * x[indices[e]]
            else:  # every weight is 1: skip reading them
                for e in range(indptr[i], indptr[i + 1]):
                    value += x[indices[e]]
            y[i] = value
            squares += value * value
        norm = np.sqrt(squares)
        if norm == 0.0:
            norm = 1.0
        change = 0.0
        for i in range(n):
            value = y[i] / norm
            change += abs(value - x[i])
            x[i] = value
        if change < n * tol:
            return x, iteration
    return x, max_iter


#: Gould–Fernandez roles in the column order of :func:`brokerage_counts`.
BROKERAGE_COLUMNS = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")


@nb.njit(cache=True)
def _role(a: int, b: int, c: int) -> int:
    """The column of :data:`BROKERAGE_COLUMNS` for groups a → b → c."""
    if a == b:
        return 0 if b == c else 2
    if a == c:
        return 1
    return 3 if b == c else 4


@nb.njit(parallel=True, cache=True)
def brokerage_counts(
    out_ptr: np.ndarray,
    out_idx: np.ndarray,
    in_ptr: np.ndarray,
    in_idx: np.ndarray,
    group: np.ndarray,
    workers: int = 2,
) -> np.ndarray:
    """Open two-paths a → b → c (a ≠ c, no arc a → c) through every b, by Gould–Fernandez role.

    Arcs are given twice as sorted CSR: successors (``out_*``) and predecessors (``in_*``);
    ``group`` is a small non-negative code per node. Returns an (n, 5) count array in
    :data:`BROKERAGE_COLUMNS` order. Pairs are first counted by group sizes, then the
    pairs that are not open (a = c, or an arc a → c) are taken away one by one.

    >>> ptr = np.array([0, 1, 2, 2]); idx = np.array([1, 2])  # 0 → 1 → 2
    >>> brokerage_counts(ptr, idx, np.array([0, 0, 1, 2]), np.array([0, 1]),
    ...                  np.array([0, 1, 2])).tolist()
    [[0, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
    """
    n = out_ptr.shape[0] - 1
    groups = int(group.max()) + 1 if n else 1
    counts = np.zeros((n, 5), np.int64)
    workers = max(1, min(workers, n))
    for worker in nb.prange(workers):
        ins_by_group = np.zeros(groups, np.int64)
        mark = np.zeros(n, np.bool_)
        for b in range(worker, n, workers):
            in_lo, in_hi = in_ptr[b], in_ptr[b + 1]
            out_lo, out_hi = out_ptr[b], out_ptr[b + 1]
            if in_lo == in_hi or out_lo == out_hi:
                continue
            own = group[b]
            for e in range(in_lo, in_hi):
                ins_by_group[group[in_idx[e]]] += 1
            ins = in_hi - in_lo
            outs = out_hi - out_lo
            ins_own = ins_by_group[own]
            outs_own = 0
            same_other = 0  # Σ over groups g ≠ own of |ins in g| · |outs in g|
            for e in range(out_lo, out_hi):
                g = group[out_idx[e]]
                if g == own:
                    outs_own += 1
                else:
                    same_other += ins_by_group[g]
            row = counts[b]
            row[0] += ins_own * outs_own
            row[1] += same_other
            row[2] += ins_own * (outs - outs_own)
            row[3] += (ins - ins_own) * outs_own
            row[4] += (ins - ins_own) * (outs - outs_own) - same_other
            for e in range(in_lo, in_hi):
                ins_by_group[group[in_idx[e]]] = 0
            for e in range(out_lo, out_hi):
                mark[out_idx[e]] = True
            for e in range(in_lo, in_hi):
                a = in_idx[e]
                if mark[a]:  # a = c: a two-path back to where it started
                    row[_role(group[a], own, group[a])] -= 1
                a_lo, a_hi = out_ptr[a], out_ptr[a + 1]
                if a_hi - a_lo <= outs:
                    for f in range(a_lo, a_hi):
                        c = out_idx[f]
                        if c != a and mark[c]:
                            row[_role(group[a], own, group[c])] -= 1
                else:
                    for f in range(out_lo, out_hi):
                        c = out_idx[f]
                        if c != a and _find(out_idx, a_lo, a_hi, c) >= 0:
                            row[_role(group[a], own, group[c])] -= 1
            for e in range(out_lo, out_hi):
                mark[out_idx[e]] = False
    return counts

"""Measure generating and loading Québec scale into the stores, and local Neo4j reads."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from maillage.demo.synthetic import generate
from maillage.graph.build import alliance_graph
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery, Store
from maillage.services.loading import load_tables
from maillage.services.sources import unload

#: Ego reads done untimed before the timed ones, around other organizations.
WARM_UP = 50
#: Loads timed on Neo4j after the first (their median is shown).
LOADS = 3
#: Further untimed ego reads before Neo4j's reads are timed again: a server just started
#: compiles its read path over the first few hundred reads (the p95 of three passes of
#: 200 reads right after a load fell 58 → 53 → 50 ms, then stayed at 42–45 ms).
WARMED = 600


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def ego_latencies(store: Store, ids: list[str], *, hops: int = 2) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ego-network reads around ``ids``."""
    times = []
    for org_id in ids:
        query = GraphQuery(audience="public", focus=org_id, hops=hops)
        _, seconds = timed(lambda query=query: store.read_graph(query))
        times.append(seconds * 1000)
    quantiles = statistics.quantiles(times, n=100)
    return statistics.median(times), quantiles[94]


def measure_store(
    rows: list[tuple[str, str, str]],
    label: str,
    store: Store,
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    sample: list[str],
    egos: int,
) -> float:
    """Time a load, a whole-graph read and ego reads on ``store``; returns the load time.

    ``sample`` (the ego centres) is drawn on the first store and reused on the next; so
    are the warm-up centres, read untimed first (a server compiles its code and plans
    on the first reads: timed, they measured the JVM warming up).
    """
    loading = measure_load(rows, label, store, orgs, ties)
    ids = measure_whole_read(rows, label, store)
    if not sample:
        rng = np.random.default_rng(7)
        sample.extend(rng.choice(ids, egos))
        others = sorted(set(ids) - set(sample))
        sample.extend(rng.choice(others, WARM_UP + WARMED, replace=False))
    measure_egos(rows, label, store, sample[:egos], sample[egos:])
    return loading


def measure_load(
    rows: list[tuple[str, str, str]],
    label: str,
    store: Store,
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
) -> float:
    """Time loading the tables (validate + write); for Neo4j, the first load after the
    server started, then the median of ``LOADS`` more into the emptied database."""
    result, loading = timed(lambda: load_tables(orgs, ties, store, label="bench"))
    if label != "Neo4j":
        rows.append((f"load into {label} (validate + write)", f"{loading:.2f} s",
                     f"{result.ties / loading:,.0f} ties/s"))  # fmt: skip
        measure_reload(rows, label, store, orgs, ties)
        return loading
    # The first load after the server started runs while the JVM compiles the write path;
    # a server in use has done that long before. Shown, then the same load again into the
    # emptied database (emptied through the store, as a merge removes).
    rows.append((f"load into {label}, first after the server started", f"{loading:.2f} s",
                 f"{result.ties / loading:,.0f} ties/s (cold JVM)"))  # fmt: skip
    times = []
    for _ in range(LOADS):
        unload(store, "bench")  # an empty database again, emptied through the store
        result, loading = timed(lambda: load_tables(orgs, ties, store, label="bench"))
        times.append(loading)
    loading = statistics.median(times)
    each = ", ".join(f"{t:.2f}" for t in times)
    rate = f"{result.ties / loading:,.0f} ties/s (aim ≥ 20,000)"
    rows.append((f"load into {label} (validate + write), median of {LOADS} ({each} s)",
                 f"{loading:.2f} s", rate))  # fmt: skip
    measure_reload(rows, label, store, orgs, ties)
    return loading


def measure_reload(
    rows: list[tuple[str, str, str]],
    label: str,
    store: Store,
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
) -> None:
    """Time loading the same tables again: nothing changes, not even the data version."""
    version = store.data_version()
    _, again = timed(lambda: load_tables(orgs, ties, store, label="bench"))
    kept = "same data version" if store.data_version() == version else "VERSION CHANGED"
    rows.append((f"{label}: the same tables again", f"{again:.2f} s", kept))


def measure_whole_read(rows: list[tuple[str, str, str]], label: str, store: Store) -> list[str]:
    """Time reading the whole graph into NetworkX; returns the organization ids."""
    (read_orgs, read_ties), reading = timed(
        lambda: store.read_graph(GraphQuery(audience="private"))
    )
    G, building = timed(lambda: alliance_graph(read_orgs, read_ties))
    rows.append((f"{label}: read whole graph into NetworkX", f"{reading + building:.2f} s",
                 f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"))  # fmt: skip
    # Returned and dropped: a million objects left alive would make each full collection
    # of Python's cyclic collector scan them, inside the timed reads that follow.
    return read_orgs["id"].tolist()


def measure_egos(
    rows: list[tuple[str, str, str]],
    label: str,
    store: Store,
    centres: list[str],
    warm_up: list[str],
) -> None:
    """Time ego reads (2 hops) around ``centres`` after reads around ``warm_up``; for
    Neo4j, again once the server has done as many reads as one in use."""
    ego_latencies(store, warm_up[:WARM_UP])
    p50, p95 = ego_latencies(store, centres)
    if label != "Neo4j":
        rows.append((f"{label}: {len(centres)} ego queries (2 hops)", f"p50 {p50:.1f} ms",
                     f"p95 {p95:.1f} ms"))  # fmt: skip
        return
    rows.append((f"{label}: {len(centres)} ego queries (2 hops), {WARM_UP} reads after the load",
                 f"p50 {p50:.1f} ms", f"p95 {p95:.1f} ms (JVM still compiling)"))  # fmt: skip
    # The same centres again once the server has served as many reads as one in use.
    ego_latencies(store, warm_up[WARM_UP:])
    p50, p95 = ego_latencies(store, centres)
    rows.append((f"{label}: {len(centres)} ego queries (2 hops), warm server "
                 f"({len(warm_up) + len(centres)} reads after the load)",
                 f"p50 {p50:.1f} ms", f"p95 {p95:.1f} ms (aim < 50)"))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is Québec scale")
    parser.add_argument("--egos", type=int, default=200, help="ego queries to time")
    parser.add_argument("--no-neo4j", action="store_true", help="skip Neo4j even if configured")
    options = parser.parse_args(argv)

    rows: list[tuple[str, str, str]] = []
    (orgs, ties), generating = timed(lambda: generate(seed=2026, scale=options.scale))
    rows.append(
        (
            "generate Québec scale" if options.scale == 1 else f"generate ×{options.scale}",
            f"{generating:.2f} s",
            f"{len(orgs):,} organizations, {len(ties):,} ties",
        )
    )
    sample: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        loading = measure_store(rows, "embedded", store, orgs, ties, sample, options.egos)
        rows.insert(
            2, ("whole demo load (generate + load)", f"{generating + loading:.2f} s", "aim < 5 s")
        )
        store.close()

    if os.environ.get("NEO4J_URI") and not options.no_neo4j:
        from maillage.queries.connect import open_store

        neo4j = open_store()
        try:
            neo4j.info()  # connect before timing; tools/run-bench gives it an empty database
            measure_store(rows, "Neo4j", neo4j, orgs, ties, sample, options.egos)
        finally:
            neo4j.close()
    else:
        rows.append(("Neo4j", "skipped", "NEO4J_URI not set (make bench starts a server)"))

    print("\n## Loading (bench/load.py)\n")
    print("| measure | time | detail |")
    print("|---|---|---|")
    for name, value, detail in rows:
        print(f"| {name} | {value} | {detail} |")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

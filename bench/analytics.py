"""Time the analytics engine against igraph, NetworKit and NetworkX at Québec scale and 10×.

Run ``python -m bench.analytics`` (or ``python bench/analytics.py``); ``--quick`` for a
smaller, faster run, ``--help`` for the flags skipping parts. Prints markdown tables:
one run per measure, so ratios under about 1.4× are noise on a 2-core machine.
igraph is a benchmark reference only (GPL): it is never imported by ``graph/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkit as nk
import networkx as nx
import numpy as np
import pandas as pd
import rustworkx as rx

from maillage.graph import engine
from maillage.graph.backtest import backtest
from maillage.graph.brokerage import brokerage_roles, structural_holes
from maillage.graph.build import alliance_graph, node_order, ties_active_at
from maillage.graph.communities import communities
from maillage.graph.gaps import gap_report
from maillage.graph.metrics import metrics
from maillage.graph.opportunities import opportunities

try:  # a reference for timings only
    import igraph as ig
except ImportError:  # pragma: no cover - optional
    ig = None

TODAY = dt.date(2026, 11, 1)


def to_rustworkx(G: nx.Graph) -> rx.PyGraph:
    """The graph as an unweighted rustworkx graph with nodes numbered in ``node_order``."""
    index = engine.Indexed.of(G)
    R = rx.PyGraph(multigraph=False)
    R.add_nodes_from(index.nodes)
    R.add_edges_from_no_data([(i, j) for i, j in index.edges(G) if i != j])
    return R


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    Linux's ``ru_maxrss`` survives ``exec`` (a child started by a big parent reports the
    parent's peak), so read the high-water mark of this address space instead.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def ours(G: nx.Graph, action: Callable[[], Any]) -> float:
    """Seconds of ``action`` on ``G`` converted once (as the reference libraries' graphs are),
    with no result kept from an earlier measure."""
    G.__networkx_cache__.clear()
    engine.prepare(G)
    return timed(action)[1]


def cold(G: nx.Graph, action: Callable[[], Any]) -> float:
    """Seconds of ``action`` on ``G`` with nothing converted or kept yet."""
    G.__networkx_cache__.clear()
    return timed(action)[1]


def command_seconds(orgs: pd.DataFrame, ties: pd.DataFrame, *flags: str) -> float:
    """Seconds of ``maillage metrics`` run as a user runs it, on an embedded store holding
    the workbook, with an empty analytics cache: start, read, build, compute, print."""
    from maillage.queries.sqlite_store import SQLiteStore
    from maillage.services.loading import load_tables

    with tempfile.TemporaryDirectory() as folder:
        database = str(Path(folder) / "bench.db")
        store = SQLiteStore(database)
        load_tables(orgs, ties, store, label="bench")
        store.close()
        command = [sys.executable, "-m", "maillage.cli", "--db", database, "--format", "csv"]
        environment = {**os.environ, "MAILLAGE_CACHE": str(Path(folder) / "cache")}
        start = time.perf_counter()
        subprocess.run(
            [*command, "metrics", *flags],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        return time.perf_counter() - start


def compile_seconds() -> float:
    """Seconds to compile every kernel in a fresh process with an empty Numba cache."""
    root = Path(__file__).resolve().parent.parent
    code = "from graph import engine; engine.warm_up()"
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "NUMBA_CACHE_DIR": cache},
            check=True,
        )
        return time.perf_counter() - start


def workbook(scale: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The synthetic Québec workbook (maillage.demo.synthetic), or a small stand-in without it."""
    try:
        from maillage.demo.synthetic import generate
    except ImportError:
        return (*_stand_in(scale, seed), "stand-in generator")
    orgs, ties = generate(seed=seed, scale=scale)
    return orgs, ties, "maillage.demo.synthetic"


def _stand_in(scale: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = int(15_000 * scale)
    G = nx.powerlaw_cluster_graph(n, 4, 0.3, seed=seed)
    kinds = rng.choice(
        ["enterprise", "community_group", "network", "funder"], n, p=[0.72, 0.25, 0.02, 0.01]
    )
    orgs = pd.DataFrame(
        {
            "id": [f"o{v:06d}" for v in G],
            "name": [f"Org {v}" for v in G],
            "type": kinds,
            "region": [f"{r:02d}" for r in rng.integers(1, 18, n)],
            "country": "CA",
            "sector": rng.choice(["food", "housing", "care"], n),
        }
    )
    edges = list(G.edges())
    years = rng.integers(2000, 2027, len(edges))
    ties = pd.DataFrame(
        {
            "source": [f"o{u:06d}" for u, _ in edges],
            "target": [f"o{v:06d}" for _, v in edges],
            "type": "partner",
            "weight": 1.0,
            "since": [f"{y}-06-01" for y in years],
            "until": None,
        }
    )
    return orgs, ties


def to_igraph(G: nx.Graph) -> Any:
    index = engine.Indexed.of(G)
    return ig.Graph(n=len(index.nodes), edges=index.edges(G))


def sample_graph(G: nx.Graph, size: int) -> nx.Graph:
    """A connected induced sample: breadth-first from the best-connected organization."""
    start = max(node_order(G), key=G.degree)
    kept = list(nx.bfs_tree(G, start))[:size]
    return nx.Graph(G.subgraph(kept))


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(self, task: str, ours: float | None, **others: float | str | None) -> None:
        row = {"task": task, "ours (s)": _fmt(ours)}
        for name in ("igraph", "networkit", "networkx"):
            value = others.get(name)
            row[f"{name} (s)"] = _fmt(value) if not isinstance(value, str) else value
            if isinstance(value, float) and ours:
                row[f"{name} (s)"] += f" ({value / ours:.1f}×)"
        row["note"] = str(others.get("note", ""))
        self.rows.append(row)
        print(f"  {task}: ours {_fmt(ours)} s", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        legend = "\n\n(n×) = that library's time ÷ ours: above 1, ours is faster.\n"
        return pd.DataFrame(self.rows).to_markdown(index=False) + legend


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def quebec(options: argparse.Namespace) -> list[str]:
    out = []
    scale = 0.3 if options.quick else 1.0
    (orgs, ties, origin), seconds = timed(lambda: workbook(scale, options.seed))
    active = ties_active_at(ties, TODAY)
    G, build = timed(lambda: alliance_graph(orgs, active))
    n, m = G.number_of_nodes(), G.number_of_edges()
    out.append(
        f"## Québec scale: {n:,} organizations, {m:,} edges "
        f"({len(ties):,} ties from {origin}, {seconds:.1f} s to generate)\n"
    )
    table = Table()
    table.add("build alliance graph from frames", build)
    table.add(
        "compile the kernels (first run on a machine, then cached on disk)",
        compile_seconds(),
    )
    engine.warm_up()
    G.__networkx_cache__.clear()
    table.add(
        "convert once: node order and sparse rows (shared by every metric below)",
        timed(lambda: engine.prepare(G))[1],
        igraph=timed(lambda: ig.Graph.from_networkx(G))[1] if ig else None,
        networkit=timed(lambda: nk.nxadapter.nx2nk(G))[1],
        note="each library's own converter from NetworkX",
    )
    IG = to_igraph(G) if ig else None
    K = engine.to_networkit(G)

    def nk_pagerank() -> None:
        run = nk.centrality.PageRank(K, 0.85)
        run.run()

    table.add(
        "PageRank",
        ours(G, lambda: engine.pagerank(G)),
        igraph=timed(lambda: IG.pagerank())[1] if IG else None,
        networkit=timed(nk_pagerank)[1],
        networkx=None if options.skip_networkx else timed(lambda: nx.pagerank(G, weight=None))[1],
        note="ours replicates NetworkX's iteration (SciPy sparse)",
    )
    table.add(
        "eigenvector",
        ours(G, lambda: engine.eigenvector(G)),
        igraph=timed(lambda: IG.eigenvector_centrality())[1] if IG else None,
        networkx=None
        if options.skip_networkx
        else timed(lambda: nx.eigenvector_centrality(G, max_iter=1000))[1],
    )
    table.add(
        "closeness, exact",
        ours(G, lambda: engine.closeness(G)),
        igraph=timed(lambda: IG.closeness())[1] if IG else None,
        note="ours = one breadth-first search per node (Numba)",
    )
    exact_seconds = None
    if not options.skip_exact:
        exact_seconds = ours(G, lambda: engine.betweenness(G))
        table.add(
            "betweenness, exact",
            exact_seconds,
            igraph=timed(lambda: IG.betweenness(directed=False))[1] if IG else None,
            networkit=timed(lambda: nk.centrality.Betweenness(K, False).run())[1],
            note="ours = Brandes (Numba, 2 threads); rustworkx (2 threads) "
            f"{timed(lambda: rx.betweenness_centrality(to_rustworkx(G)))[1]:.1f} s",
        )
    samples = 1000

    def nk_estimate() -> None:
        nk.setSeed(0, False)
        run = nk.centrality.EstimateBetweenness(K, samples, False, True)
        run.run()

    table.add(
        f"betweenness, {samples} sampled sources",
        ours(G, lambda: engine.betweenness(G, samples=samples, seed=0)),
        networkit=timed(nk_estimate)[1],
        note="ours = Brandes (Numba), plain n/k estimator",
    )
    table.add(
        "closeness, 500 sampled pivots", ours(G, lambda: engine.closeness(G, samples=500, seed=0))
    )
    table.add(
        "constraint + effective size + hierarchy",
        ours(G, lambda: structural_holes(G)),
        igraph=timed(lambda: IG.constraint())[1] if IG else None,
        networkx=None
        if options.skip_networkx
        else timed(lambda: (nx.constraint(G), nx.effective_size(G)))[1],
        note="ours = Numba, all three; igraph: constraint only; "
        "NetworkX: sparse fast paths (no nodes=), no hierarchy",
    )
    table.add(
        "communities (Louvain)",
        ours(G, lambda: communities(G, seed=0)),
        igraph=timed(lambda: IG.community_multilevel())[1] if IG else None,
        networkx=None
        if options.skip_networkx
        else timed(lambda: nx.community.louvain_communities(G, weight=None, seed=0))[1],
        note="ours = NetworKit PLM, 1 thread, seeded",
    )
    table.add("Gould–Fernandez brokerage roles", ours(G, lambda: brokerage_roles(G)))
    community = communities(G, seed=0)["community"]
    table.add(
        "opportunities, whole graph, top 20",
        timed(lambda: opportunities(G, top=20, community=community))[1],
    )
    hub = max(node_order(G), key=G.degree)
    table.add(
        "opportunities for one organization",
        timed(lambda: opportunities(G, for_id=hub, top=20, community=community))[1],
    )
    table.add("gap report", timed(lambda: gap_report(G, community=community))[1])
    sources = min(1000, n // 2)
    G.__networkx_cache__.clear()  # the whole command: conversion included
    sampled, sampled_seconds = timed(lambda: metrics(orgs, G, betweenness_samples=sources))
    table.add(
        "metrics table, sampled betweenness",
        sampled_seconds,
        note=f"betweenness {sampled.attrs['betweenness']}, "
        f"{sampled.attrs['betweenness_samples']} sources",
    )
    agreement = ""
    if not options.skip_exact:
        G.__networkx_cache__.clear()
        full, full_seconds = timed(lambda: metrics(orgs, G, betweenness_samples=None))
        top_exact = set(full["betweenness"].nlargest(100).index)
        top_sampled = set(sampled["betweenness"].nlargest(100).index)
        agreement = (
            f"Sampled betweenness ({sampled.attrs['betweenness_samples']} seeded sources) "
            f"recovers {len(top_exact & top_sampled)} of the exact top 100.\n"
        )
        table.add("metrics table, exact betweenness", full_seconds)
    table.add(
        "`maillage metrics` command, embedded store, empty cache",
        command_seconds(orgs, ties),
        note="betweenness from 1,000 sampled sources (the default above 5,000)",
    )
    if not options.skip_exact:
        table.add(
            "`maillage metrics --exact` command, embedded store, empty cache",
            command_seconds(orgs, ties, "--exact"),
        )
    if not options.skip_networkx:
        small = sample_graph(G, 1000 if options.quick else 5000)
        label = f"{small.number_of_nodes():,}-node sample ({small.number_of_edges():,} edges)"
        table.add(
            f"betweenness exact, {label}",
            cold(small, lambda: engine.betweenness(small)),
            igraph=timed(lambda: to_igraph(small).betweenness())[1] if ig else None,
            networkx=timed(lambda: nx.betweenness_centrality(small))[1],
        )
        table.add(
            f"closeness exact, {label}",
            cold(small, lambda: engine.closeness(small)),
            igraph=timed(lambda: to_igraph(small).closeness())[1] if ig else None,
            networkx=timed(lambda: nx.closeness_centrality(small))[1],
        )
    out.append(table.markdown() + "\n")
    if agreement:
        out.append(agreement)
    if not options.skip_backtest:
        out.append(backtests(orgs, ties, options))
    return out


def backtests(orgs: pd.DataFrame, ties: pd.DataFrame, options: argparse.Namespace) -> str:
    parts = ["### Opportunities backtest (ties formed after the cutoff)\n"]
    for cutoff in ("2024-01-01", "2025-01-01"):
        report, seconds = timed(lambda c=cutoff: backtest(orgs, ties, cutoff=c, seed=options.seed))
        attrs = report.attrs
        parts.append(
            f"cutoff {cutoff}: {attrs['positives']:,} new pairs to predict, "
            f"{attrs['training_ties']:,} known edges, positive rate "
            f"{attrs['positive_rate']:.2e}, {seconds:.1f} s\n"
        )
        parts.append(report.round(3).to_markdown() + "\n")
    return "\n".join(parts)


def ten_times(options: argparse.Namespace) -> list[str]:
    """Run the 10× part in fresh processes: one generates, one analyses, each its own peak."""
    root = Path(__file__).resolve().parent.parent
    base = [sys.executable, "-m", "bench.analytics", "--seed", str(options.seed)]
    base += ["--scale-10x", str(options.scale_10x)]
    with tempfile.TemporaryDirectory() as folder:
        saved = str(Path(folder) / "workbook.pickle")
        results = []
        for step in ("--ten-x-generate", "--ten-x-worker"):
            done = subprocess.run(
                [*base, step, saved], cwd=root, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                return [
                    f"## {options.scale_10x:g}× run failed\n\n```\n{done.stderr[-2000:]}\n```\n"
                ]
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    generated, analysed = results
    table = Table()
    for task, seconds, note, *references in generated["rows"] + analysed["rows"]:
        table.add(task, seconds, note=note, **(references[0] if references else {}))
    return [
        f"## {options.scale_10x:g}× Québec: {analysed['nodes']:,} organizations, "
        f"{analysed['edges']:,} edges\n",
        table.markdown() + "\n",
        f"Peak memory: generating the {options.scale_10x:g}× workbook "
        f"{generated['peak_mb']:,.0f} MB; analysing it (read the saved frames, build, every "
        f"step above) {analysed['peak_mb']:,.0f} MB, each in its own process.\n",
    ]


def ten_times_generate(options: argparse.Namespace, path: str) -> None:
    (orgs, ties, origin), seconds = timed(lambda: workbook(options.scale_10x, options.seed))
    with open(path, "wb") as stream:
        pickle.dump((orgs, ties), stream, protocol=pickle.HIGHEST_PROTOCOL)
    peak = peak_mb()
    print(json.dumps({"rows": [("generate workbook", seconds, origin)], "peak_mb": peak}))


def ten_times_worker(options: argparse.Namespace, path: str) -> None:
    rows: list[tuple[Any, ...]] = []

    def peak() -> str:
        return f"peak so far {peak_mb():,.0f} MB"

    def read() -> tuple[pd.DataFrame, pd.DataFrame]:
        with open(path, "rb") as stream:
            return pickle.load(stream)  # type: ignore[no-any-return]

    (orgs, ties), seconds = timed(read)
    rows.append(("read saved workbook", seconds, peak()))
    G, seconds = timed(lambda: alliance_graph(orgs, ties_active_at(ties, TODAY)))
    rows.append(("build alliance graph", seconds, peak()))
    engine.warm_up()  # compiling is timed once, at Québec scale
    table, seconds = timed(lambda: metrics(orgs, G, betweenness_samples=200, closeness_samples=500))
    rows.append(
        (
            "metrics table",
            seconds,
            f"betweenness {table.attrs['betweenness_samples']} sources, "
            f"closeness {table.attrs['closeness_samples']} pivots; {peak()}",
        )
    )
    tasks = (
        ("convert once (node order, sparse rows)", lambda: engine.prepare(G)),
        ("PageRank", lambda: engine.pagerank(G)),
        ("eigenvector", lambda: engine.eigenvector(G)),
        ("betweenness, 200 sampled sources", lambda: engine.betweenness(G, samples=200)),
        ("closeness, 500 sampled pivots", lambda: engine.closeness(G, samples=500)),
        ("constraint + effective size + hierarchy", lambda: structural_holes(G)),
        ("brokerage roles", lambda: brokerage_roles(G)),
        ("communities", lambda: communities(G)),
    )
    measured = [(task, ours(G, action)) for task, action in tasks[1:]]
    G.__networkx_cache__.clear()
    measured.insert(0, (tasks[0][0], timed(tasks[0][1])[1]))
    largest = peak_mb()  # ours only: the reference libraries' copies of G come after
    K = engine.to_networkit(G)
    IG = to_igraph(G) if ig else None

    def nk_pagerank() -> None:
        nk.centrality.PageRank(K, 0.85).run()

    def nk_estimate() -> None:
        nk.setSeed(0, False)
        nk.centrality.EstimateBetweenness(K, 200, False, True).run()

    # NetworkX on the whole 10× graph only where it finishes in seconds (PageRank); its
    # betweenness, constraint and Louvain are measured on the 5,000-node sample at Québec scale.
    references: dict[str, dict[str, float | None]] = {
        "convert once (node order, sparse rows)": {
            "igraph": timed(lambda: ig.Graph.from_networkx(G))[1] if ig else None,
            "networkit": timed(lambda: nk.nxadapter.nx2nk(G))[1],
        },
        "PageRank": {
            "igraph": timed(lambda: IG.pagerank())[1] if IG else None,
            "networkit": timed(nk_pagerank)[1],
            "networkx": timed(lambda: nx.pagerank(G, weight=None))[1],
        },
        "eigenvector": {"igraph": timed(lambda: IG.eigenvector_centrality())[1] if IG else None},
        "betweenness, 200 sampled sources": {"networkit": timed(nk_estimate)[1]},
        "constraint + effective size + hierarchy": {
            "igraph": timed(lambda: IG.constraint())[1] if IG else None
        },
        "communities": {"igraph": timed(lambda: IG.community_multilevel())[1] if IG else None},
    }
    for task, seconds in measured:
        rows.append((task, seconds, "", references.get(task, {})))
    result = {"rows": rows, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    print(json.dumps(result | {"peak_mb": largest}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="30 %% of Québec scale, 1,000-node NetworkX sample, no 10× run",
    )
    parser.add_argument("--skip-10x", action="store_true", help="skip the 10× run")
    parser.add_argument("--skip-networkx", action="store_true", help="skip pure NetworkX timings")
    parser.add_argument(
        "--skip-exact",
        action="store_true",
        help="skip exact betweenness at Québec scale (and rank agreement)",
    )
    parser.add_argument("--skip-backtest", action="store_true", help="skip the backtest")
    parser.add_argument("--scale-10x", type=float, default=10.0, help="scale of the big run")
    parser.add_argument("--seed", type=int, default=2026, help="workbook seed")
    parser.add_argument("--ten-x-generate", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--ten-x-worker", metavar="PATH", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.ten_x_generate:
        ten_times_generate(options, options.ten_x_generate)
        return 0
    if options.ten_x_worker:
        ten_times_worker(options, options.ten_x_worker)
        return 0
    started = time.perf_counter()
    print(
        f"# Maillage analytics benchmark ({dt.date.today()}, "
        f"NetworkX {nx.__version__}, NetworKit {nk.__version__}, "
        f"igraph {ig.__version__ if ig else 'absent'})\n"
    )
    for part in quebec(options):
        print(part)
    if not (options.quick or options.skip_10x):
        for part in ten_times(options):
            print(part)
    print(f"Whole benchmark: {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

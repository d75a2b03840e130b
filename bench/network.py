"""Time the network analyses at Québec scale: the health scorecard, ten yearly snapshots,
memberships as a two-mode network, recruitment targets.

Run ``python -m bench.network`` (``--quick`` for a third of Québec scale). The store is a
fresh embedded one and the analytics cache an empty folder, so every figure includes the
computing, as a first ``maillage health`` on new data does. Prints markdown tables; one run
per measure, so differences under about 1.4× are noise on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from maillage.demo.synthetic import generate
from maillage.graph import engine
from maillage.graph.health import gini, health
from maillage.queries.sqlite_store import SQLiteStore
from maillage.services import network
from maillage.services.loading import load_tables
from maillage.services.views import read_view

#: The aims of issue 16 on this 2-core machine.
SCORECARD_AIM = 5.0
SNAPSHOTS_AIM = 30.0
#: The ten yearly snapshots: the last day of each year.
YEARS = tuple(range(2017, 2027))


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a third of Québec scale")
    parser.add_argument("--seed", type=int, default=2026, help="workbook seed")
    parser.add_argument(
        "--skip-exact", action="store_true", help="skip the exact-betweenness Gini check"
    )
    options, _ = parser.parse_known_args(argv)  # make bench passes every bench the same flags
    scale = 0.3 if options.quick else 1.0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MAILLAGE_CACHE"] = str(Path(folder) / "cache")
        orgs, ties = generate(seed=options.seed, scale=scale)
        rows: list[tuple[str, float, str]] = []
        with SQLiteStore(Path(folder) / "bench.db") as store:
            load_tables(orgs, ties, store, label="bench")
            engine.warm_up()
            day = dt.date(YEARS[-1], 12, 31)
            view, seconds = timed(lambda: read_view(store, as_of=day))
            G = view.G
            rows.append(
                (
                    "read the view (store → graph)",
                    seconds,
                    f"{G.number_of_nodes():,} organizations, {G.number_of_edges():,} tied pairs",
                )
            )
            found, seconds = timed(lambda: health(G))
            rows.append(
                (
                    "**health scorecard** (graph built; betweenness from 1,000 sampled sources)",
                    seconds,
                    f"stage {found.stage}; aim < {SCORECARD_AIM:.0f} s: "
                    + ("met" if seconds < SCORECARD_AIM else "**not met**"),
                )
            )
            view_before = read_view(store, as_of=day - dt.timedelta(days=365))
            _, seconds = timed(
                lambda: network.health(store, as_of=day, since=day - dt.timedelta(days=365))
            )
            rows.append(
                (
                    "`health` service with comparison (two dates, cache empty for the earlier)",
                    seconds,
                    f"{view_before.G.number_of_edges():,} tied pairs a year before",
                )
            )
            total = 0.0
            stages = []
            for year in YEARS:
                snapshot, seconds = timed(
                    lambda year=year: network.health_of(
                        read_view(store, as_of=dt.date(year, 12, 31))
                    )
                )
                total += seconds
                stages.append(f"{year}: {snapshot.stage}")
            rows.append(
                (
                    f"**ten yearly snapshots** ({YEARS[0]}–{YEARS[-1]}, read + scorecard each)",
                    total,
                    f"aim < {SNAPSHOTS_AIM:.0f} s: "
                    + ("met" if total < SNAPSHOTS_AIM else "**not met**"),
                )
            )
            B, seconds = timed(lambda: network.memberships(view))
            rows.append(
                (
                    "two-mode graph of memberships",
                    seconds,
                    f"{B.number_of_nodes():,} nodes, {B.number_of_edges():,} affiliations",
                )
            )
            central, seconds = timed(lambda: network.centrality(view))
            rows.append(
                (
                    "two-mode centrality (degree, closeness, betweenness)",
                    seconds,
                    f"betweenness {central.attrs.get('betweenness')}",
                )
            )
            overlap, seconds = timed(lambda: network.overlap(view))
            rows.append(("network overlap (every pair)", seconds, f"{len(overlap):,} pairs"))
            _, seconds = timed(lambda: network.comembership(view, top=100))
            rows.append(("co-membership, top 100 of every pair", seconds, ""))
            hub = str(central.loc[central["mode"] == "group", "id"].iloc[0])
            targets, seconds = timed(lambda: network.recruitment(view, hub, top=20))
            rows.append(
                (
                    f"recruitment targets of the biggest network ({hub})",
                    seconds,
                    f"{targets.attrs.get('members', 0):,} members",
                )
            )
            gini_note = ""
            if not options.skip_exact:
                tied = np.array([G.degree(v) > 0 for v in engine.Indexed.of(G).nodes])
                exact, seconds = timed(lambda: engine.betweenness(G))
                sampled = found.scorecard.loc["betweenness_gini", "value"]
                gini_note = (
                    f"Gini of betweenness: {sampled:.4f} from 1,000 sampled sources, "
                    f"{gini(exact[tied]):.4f} exact ({seconds:.1f} s to compute exactly)."
                )
    print(f"# Maillage network benchmark ({dt.date.today()}, scale {scale})\n")
    print(
        f"Québec scale {'× 0.3 ' if options.quick else ''}from maillage.demo.synthetic: "
        f"{len(orgs):,} organizations, {len(ties):,} ties; graph at {day}.\n"
    )
    print("| measure | seconds | detail |\n|---|---:|---|")
    for task, seconds, detail in rows:
        print(f"| {task} | {seconds:.2f} | {detail} |")
    print(f"\nStages of the yearly snapshots: {', '.join(stages)}.")
    if gini_note:
        print(gini_note)
    print(f"Whole benchmark: {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

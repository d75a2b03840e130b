"""Judge recruitment targets on real memberships: SUSY's partner NGOs and the initiatives
each mapped, next to the baselines a skeptic would try first.

For every partner with at least 20 initiatives, a seeded 30 % of its initiatives are hidden
(made non-members); the others are its members. Each method ranks every organization that
is not a member; a good method puts the hidden ones first. Reported: the mean share of the
hidden initiatives found in the first k places (k = how many were hidden) and the mean AUC.
Baselines: a random order; same country as most members (random within); same country, then
the members' most common initiative type. Run ``python -m bench.recruitment``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.graph.recruitment import recruitment_targets
from maillage.loaders.mapping import Mapping
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_mapped

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "tests" / "loaders" / "fixtures" / "mappings" / "susy.toml"
HIDDEN = 0.3
SMALLEST = 20


def real_data() -> Path | None:
    for above in ROOT.parents:
        folder = above / "shared" / "data" / "real"
        if (folder / "susy_initiatives.csv").is_file():
            return folder
    return None


def susy(folder: Path, work: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The SUSY export as mapped in the tests: initiatives, partner NGOs, partner ties."""
    with SQLiteStore(work / "susy.db") as store:
        load_mapped(folder / "susy_initiatives.csv", Mapping.from_file(MAPPING), store)
        return store.read_graph(GraphQuery(audience="private"))


def auc(ranked: list[str], hidden: set[str]) -> float:
    """The chance that a hidden initiative is ranked before a non-hidden one."""
    positions = np.array([k for k, v in enumerate(ranked) if v in hidden], dtype=float)
    n_pos, n_neg = len(positions), len(ranked) - len(positions)
    if not n_pos or not n_neg:
        return float("nan")
    before = positions - np.arange(n_pos)  # non-hidden ones ranked before each hidden one
    return float(1 - before.sum() / (n_pos * n_neg))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    options, _ = parser.parse_known_args(argv)
    folder = real_data()
    if folder is None:
        print("bench/recruitment.py: ../shared/data/real not found; skipped")
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        orgs, ties = susy(folder, Path(work))
    # A partner NGO's map is its membership list: initiative member_of partner.
    ties = ties.assign(source=ties["target"], target=ties["source"], type="member_of").reset_index(
        drop=True
    )
    sizes = ties["target"].value_counts()
    partners = sorted(sizes[sizes >= SMALLEST].index)
    rng = np.random.default_rng(options.seed)
    scores: dict[str, list[tuple[float, float]]] = {}
    for partner in partners:
        mine = ties[ties["target"] == partner]
        hidden_rows = rng.random(len(mine)) < HIDDEN
        hidden = set(mine.loc[hidden_rows, "source"])
        if not hidden:
            continue
        kept = ties.drop(index=mine.index[hidden_rows])
        G = alliance_graph(orgs, kept)
        targets = recruitment_targets(G, partner)
        candidates = list(targets.index)
        members = set(kept.loc[kept["target"] == partner, "source"])
        country = orgs.set_index("id")["country"]
        sector = orgs.set_index("id")["sector"]
        main_country = country.reindex(sorted(members)).mode().iloc[0]
        main_sector = sector.reindex(sorted(members)).mode()
        main_sector = main_sector.iloc[0] if len(main_sector) else None
        shuffled = list(rng.permutation(candidates))
        orders = {
            "recruitment targets": candidates,
            "random": shuffled,
            "same country": sorted(shuffled, key=lambda v: country.get(v) != main_country),
            "same country, then main type": sorted(
                shuffled,
                key=lambda v: (country.get(v) != main_country, sector.get(v) != main_sector),
            ),
        }
        k = len(hidden)
        for method, ranked in orders.items():
            found = len(set(ranked[:k]) & hidden) / k
            scores.setdefault(method, []).append((found, auc(ranked, hidden)))
    print(
        f"# Recruitment on real memberships (SUSY: {len(partners)} partner NGOs with "
        f"{SMALLEST}+ initiatives, {HIDDEN:.0%} of each hidden, seed {options.seed})\n"
    )
    print("| method | hidden found in the first k (mean) | AUC (mean) |\n|---|---:|---:|")
    for method, rows in scores.items():
        values = np.array(rows)
        print(f"| {method} | {np.nanmean(values[:, 0]):.3f} | {np.nanmean(values[:, 1]):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

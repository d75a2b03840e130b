"""Three overlapping sources at Québec scale: load them into one graph, then merge a review.

From the synthetic Québec ecosystem (scale 1), three files in the shape of a pole's real
ones are written and loaded in turn, as a steward would:

* a member export of half the organizations: no ids, a ``Type`` column of legal-form slugs,
  a member category; every row a ``member_of`` tie to a pole;
* a directory of 60 %: NEQ when the organization has one (``NA`` otherwise), coordinates,
  ``NA`` for missing values;
* a register extract (the single-table preset) of every organization with an NEQ (80 %):
  upper-case legal names, legal form codes, two identical rows.

Then ``maillage duplicates`` proposes the member rows that are directory or register rows
under another id; 1,000 accepted pairs are written to a review file and merged in one
transaction (``merge --from``). Aims (issue 14): the three loads under 10 s, the merge
under 5 s. Measured on the embedded store, and on Neo4j when ``NEO4J_URI`` is set.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from maillage.demo.synthetic import generate
from maillage.loaders.mapping import Mapping
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery, Store
from maillage.services.duplicates import apply_review_file, duplicates
from maillage.services.loading import load_mapped, load_register, load_workbook

#: Merged from one review file (issue 14: a steward's 1,000 accepted pairs).
MERGES = 1_000
SLUGS = {"enterprise": "cooperative-de-solidarite", "community_group": "obnl"}
FORMS = {"enterprise": "COP", "community_group": "APE"}


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def write_sources(folder: Path, scale: float, seed: int = 2026) -> dict[str, Path]:
    """The pole, the member export, the directory and the register extract, as files."""
    orgs, _ = generate(seed=seed, scale=scale)
    orgs = orgs[orgs["type"].isin(["enterprise", "community_group"])].reset_index(drop=True)
    # A name and city make a member row's id: keep one organization per pair.
    orgs = orgs.drop_duplicates(["name", "city"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    count = len(orgs)
    neq = np.where(rng.random(count) < 0.8, 1170000000 + np.arange(count), 0)
    orgs = orgs.assign(neq=[str(n) if n else "" for n in neq])
    pole = folder / "pole.csv"
    pole.write_text("id,name,type\npole,Pôle régional,network\n", encoding="utf-8")
    members = orgs[rng.random(count) < 0.5]
    _write(folder / "membres.csv", pd.DataFrame({
        "Nom": members["name"], "Ville": members["city"].fillna(""),
        "Type": members["type"].map(SLUGS), "CategorieMembre": "Membre régulier",
        "Site web": members["website"].fillna(""),
    }))  # fmt: skip
    listed = orgs[rng.random(count) < 0.6]
    _write(folder / "repertoire.csv", pd.DataFrame({
        "NEQ": listed["neq"].replace("", "NA"), "Nom": listed["name"],
        "Ville": listed["city"].fillna("NA"), "lat": listed["lat"].round(4).fillna("NA"),
        "long": listed["lon"].round(4).fillna("NA"), "Secteur": listed["sector"].fillna("NA"),
        "Site Internet": listed["website"].fillna("NA"),
    }))  # fmt: skip
    registered = orgs[orgs["neq"] != ""]
    extract = pd.DataFrame({
        "NEQ": registered["neq"], "Nom": registered["name"].str.upper() + " INC.",
        "Forme juridique": registered["type"].map(FORMS), "Statut": "IM",
        "Municipalité": registered["city"].fillna("").str.upper(),
        "Date de constitution": registered["founded"].astype("string").fillna("") + "-01-01",
    })  # fmt: skip
    _write(folder / "registre.csv", pd.concat([extract, extract.iloc[:2]], ignore_index=True))
    (folder / "membres.toml").write_text(
        'member_of = "pole"\n[columns]\nname = "Nom"\ncity = "Ville"\nwebsite = "Site web"\n'
        '[constants]\ntype = "enterprise"\n',
        encoding="utf-8",
    )
    (folder / "repertoire.toml").write_text(
        '[columns]\nid = "NEQ"\nneq = "NEQ"\nname = "Nom"\ncity = "Ville"\nlat = "lat"\n'
        'lon = "long"\nwebsite = "Site Internet"\nsector = "Secteur"\n'
        '[constants]\ntype = "enterprise"\n',
        encoding="utf-8",
    )
    return {
        "pole": pole,
        "members": folder / "membres.csv",
        "directory": folder / "repertoire.csv",
        "register": folder / "registre.csv",
    }


def _write(path: Path, table: pd.DataFrame) -> None:
    table.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


def measure(
    label: str, store: Store, files: dict[str, Path], folder: Path
) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    load_workbook([files["pole"]], store, source="pole")
    steps = [
        ("member export", lambda: load_mapped(files["members"],
                                              Mapping.from_file(folder / "membres.toml"), store)),
        ("directory", lambda: load_mapped(files["directory"],
                                          Mapping.from_file(folder / "repertoire.toml"), store)),
        ("register extract", lambda: load_register(files["register"], store)),
    ]  # fmt: skip
    total = 0.0
    for name, step in steps:
        outcome, seconds = timed(step)
        total += seconds
        rows.append((f"{label}: load the {name}", f"{seconds:.2f} s",
                     f"{outcome.result.organizations:,} rows: {outcome.created:,} new, "
                     f"{outcome.updated:,} changed"))  # fmt: skip
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    share = orgs["region"].notna().mean()
    rows.append((f"{label}: **three sources, one after the other**", f"**{total:.2f} s**",
                 f"{len(orgs):,} organizations, {len(ties):,} ties; region known for "
                 f"{share:.1%} (aim: load < 10 s)"))  # fmt: skip
    review, seconds = timed(lambda: duplicates(store))
    rows.append((f"{label}: duplicates to review", f"{seconds:.2f} s", f"{len(review):,} pairs"))
    # A steward accepts one pair per duplicate: no organization in two accepted pairs (a
    # member row like two registered organizations would chain their two NEQs: refused).
    used: set[str] = set()
    chosen = []
    for index, left, right in zip(review.index, review["left"], review["right"], strict=True):
        if len(chosen) < MERGES and left not in used and right not in used:
            chosen.append(index)
            used |= {left, right}
    accepted = review.loc[chosen].assign(decision="oui")
    review_file = folder / "review.csv"
    pd.concat([accepted, review.drop(index=chosen)]).to_csv(review_file, index=False)
    merged, seconds = timed(lambda: apply_review_file(review_file, store))
    rows.append((f"{label}: **merge {len(accepted):,} accepted pairs from a review file**",
                 f"**{seconds:.2f} s**", f"{len(merged.removed):,} organizations folded, "
                 f"{merged.ties_moved:,} ties re-pointed (aim < 5 s)"))  # fmt: skip
    version = store.data_version()
    again, seconds = timed(lambda: [step() for _, step in steps])
    unchanged = store.data_version() == version and not any(o.created for o in again)
    rows.append((f"{label}: the three files again, unchanged", f"{seconds:.2f} s",
                 "nothing changed, same data version" if unchanged else "CHANGED"))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is Québec scale")
    parser.add_argument("--no-neo4j", action="store_true", help="skip Neo4j even if configured")
    options = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = write_sources(folder, options.scale)
        with SQLiteStore(folder / "bench.db") as store:
            rows += measure("embedded", store, files, folder)
        if os.environ.get("NEO4J_URI") and not options.no_neo4j:
            from maillage.queries.connect import open_store
            from maillage.services.sources import unload

            neo4j = open_store()
            try:
                for source in [s.name for s in neo4j.sources()]:
                    unload(neo4j, source)  # an empty database, emptied through the store
                rows += measure("Neo4j", neo4j, files, folder)
            finally:
                neo4j.close()
    print("\n## Three sources (bench/sources.py)\n")
    print("| measure | time | detail |")
    print("|---|---|---|")
    for name, value, detail in rows:
        print(f"| {name} | {value} | {detail} |")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

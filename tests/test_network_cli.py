"""Network commands end to end: metrics that rank tied organizations first and print no
noise, gap sections that say what they lack, health, memberships, overlap, co-membership
and recruitment on small stores."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.demo.synthetic import generate
from maillage.graph.health import STAGES
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_tables


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_CACHE", str(tmp_path / "cache"))


def stored(path, orgs: pd.DataFrame, ties: pd.DataFrame) -> str:
    with SQLiteStore(path) as store:
        load_tables(orgs, ties, store, label="test")
    return str(path)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return stored(path, *generate(seed=7, scale=0.05))


@pytest.fixture(scope="module")
def pole_db(tmp_path_factory):
    """What the issue saw: one pole, 77 members, and many organizations with no tie."""
    rng = np.random.default_rng(5)
    rows = [{"id": "pole", "name": "Pôle", "type": "network", "region": "06"}]
    rows += [
        {
            "id": f"m{k:02d}",
            "name": f"Membre {k}",
            "type": "enterprise",
            "region": "06",
            "sector": str(rng.choice(["food", "housing"])),
        }
        for k in range(77)
    ]
    rows += [
        {"id": f"a{k:03d}", "name": f"Seule {k}", "type": "enterprise", "region": "06"}
        for k in range(150)
    ]
    ties = pd.DataFrame(
        {"source": [f"m{k:02d}" for k in range(77)], "target": "pole", "type": "member_of"}
    )
    path = tmp_path_factory.mktemp("pole") / "pole.db"
    return stored(path, pd.DataFrame(rows), ties)


def run(db: str, *args: str):
    result = CliRunner().invoke(cli, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def numbers_in(text: str) -> list[float]:
    """Every number written in an output (plain or scientific)."""
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?", text)]


@pytest.mark.parametrize("sort", ["betweenness", "closeness", "eigenvector", "pagerank", "degree"])
def test_metrics_never_list_an_isolated_organization_before_a_tied_one(pole_db, demo_db, sort):
    for db in (pole_db, demo_db):
        status, output, _ = run(db, "--format", "json", "metrics", "--top", "20", "--sort", sort)
        assert status == 0, output
        degrees = [row["degree"] for row in json.loads(output)]
        seen_isolated = False
        for degree in degrees:
            seen_isolated |= degree == 0
            assert not (seen_isolated and degree > 0), degrees
    status, output, _ = run(pole_db, "--format", "json", "metrics", "--top", "20")
    rows = json.loads(output)
    assert rows[0]["id"] == "pole" and all(row["degree"] == 1 for row in rows[1:])


def test_no_printed_value_is_noise(pole_db, demo_db):
    for db in (pole_db, demo_db):
        for command in (["metrics"], ["health", "--no-compare"], ["memberships"]):
            status, output, _ = run(db, "--format", "csv", *command)
            assert status == 0, output
            values = np.abs(numbers_in(output))
            assert ((values == 0) | (values >= 1e-12)).all(), command


def test_a_measure_equal_for_everyone_is_pointed_out(tmp_path):
    orgs = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": list("ABCD"), "type": "enterprise"})
    cycle = pd.DataFrame(
        {"source": ["a", "b", "c", "d"], "target": ["b", "c", "d", "a"], "type": "partner"}
    )
    db = stored(tmp_path / "cycle.db", orgs, cycle)
    status, _, notes = run(db, "metrics")
    assert status == 0
    assert "degree is 2 for every organization" in notes
    assert "betweenness" in notes and "constraint" in notes
    status, _, notes = run(db, "metrics", "--lang", "fr")
    assert "vaut 2 pour toutes les organisations" in notes


def test_gaps_on_partnerships_say_what_is_missing(tmp_path):
    orgs = pd.DataFrame(
        {
            "id": ["e1", "e2", "u"],
            "name": ["E1", "E2", "U"],
            "type": ["enterprise", "enterprise", "research"],
            "region": ["06", "06", "03"],
        }
    )
    ties = pd.DataFrame({"source": ["e1", "e2"], "target": ["u", "u"], "type": "partner"})
    db = stored(tmp_path / "partners.db", orgs, ties)
    status, output, _ = run(db, "--format", "json", "gaps")
    assert status == 0
    report = json.loads(output)
    section = report["enterprises_without_network"]
    assert section["skipped"] is True and section["rows"] == []
    assert "member_of" in section["explanation"]
    assert "skipped" not in report["isolated"] and "skipped" not in report["region_type_gaps"]
    status, output, _ = run(db, "gaps", "--lang", "fr")
    assert "Section non calculée : il lui faut des liens membre_de" in output


def test_health_reports_a_stage_and_every_measure_with_its_meaning(demo_db):
    status, output, _ = run(demo_db, "--format", "json", "health", "--since", "2024-01-01")
    assert status == 0, output
    report = json.loads(output)
    assert report["stage"]["rows"][0]["stage"] in STAGES
    measures = {row["measure"]: row for row in report["scorecard"]["rows"]}
    assert {"degeneracy", "core_periphery_fit", "ei_region", "betweenness_gini"} <= set(measures)
    assert all(
        row["meaning"] and row["meaning"] != f"health.{m}.meaning" for m, row in measures.items()
    )
    ties = measures["tied_pairs"]
    assert ties["change"] == pytest.approx(ties["value"] - ties["before"])
    status, _, errors = run(demo_db, "health", "--as-of", "2020-01-01", "--since", "2021-01-01")
    assert status == 2 and "--since" in errors


def members_of(db: str) -> dict[str, set[str]]:
    """Who is a member of (or funded by) whom in the public graph today, from the store."""
    with SQLiteStore(db) as store:
        _, ties = store.read_graph(GraphQuery(audience="public", as_of=dt.date.today()))
    found: dict[str, set[str]] = {}
    for source, target, kind in zip(ties["source"], ties["target"], ties["type"], strict=True):
        if kind == "member_of":
            found.setdefault(target, set()).add(source)
        elif kind == "funds":
            found.setdefault(source, set()).add(target)
    return found


def test_memberships_overlap_comembership_agree_with_the_ties(demo_db):
    groups = members_of(demo_db)
    status, output, _ = run(demo_db, "--format", "json", "overlap", "--top", "50")
    assert status == 0, output
    pairs = json.loads(output)
    assert pairs and [p["shared"] for p in pairs] == sorted(
        (p["shared"] for p in pairs), reverse=True
    )
    for pair in pairs:
        assert pair["shared"] == len(groups[pair["network"]] & groups[pair["other"]])
        assert pair["size"] == len(groups[pair["network"]])
    status, output, _ = run(demo_db, "--format", "json", "memberships", "--mode", "group")
    groups = json.loads(output)
    assert groups and {g["mode"] for g in groups} == {"group"}
    assert all(0 <= g["degree_centrality"] <= 1 and 0 <= g["betweenness"] <= 1 for g in groups)
    member = pairs[0]["member_names"].split(", ")[0]
    status, output, _ = run(demo_db, "--format", "json", "comembership", "--for", member)
    assert status == 0, output
    mine = json.loads(output)
    assert mine and all(row["name"] == member for row in mine)
    assert [r["weight"] for r in mine] == sorted((r["weight"] for r in mine), reverse=True)


def test_recruitment_lists_non_members_with_reasons(demo_db):
    status, output, notes = run(
        demo_db, "--format", "json", "recruitment", "pole-es-montreal", "--top", "15"
    )
    assert status == 0, output
    rows = json.loads(output)
    assert len(rows) == 15 and "members" in notes
    assert not {row["id"] for row in rows} & members_of(demo_db)["pole-es-montreal"]
    assert all(row["reasons"] for row in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    status, _, errors = run(demo_db, "recruitment", "syn-ent-00001")
    assert status == 2 and "no members" in errors


def test_commands_without_memberships_say_so(tmp_path):
    orgs = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "type": "enterprise"})
    ties = pd.DataFrame({"source": ["a"], "target": ["b"], "type": ["partner"]})
    db = stored(tmp_path / "partners.db", orgs, ties)
    for command in (["memberships"], ["overlap"], ["comembership"]):
        status, _, errors = run(db, *command)
        assert status == 2 and "no membership ties" in errors, command

"""The analytics commands end to end on a small demo store: what strategists and members run."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.demo.synthetic import generate
from maillage.graph.build import alliance_graph
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_tables


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with SQLiteStore(path) as store:
        load_tables(*generate(seed=7, scale=0.05), store, label="demo")
    return str(path)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_CACHE", str(tmp_path / "cache"))


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db, *args])
    return result.exit_code, result.stdout


def run_json(db: str, *args: str):
    status, output = run(db, "--format", "json", *args)
    assert status == 0, output
    return json.loads(output)


def public_graph(db: str) -> nx.Graph:
    """What the commands see by default: the public graph today."""
    with SQLiteStore(db) as store:
        query = GraphQuery(audience="public", as_of=dt.date.today())
        return alliance_graph(*store.read_graph(query))


def test_metrics_has_one_row_per_visible_organization_and_the_spec_columns(demo_db):
    rows = pd.DataFrame(run_json(demo_db, "metrics", "--exact"))
    with SQLiteStore(demo_db) as store:
        seen, _ = store.read_graph(GraphQuery(audience="public"))
    assert sorted(rows["id"]) == sorted(seen["id"])
    assert list(rows.columns) == [
        "id", "name", "type", "region", "country", "degree", "degree_centrality",
        "betweenness", "closeness", "eigenvector", "pagerank", "constraint",
        "effective_size", "hierarchy", "community", "community_label", "broker_role",
    ]  # fmt: skip
    assert rows["betweenness"].is_monotonic_decreasing


def test_metrics_type_filter_and_top(demo_db):
    rows = run_json(demo_db, "metrics", "--type", "réseau", "--top", "5")
    assert len(rows) == 5 and {r["type"] for r in rows} == {"network"}
    status, _ = run(demo_db, "metrics", "--type", "bakery")
    assert status == 2


def test_opportunities_for_an_organization_are_untied_explained_and_reachable(demo_db):
    G = public_graph(demo_db)
    rows = run_json(demo_db, "opportunities", "--for", "chantier-es", "--top", "15")
    assert rows, "no opportunity proposed for the Chantier"
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        assert row["source"] == "chantier-es"
        assert not G.has_edge(row["source"], row["target"]), row
        assert row["reasons"]
        via = row["via_ids"].split(" → ")
        assert via[0] == "chantier-es" and via[-1] == row["target"]
        assert all(G.has_edge(a, b) for a, b in itertools.pairwise(via)), via


def test_opportunities_between_two_types(demo_db):
    rows = run_json(demo_db, "opportunities", "--between", "entreprise,financeur", "--top", "10")
    G = public_graph(demo_db)
    assert rows
    for row in rows:
        kinds = {G.nodes[row["source"]]["type"], G.nodes[row["target"]]["type"]}
        assert kinds == {"enterprise", "funder"}


def test_path_lists_shortest_introductions_by_name_or_id(demo_db):
    G = public_graph(demo_db)
    rows = run_json(demo_db, "path", "Chantier de l'économie sociale", "ripess")
    expected = nx.shortest_path_length(G, "chantier-es", "ripess")
    assert rows and all(r["hops"] == expected for r in rows)
    for row in rows:
        ids = row["ids"].split(" → ")
        assert all(G.has_edge(a, b) for a, b in itertools.pairwise(ids))


def test_unknown_organization_is_a_clear_error(demo_db):
    status, _ = run(demo_db, "path", "chantier-es", "nowhere-at-all")
    assert status == 2


def test_ego_lists_the_neighbourhood_nearest_first(demo_db):
    G = public_graph(demo_db)
    rows = run_json(demo_db, "ego", "tiess", "--hops", "2")
    lengths = nx.single_source_shortest_path_length(G, "tiess", cutoff=2)
    assert {r["id"]: r["hops"] for r in rows} == lengths


def test_gaps_has_every_section_of_the_spec(demo_db):
    report = run_json(demo_db, "gaps")
    assert list(report) == [
        "isolated", "enterprises_without_network", "region_type_gaps", "structural_holes",
        "single_points_of_failure", "international_coverage",
    ]  # fmt: skip
    isolated = {row["id"] for row in report["isolated"]["rows"]}
    G = public_graph(demo_db)
    assert isolated == {n for n in G if G.degree(n) == 0}
    assert report["isolated"]["explanation"]
    french = run_json(demo_db, "gaps", "--lang", "fr")
    assert french["isolated"]["title"] != report["isolated"]["title"]


def test_diff_counts_ties_gained_and_lost(demo_db):
    change = run_json(demo_db, "diff", "--from", "2010", "--to", "2020")
    with SQLiteStore(demo_db) as store:
        _, at_start = store.read_graph(
            GraphQuery(audience="public", as_of=pd.Timestamp("2010-12-31").date())
        )
        _, at_end = store.read_graph(
            GraphQuery(audience="public", as_of=pd.Timestamp("2020-12-31").date())
        )
    key = ["source", "target", "type", "since"]
    start_keys = set(map(tuple, at_start[key].fillna("").values.tolist()))
    end_keys = set(map(tuple, at_end[key].fillna("").values.tolist()))
    assert len(change["ties_gained"]["rows"]) == len(end_keys - start_keys)
    assert len(change["ties_lost"]["rows"]) == len(start_keys - end_keys)


def test_metrics_write_back_is_stored(demo_db, tmp_path):
    db = tmp_path / "copy.db"
    with SQLiteStore(db) as store:
        load_tables(*generate(seed=7, scale=0.02), store, label="demo")
    status, _ = run(str(db), "metrics", "--write-back", "--top", "1")
    assert status == 0
    with SQLiteStore(db) as store:
        stored = store.read_metrics()
        assert {"betweenness", "pagerank", "community", "broker_role"} <= set(stored.columns)
        assert len(stored) == store.info().organizations - _hidden(store)


def _hidden(store: SQLiteStore) -> int:
    everyone, _ = store.read_graph(GraphQuery(audience="private"))
    return int((everyone["visibility"] != "public").sum())


def test_duplicates_then_merge_keeps_every_tie(tmp_path):
    folder = tmp_path / "wb"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name,type,city,website\n"
        "coop-1,Coopérative de solidarité L'Éveil inc.,enterprise,Rimouski,https://eveil.coop\n"
        "coop-2,Coop L'Eveil,enterprise,Rimouski,http://www.eveil.coop/\n"
        "pole,Pôle,network,Rimouski,\nfund,Fonds,funder,,\n",
        encoding="utf-8",
    )
    (folder / "ties.csv").write_text(
        "source,target,type,since\ncoop-1,pole,member_of,2015\ncoop-2,fund,funds,2019\n"
        "fund,coop-2,funds,2019\ncoop-2,pole,member_of,2015\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "m.db")
    assert run(db, "load", str(folder))[0] == 0
    suggestions = run_json(db, "duplicates")
    assert {(s["left"], s["right"]) for s in suggestions} == {("coop-1", "coop-2")}

    status, output = run(db, "merge", "coop-1", "coop-2")

    assert status == 0, output
    with SQLiteStore(db) as store:
        orgs, ties = store.read_graph(GraphQuery(audience="private"))
        merges = [(d.kind, d.left, d.right) for d in store.decisions()]
    assert sorted(orgs["id"]) == ["coop-1", "fund", "pole"]
    assert merges == [("merge", "coop-2", "coop-1")]
    assert sorted(zip(ties["source"], ties["target"], ties["type"], strict=True)) == [
        ("coop-1", "fund", "funds"), ("coop-1", "pole", "member_of"), ("fund", "coop-1", "funds"),
    ]  # fmt: skip
    assert run(db, "merge", "coop-1", "ghost")[0] == 2


def test_a_member_list_loads_through_options_and_reloading_changes_nothing(tmp_path):
    members = tmp_path / "membres.csv"
    members.write_bytes(
        "Nom de l'organisme;Ville;Code postal\n"
        "Coopérative La Mie;Rimouski;G5L 1A1\nCentre Le Phare;Matane;G4W 2B2\n".encode("cp1252")
    )
    db = str(tmp_path / "m.db")
    (tmp_path / "pole").mkdir()
    (tmp_path / "pole" / "organizations.csv").write_text(
        "id,name,type,region\npole-bsl,Pôle BSL,network,01\n", encoding="utf-8"
    )
    assert run(db, "load", str(tmp_path / "pole"))[0] == 0
    arguments = [
        "load",
        str(members),
        "--name-column",
        "Nom de l'organisme",
        "--city-column",
        "Ville",
        "--type",
        "entreprise",
        "--member-of",
        "pole-bsl",
    ]
    status, output = run(db, *arguments)
    assert status == 0, output
    first = SQLiteStore(db).info()
    assert run(db, *arguments)[0] == 0
    second = SQLiteStore(db).info()
    assert (first.organizations, first.ties) == (second.organizations, second.ties) == (3, 2)
    with SQLiteStore(db) as store:
        orgs, ties = store.read_graph(GraphQuery(audience="private"))
    assert set(ties["type"]) == {"member_of"} and set(ties["target"]) == {"pole-bsl"}
    assert set(orgs.loc[orgs["type"] == "enterprise", "region"]) == {"01"}


def test_every_command_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in cli.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert f"| `{name}" in readme, f"README's command table lacks {name}"

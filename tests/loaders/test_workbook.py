"""Workbook reading, validation and all-or-nothing loads through the CLI and the library."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.loaders.problems import InvalidInput
from maillage.loaders.workbook import check_workbook
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_workbook

ORGANIZATIONS = """\
id,name,type,region,city,country,founded,tags,colour
coop-eveil,"Coop ""L'Éveil"" 🌱",enterprise,Montréal,Montréal,CA,2004,food|coop,green
pole-mtl,Pôle d'économie sociale de Montréal,network,06,Montréal,,,,
tiess,TIESS,research,3,Québec,ca,2013,,
ripess,RIPESS,international_partner,,,FR,2002,,
"""
TIES = """\
source,target,type,since,until,weight,note
coop-eveil,pole-mtl,member_of,2015,,,"since the
founding meeting"
coop-eveil,tiess,partner,2016-03,2020,2,
pole-mtl,ripess,member_of,,,,
"""

FRENCH_ORGANIZATIONS = """\
Identifiant;Nom;Type;Région;Ville;Pays;Fondation;Étiquettes;colour
coop-eveil;"Coop ""L'Éveil"" 🌱";Entreprise;Montréal;Montréal;CA;2004;food|coop;green
pole-mtl;Pôle d'économie sociale de Montréal;Réseau;06;Montréal;;;;
tiess;TIESS;Recherche;3;Québec;ca;2013;;
ripess;RIPESS;Partenaire international;;;FR;2002;;
"""
FRENCH_TIES = """\
Source;Cible;Type;Depuis;Jusqu'à;Poids;Remarque
coop-eveil;pole-mtl;Membre de;2015;;;"since the
founding meeting"
coop-eveil;tiess;PARTENAIRE;2016-03;2020;2;
pole-mtl;ripess;membre_de;;;;
"""


def write_workbook(folder: Path, orgs: str, ties: str, *, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organizations.csv").write_bytes(orgs.encode(encoding))
    (folder / "ties.csv").write_bytes(ties.encode(encoding))
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def everything(store: SQLiteStore):
    return store.read_graph(GraphQuery(audience="private"))


def test_loading_twice_leaves_every_count_unchanged(tmp_path):
    folder = write_workbook(tmp_path / "wb", ORGANIZATIONS, TIES)
    db = str(tmp_path / "m.db")
    assert run("--db", db, "load", str(folder))[0] == 0
    first = SQLiteStore(db).info()
    assert run("--db", db, "load", str(folder))[0] == 0
    second = SQLiteStore(db).info()
    assert first.organizations_by_type == second.organizations_by_type
    assert first.ties_by_type == second.ties_by_type
    assert (first.organizations, first.ties) == (4, 3)


def test_three_bad_rows_in_two_files_are_all_listed_and_nothing_is_written(tmp_path):
    db = str(tmp_path / "m.db")
    assert (
        run("--db", db, "load", str(write_workbook(tmp_path / "good", ORGANIZATIONS, TIES)))[0] == 0
    )
    before = json.loads(run("--db", db, "--format", "json", "info")[1])
    bad_orgs = ORGANIZATIONS + "bakery-1,La Mie,bakery,06,,,,,\nnameless,,network,06,,,,,\n"
    bad_ties = TIES + "coop-eveil,ghost,partner,2019,,,\n"
    bad = write_workbook(tmp_path / "bad", bad_orgs, bad_ties)

    status, output = run("--db", db, "load", str(bad))

    assert status == 2
    orgs_file, ties_file = bad / "organizations.csv", bad / "ties.csv"
    assert f"{orgs_file}:6: type: 'bakery' is not an organization type" in output
    assert f"{orgs_file}:7: name: required value is missing" in output
    assert f"{ties_file}:6: target: unknown organization 'ghost'" in output
    assert "3 problems" in output
    after = json.loads(run("--db", db, "--format", "json", "info")[1])
    assert after == before


def test_skip_invalid_loads_the_valid_rows_and_still_lists_the_others(tmp_path):
    bad_orgs = ORGANIZATIONS + "bakery-1,La Mie,bakery,06,,,,,\n"
    bad = write_workbook(tmp_path / "bad", bad_orgs, TIES)
    db = str(tmp_path / "m.db")
    status, output = run("--db", db, "load", "--skip-invalid", str(bad))
    assert status == 2
    assert "'bakery' is not an organization type" in output
    assert SQLiteStore(db).info().organizations == 4


def test_semicolon_windows_1252_french_twin_loads_exactly_like_utf8_comma(tmp_path):
    # Windows-1252 has no emoji: the twin drops it from both files.
    plain = ORGANIZATIONS.replace(" 🌱", "")
    french_plain = FRENCH_ORGANIZATIONS.replace(" 🌱", "")
    english = write_workbook(tmp_path / "en", plain, TIES)
    french = write_workbook(tmp_path / "fr", french_plain, FRENCH_TIES, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        (french / "organizations.csv").read_bytes().decode("utf-8")

    stores = []
    for folder in (english, french):
        store = SQLiteStore(":memory:")
        load_workbook([folder], store)
        stores.append(everything(store))

    (en_orgs, en_ties), (fr_orgs, fr_ties) = stores
    assert en_orgs.drop(columns="properties").equals(fr_orgs.drop(columns="properties"))
    assert list(en_orgs["properties"]) == list(fr_orgs["properties"])
    assert en_ties.drop(columns="properties").equals(fr_ties.drop(columns="properties"))
    assert en_orgs.loc[en_orgs["id"] == "tiess", "country"].item() == "CA"
    assert en_ties.loc[en_ties["type"] == "partner", "until"].item() == "2020-12-31"


@pytest.mark.parametrize(
    "name",
    [
        'Coop "L\'Éveil" 🌱',
        "<script>alert('x')</script>",
        "x'}) DETACH DELETE n //",
        '"; DROP TABLE organizations; --',
        "Robert'); DROP TABLE ties;--",
        "back`tick` and\nnewline",
        "Ünïcödé — ŒUVRE 漢字 \u200b",
    ],
)
def test_names_round_trip_exactly_through_load_and_export(tmp_path, name):
    orgs = "id,name,type\n" + f'a,"{name.replace(chr(34), chr(34) * 2)}",enterprise\nb,B,network\n'
    ties = "source,target,type\na,b,member_of\n"
    folder = write_workbook(tmp_path / "in", orgs, ties)
    store = SQLiteStore(str(tmp_path / "m.db"))
    load_workbook([folder], store)
    loaded, _ = everything(store)
    assert loaded.loc[loaded["id"] == "a", "name"].item() == name

    db = str(tmp_path / "m.db")
    assert run("--db", db, "export", "--format", "json", str(tmp_path / "out.json"))[0] == 0
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {n["id"]: n["name"] for n in document["nodes"]}["a"] == name
    assert store.info().organizations == 2


def test_xlsx_workbook_with_french_sheet_names_loads(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Organisations"
    sheet.append(["Identifiant", "Nom", "Type", "Région", "Fondation"])
    sheet.append([1143567890, "Coopérative Éveil", "entreprise", "Montréal", 2004])
    sheet.append(["pole-mtl", "Pôle Montréal", "réseau", 6, None])
    links = book.create_sheet("Liens")
    links.append(["Source", "Cible", "Type", "Depuis"])
    links.append([1143567890, "pole-mtl", "membre de", 2015])
    path = tmp_path / "membres.xlsx"
    book.save(path)

    store = SQLiteStore(":memory:")
    load_workbook([path], store)
    orgs, ties = everything(store)
    assert list(orgs["id"]) == ["1143567890", "pole-mtl"]
    assert orgs["founded"].isna().tolist() == [False, True]
    assert orgs.loc[0, "founded"] == 2004
    assert ties.loc[0, ["source", "target", "type", "since"]].tolist() == [
        "1143567890", "pole-mtl", "member_of", "2015-01-01"
    ]  # fmt: skip


def test_problems_in_xlsx_name_the_sheet_and_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "organizations"
    sheet.append(["id", "name", "type"])
    sheet.append(["a", "A", "enterprise"])
    sheet.append(["b", None, "enterprise"])
    path = tmp_path / "b.xlsx"
    book.save(path)
    with pytest.raises(InvalidInput) as refused:
        load_workbook([path], SQLiteStore(":memory:"))
    assert [str(p) for p in refused.value.problems] == [
        f"{path}[organizations]:3: name: required value is missing"
    ]


def test_bom_tab_delimiter_and_blank_lines_are_read(tmp_path):
    orgs = "\ufeffid\tname\ttype\n\na\tA\tenterprise\n\nb\tB\tnetwork\n"
    (tmp_path / "organizations.tsv").write_text(orgs, encoding="utf-8")
    checked = check_workbook([tmp_path / "organizations.tsv"])
    assert checked.problems == []
    assert [o["id"] for o in checked.organizations] == ["a", "b"]


def test_line_numbers_count_newlines_inside_quoted_fields(tmp_path):
    orgs = 'id,name,type\na,"two\nlines",enterprise\nb,B,unknown-type\n'
    (tmp_path / "organizations.csv").write_text(orgs, encoding="utf-8")
    checked = check_workbook([tmp_path / "organizations.csv"])
    assert [(p.line, p.column) for p in checked.problems] == [(4, "type")]


def test_every_bad_cell_of_a_row_is_reported(tmp_path):
    orgs = "id,name,type,region,lat,founded,visibility\na,A,enterprise,Atlantis,95,year,secret\n"
    (tmp_path / "organizations.csv").write_text(orgs, encoding="utf-8")
    checked = check_workbook([tmp_path / "organizations.csv"])
    assert [p.column for p in checked.problems] == [
        "region", "lat", "founded", "visibility"
    ]  # fmt: skip


def test_duplicate_ids_and_ties_are_reported_with_the_first_line(tmp_path):
    orgs = "id,name,type\na,A,enterprise\nb,B,network\na,A again,enterprise\n"
    ties = "source,target,type,since\na,b,partner,2019\na,b,partner,2019-01-01\na,a,partner,\n"
    folder = write_workbook(tmp_path, orgs, ties)
    messages = [str(p) for p in check_workbook([folder]).problems]
    assert any(":4: id: duplicate id 'a', first given on" in m for m in messages)
    assert any(":3: -: the same tie" in m for m in messages)
    assert any(":4: target: a tie cannot join an organization to itself" in m for m in messages)


def test_missing_file_and_missing_columns_refuse_even_with_skip_invalid(tmp_path):
    (tmp_path / "organizations.csv").write_text("id,type\na,enterprise\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_workbook([tmp_path], SQLiteStore(":memory:"), skip_invalid=True)
    assert any(p.column == "name" and p.line == 1 for p in refused.value.problems)
    with pytest.raises(InvalidInput):
        load_workbook([tmp_path / "nowhere"], SQLiteStore(":memory:"))


def test_ties_may_point_at_organizations_loaded_earlier(tmp_path):
    store = SQLiteStore(":memory:")
    load_workbook([write_workbook(tmp_path / "a", ORGANIZATIONS, TIES)], store)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "ties.csv").write_text(
        "source,target,type\ntiess,ripess,partner\n", encoding="utf-8"
    )
    load_workbook([tmp_path / "b"], store)
    assert store.info().ties_by_type["partner"] == 2


def test_every_command_has_help_with_an_example():
    for command in cli.registered_commands:
        name = command.name or command.callback.__name__
        status, output = run(name, "--help")
        assert status == 0, name
        assert "Example:" in output, f"{name} --help has no example"

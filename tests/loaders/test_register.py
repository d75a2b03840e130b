from __future__ import annotations

import shutil

import pytest

from maillage.loaders.problems import InvalidInput
from maillage.loaders.register import (
    RegisterError,
    RegisterFilter,
    check_register,
    read_register,
    stream_rows,
)
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_register


@pytest.fixture
def register(fixtures):
    return fixtures / "register"


@pytest.fixture
def store():
    with SQLiteStore(":memory:") as opened:
        yield opened


def orgs_by_id(checked):
    return {org["id"]: org for org in checked.organizations}


def test_social_economy_extract_with_names_addresses_and_statuses(register):
    checked, read = check_register(register)
    assert checked.problems == []
    assert read.rows_read == {"Entreprise": 8, "Nom": 10, "Etablissements": 4, "FusionScissions": 3}
    orgs = orgs_by_id(checked)
    assert "1140000005" not in orgs  # a business corporation (SPA) is not social economy
    coop = orgs["1140000001"]
    # The register's name is the legal name: kept as such, not as the display name.
    assert coop["name"] is None
    assert coop["properties"]["legal_name"] == "Coopérative de solidarité Le Chantier"
    assert coop["properties"]["neq"] == "1140000001"
    assert (coop["type"], coop["legal_form"], coop["region"], coop["founded"]) == (
        "enterprise",
        "cooperative",
        "06",
        1999,
    )
    assert coop["properties"]["other_names"] == "Le Chantier, épicerie coop"
    assert coop["properties"]["employees_range"] == "De 6 à 10"
    assert coop["properties"]["establishments"] == "2"
    # The current name:
    assert orgs["1140000002"]["properties"]["legal_name"] == "Maison des familles de Laval-Ouest"
    assert orgs["1140000002"]["region"] == "13"
    assert orgs["1140000008"]["city"] == "COATICOOK"  # from the main establishment
    assert orgs["1140000008"]["region"] == "05"


def test_struck_off_and_bankrupt_organizations_are_flagged(register):
    orgs = orgs_by_id(check_register(register)[0])
    assert orgs["1140000003"]["tags"] == "struck_off"
    assert orgs["1140000003"]["properties"]["registration_status_label"] == "Radiée"
    assert orgs["1140000006"]["tags"] == "struck_off"
    assert orgs["1140000007"]["tags"] == "bankrupt"
    assert orgs["1140000004"]["tags"] is None
    without = orgs_by_id(check_register(register, RegisterFilter(include_struck_off=False))[0])
    assert "1140000006" not in without
    # Still named by the merger that absorbed it, so the tie keeps a real predecessor.
    assert without["1140000003"]["tags"] == "register_related"


def test_mergers_become_founded_ties_from_predecessor_to_successor(register):
    checked, _ = check_register(register)
    ties = {(t["source"], t["target"]): t for t in checked.ties}
    assert set(ties) == {("1140000003", "1140000004"), ("1160000099", "1140000001")}
    merger = ties[("1140000003", "1140000004")]
    assert (merger["type"], merger["since"]) == ("founded", "2010-09-01")
    assert merger["properties"] == {"relation_code": "FUS", "relation": "Fusion"}
    outside = orgs_by_id(checked)["1160000099"]
    assert outside["properties"]["legal_name"] == "Épicerie du Faubourg inc."
    assert outside["tags"] == "register_related"
    reverse = check_register(register, RegisterFilter(reverse_relations=("FUS",)))[0]
    assert ("1140000004", "1140000003") in {(t["source"], t["target"]) for t in reverse.ties}


def test_region_filter(register):
    checked, read = check_register(register, RegisterFilter(regions=("03",)))
    assert sorted(orgs_by_id(checked)) == ["1140000003", "1140000004"]
    assert [(t["source"], t["target"]) for t in checked.ties] == [("1140000003", "1140000004")]
    assert read.kept == 2


def test_loading_twice_changes_nothing(register, store):
    first = load_register(register, store)
    graph = store.read_graph(GraphQuery(audience="private"))
    again = load_register(register, store)
    assert (first.created, first.result.ties) == (8, 2)
    assert (again.created, again.updated, again.changed) == (0, 0, False)
    after = store.read_graph(GraphQuery(audience="private"))
    assert graph[0].equals(after[0]) and graph[1].equals(after[1])
    # With no other source naming it, an organization shows its legal name.
    names = graph[0].set_index("id")["name"]
    assert names["1140000001"] == "Coopérative de solidarité Le Chantier"


def test_a_single_table_extract_loads_through_the_preset(tmp_path, store):
    extract = tmp_path / "extrait.csv"
    extract.write_text(
        "NEQ,Nom,Forme juridique,Adresse,Municipalité,Code postal\n"
        "1140000001,COOPERATIVE DE SOLIDARITE LE CHANTIER,COP,1200 RUE FULLUM,MONTREAL,H2K 3L9\n"
        "1140000002,MAISON DES FAMILLES,Organisme sans but lucratif,45 BOUL. X,LAVAL,H7G 2T1\n"
        "1140000002,MAISON DES FAMILLES,Organisme sans but lucratif,45 BOUL. X,LAVAL,H7G 2T1\n"
        "1140000009,GARAGE INC.,SPA,1 RUE Y,QUEBEC,G1K 3A1\n",
        encoding="utf-8",
    )
    outcome = load_register(extract, store)
    assert outcome.created == 2  # the SPA is no social-economy form; the repeat counted once
    assert outcome.notices == [f"{extract}:4: the same row as {extract}:3, counted once"]
    orgs = store.read_graph(GraphQuery(audience="private"))[0].set_index("id")
    assert orgs.loc["1140000002", ["name", "type", "legal_form", "region"]].tolist() == [
        "MAISON DES FAMILLES", "community_group", "non_profit", "13",
    ]  # fmt: skip
    assert orgs.loc["1140000001", "properties"]["neq"] == "1140000001"


def test_windows_1252_files_and_problems_with_lines(register, tmp_path, store):
    folder = tmp_path / "register"
    shutil.copytree(register, folder)
    entreprise = folder / "Entreprise.csv"
    text = entreprise.read_text(encoding="utf-8-sig").replace("1999-05-01", "1299-05-01")
    entreprise.write_bytes(text.encode("cp1252"))
    with pytest.raises(InvalidInput) as raised:
        load_register(folder, store)
    assert [str(p) for p in raised.value.problems] == [
        f"{entreprise}:2: founded: '1299' is not a year",
        f"{folder / 'FusionScissions.csv'}:3: target: unknown organization '1140000001'",
    ]
    assert store.info().organizations == 0
    orgs = orgs_by_id(check_register(folder)[0])
    assert orgs["1140000002"]["city"] == "LAVAL"  # accents decoded from cp1252 still match


def test_streaming_reads_row_by_row(register):
    rows = stream_rows(register / "Entreprise.csv")
    line, first = next(rows)
    assert (line, first["NEQ"]) == (2, "1140000001")
    rows.close()


def test_a_folder_without_the_register_is_explained(tmp_path):
    with pytest.raises(RegisterError, match=r"no Entreprise\.csv"):
        read_register(tmp_path)
    (tmp_path / "Entreprise.csv").write_text("NEQ,NOM\n1,x\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="missing columns COD_FORME_JURI, COD_STAT_IMMAT"):
        read_register(tmp_path)

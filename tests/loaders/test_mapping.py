from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from maillage.loaders.mapping import (
    Mapping,
    MappingError,
    auto_id,
    check_mapped,
    mapping_from_options,
    read_mapped,
)
from maillage.loaders.problems import InvalidInput
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_mapped, load_tables

UK_FILE = "uk_worker_coops_2023-06-23.csv"


@pytest.fixture
def store():
    with SQLiteStore(":memory:") as opened:
        yield opened


def mapping(fixtures: Path, name: str) -> Mapping:
    return Mapping.from_file(fixtures / "mappings" / f"{name}.toml")


def test_susy_loads_as_partner_to_initiative_ties(real_data, fixtures, store):
    path = real_data / "susy_initiatives.csv"
    outcome = load_mapped(path, mapping(fixtures, "susy"), store)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    initiatives = orgs[orgs["type"] == "community_group"]
    partners = orgs[orgs["type"] == "international_partner"]
    assert len(initiatives) == len(raw) == 1794
    # yes/Yes means "partner not recorded": no tie; KOPIN and Kopin are one partner.
    unrecorded = raw["ssedas_partner"].str.casefold().eq("yes").sum()
    assert len(ties) == len(raw) - unrecorded == 1187
    assert set(ties["type"]) == {"partner"}
    assert set(ties["source"]) <= set(partners["id"])
    assert set(ties["target"]) <= set(initiatives["id"])
    assert (
        len(partners)
        == raw.loc[raw["ssedas_partner"].str.casefold() != "yes", "ssedas_partner"]
        .str.casefold()
        .nunique()
    )
    assert outcome.result.organizations == len(orgs)


def test_susy_countries_are_all_normalized(real_data, fixtures):
    checked = check_mapped(real_data / "susy_initiatives.csv", mapping(fixtures, "susy"))
    assert checked.problems == []
    countries = Counter(org["country"] for org in checked.organizations)
    # No SUSY initiative is Canadian: a CA here would be the default for an unknown country.
    unknown = countries.get("CA", 0)
    print(f"\nSUSY countries: {dict(countries.most_common())}; unknown: {unknown}")
    assert unknown == 0
    by_id = {org["id"]: org for org in checked.organizations}
    assert by_id["ssedas-suedwind"]["country"] == "AT"
    sccd = [o for o in checked.organizations if o["properties"].get("country_text") == "SR"]
    assert sccd and {o["country"] for o in sccd} == {"SK"}


def test_uk_worker_coops_load_despite_duplicated_header(real_data, fixtures, store):
    path = real_data / UK_FILE
    load_mapped(path, mapping(fixtures, "uk_worker_coops"), store)
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    assert len(orgs) == 387 and ties.empty
    assert set(orgs["country"]) <= {"GB", "JE"}
    first = orgs.set_index("id").loc["R025671"]
    assert first["founded"] == 2003
    assert first["properties"]["Organisation Name"] == "Metro-Boulot-Dodo Limited"


def test_duplicated_headers_are_suffixed_not_refused(tmp_path):
    path = tmp_path / "coops.csv"
    path.write_text("Name,Sub,Sub,Sub\nA,x,y,z\n", encoding="utf-8")
    tables = read_mapped(path, Mapping.from_dict({"constants": {"type": "enterprise"}}))
    assert tables[0].readable
    assert tables[0].rows[0].extras == {"Sub": "x", "Sub.1": "y", "Sub.2": "z"}


def pole(store):
    orgs = pd.DataFrame(
        [
            {
                "id": "pole-ess-montreal",
                "name": "Pôle d'économie sociale de Montréal",
                "type": "network",
                "region": "06",
            }
        ]
    )
    load_tables(orgs, pd.DataFrame(columns=["source", "target", "type"]), store)


def test_member_list_becomes_members_of_the_pole_in_one_call(fixtures, store):
    pole(store)
    path = fixtures / "pole_members_cp1252.csv"
    load_mapped(path, mapping(fixtures, "pole_members"), store)
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    members = orgs[orgs["id"] != "pole-ess-montreal"].set_index("name")
    assert len(members) == 7
    assert all(i.startswith("auto-") for i in members.index.map(members["id"].get))
    assert set(ties["type"]) == {"member_of"}
    assert set(ties["target"]) == {"pole-ess-montreal"}
    assert set(ties["source"]) == set(members["id"])
    assert members.loc["Café l'Itinéraire", "legal_form"] == "non_profit"
    assert members.loc["Coopérative de solidarité Le Chantier", "legal_form"] == "cooperative"
    assert members.loc["Coop de travail Ébullition", "region"] == "13"  # Laval by city
    assert members.loc["Marché solidaire Frontenac", "region"] == "06"  # postal code in address
    assert members.loc["Boulangerie coopérative du Plateau", "region"] == "15"  # St-Jérôme
    assert members.loc["Atelier vélo communautaire", "region"] == "14"
    assert members.loc["Café l'Itinéraire", "employees"] == 25
    assert members.loc["Marché solidaire Frontenac", "properties"]["postal_code"] == "H2K 1W7"


def test_loading_the_member_list_again_changes_nothing(fixtures, store):
    pole(store)
    path = fixtures / "pole_members_cp1252.csv"
    load_mapped(path, mapping(fixtures, "pole_members"), store)
    first = store.read_graph(GraphQuery(audience="private"))
    load_mapped(path, mapping(fixtures, "pole_members"), store)
    again = store.read_graph(GraphQuery(audience="private"))
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    assert store.info().organizations == 8 and store.info().ties == 7


def test_problems_name_the_line_of_the_original_file(fixtures, tmp_path, store):
    path = tmp_path / "members.csv"
    path.write_text(
        "Nom;Ville;Région\nA;Montréal;06\n\nB;Laval;Atlantide\n;Québec;03\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as raised:
        load_mapped(
            path,
            Mapping.from_dict({"constants": {"type": "enterprise"}, "member_of": "nobody"}),
            store,
        )
    messages = [str(p) for p in raised.value.problems]
    assert f"{path}:4: region: 'Atlantide' is not a Québec region code (01–17) or name" in messages
    assert f"{path}:5: name: required value is missing" in messages
    assert any(m.startswith(f"{path}:2: target: unknown organization 'nobody'") for m in messages)
    assert store.info().organizations == 0


def test_a_mapped_column_missing_from_the_file_is_reported(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("Nom,Ville\nA,Montréal\n", encoding="utf-8")
    checked = check_mapped(
        path,
        Mapping.from_dict(
            {"columns": {"name": "Raison sociale"}, "constants": {"type": "enterprise"}}
        ),
    )
    assert not checked.usable
    assert "'Raison sociale' is not in the file" in str(checked.problems[0])
    assert checked.problems[0].line == 1


def test_bad_mapping_files_are_explained(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[columns]\ncolour = 'Couleur'\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not an organization column"):
        Mapping.from_file(path)
    path.write_text("[constants]\ntype = 'bakery'\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not an organization type"):
        Mapping.from_file(path)
    path.write_text("columns = [", encoding="utf-8")
    with pytest.raises(MappingError, match="not a valid TOML"):
        Mapping.from_file(path)


def test_options_override_the_mapping_file(fixtures):
    merged = mapping_from_options(
        fixtures / "mappings" / "pole_members.toml",
        name_column="Nom",
        member_of="other-pole",
        org_type="community_group",
    )
    assert merged.columns["name"] == "Nom"
    assert merged.member_of == "other-pole"
    assert merged.constants["type"] == "community_group"
    assert merged.columns["address"] == "Adresse"


def test_auto_ids_are_stable_and_distinct():
    assert auto_id("Café l'Itinéraire", "Montréal") == auto_id("CAFÉ L’ITINÉRAIRE ", "montreal")
    assert auto_id("Café l'Itinéraire", "Montréal") != auto_id("Café l'Itinéraire", "Laval")


def test_xlsx_member_list(tmp_path, store):
    pole(store)
    path = tmp_path / "membres.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame(
            {"Raison sociale": ["Coop A", "OBNL B"], "Ville": ["Gatineau", "Sherbrooke"]}
        ).to_excel(book, sheet_name="Membres", index=False)
    load_mapped(
        path,
        Mapping.from_dict(
            {
                "columns": {"name": "Raison sociale"},
                "constants": {"type": "enterprise"},
                "member_of": "pole-ess-montreal",
            }
        ),
        store,
    )
    orgs, ties = store.read_graph(GraphQuery(audience="private"))
    assert sorted(orgs["region"].dropna()) == ["05", "06", "07"]
    assert len(ties) == 2


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from maillage.loaders.mapping import unique_headers  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "a.1", "b", " a", "Sub", "Sub.1", ""]), max_size=8))
def test_unique_headers_are_unique_and_keep_first_spellings(headers):
    unique = unique_headers(headers)
    assert len(unique) == len(headers)
    named = [u for u in unique if u]
    assert len(set(named)) == len(named)
    first = {}
    for original, made in zip(headers, unique, strict=True):
        first.setdefault(original.strip(), made)
    assert all(made == name for name, made in first.items())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.text(max_size=10))
def test_auto_ids_are_short_stable_and_prefixed(name, city):
    made = auto_id(name, city)
    assert made == auto_id(name.upper() if name.isascii() else name, city)
    assert made.startswith("auto-") and len(made) == 15

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from maillage.loaders import export
from maillage.loaders.formats import read_graph_file
from maillage.loaders.formats.gexf import check_gexf, write_gexf
from maillage.loaders.formats.kumu import write_kumu_json, write_kumu_xlsx
from maillage.loaders.formats.murmurations import profiles, write_murmurations
from maillage.loaders.problems import InvalidInput
from maillage.loaders.validate import validate
from maillage.loaders.workbook import check_workbook
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.loading import load_tables, load_workbook

ORGS = pd.DataFrame(
    [
        {
            "id": "1140000001",
            "name": "Chantier de l'économie sociale",
            "type": "network",
            "region": "06",
            "city": "Montréal",
            "lat": 45.5231,
            "lon": -73.5817,
            "website": "https://chantier.qc.ca",
            "founded": 1999,
            "tags": "national|ess",
            "legal_form": "non_profit",
            "Courriel public": "info@example.org",
        },
        {
            "id": "coop-a",
            "name": "Coop A, « solidaire »",
            "type": "enterprise",
            "sector": "food",
            "region": "03",
            "members": 120,
            "employees": 14,
            "visibility": "members",
            "country": "CA",
            "Street Address": "1, rue d'Abraham",
        },
        {"id": "fonds", "name": "Fonds solidaire", "type": "funder", "visibility": "private"},
        {
            "id": "ripess",
            "name": "RIPESS",
            "type": "international_partner",
            "country": "LU",
            "lat": 49.61,
            "lon": 6.13,
            "website": "https://www.ripess.org",
        },
        {
            "id": "uqam",
            "name": "Chaire UQAM",
            "type": "research",
            "website": "https://www.ripess.org",
        },
    ]
)
TIES = pd.DataFrame(
    [
        {"source": "coop-a", "target": "1140000001", "type": "member_of", "since": "2015"},
        {
            "source": "coop-a",
            "target": "1140000001",
            "type": "member_of",
            "since": "2019-03",
            "until": "2020",
            "note": "returned later",
        },
        {
            "source": "fonds",
            "target": "coop-a",
            "type": "funds",
            "weight": 2.5,
            "visibility": "private",
            "source_ref": "rapport 2023",
            "montant": "50 000 $",
        },
        {"source": "1140000001", "target": "ripess", "type": "partner"},
        {"source": "uqam", "target": "1140000001", "type": "partner", "visibility": "members"},
    ]
)


@pytest.fixture
def graph():
    with SQLiteStore(":memory:") as store:
        load_tables(ORGS, TIES, store)
        yield store.read_graph(GraphQuery(audience="private"))


def reload(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with SQLiteStore(":memory:") as store:
        load_workbook([path], store)
        return store.read_graph(GraphQuery(audience="private"))


WRITERS = {
    "graphml": lambda o, t, d: export.write_graphml(o, t, d / "map.graphml"),
    "gexf": lambda o, t, d: write_gexf(o, t, d / "map.gexf"),
    "node-link": lambda o, t, d: export.write_json(o, t, d / "map.json"),
    "kumu-xlsx": lambda o, t, d: write_kumu_xlsx(o, t, d / "kumu.xlsx"),
    "kumu-json": lambda o, t, d: write_kumu_json(o, t, d / "kumu.json"),
    "murmurations": lambda o, t, d: write_murmurations(o, t, d / "profiles.json"),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_round_trip_keeps_organizations_ties_and_properties(graph, tmp_path, name):
    orgs, ties = graph
    path = WRITERS[name](orgs, ties, tmp_path)
    back_orgs, back_ties = reload(path)
    pd.testing.assert_frame_equal(back_orgs, orgs)
    pd.testing.assert_frame_equal(back_ties, ties)


@pytest.mark.parametrize("name", list(WRITERS))
def test_round_trip_twice_changes_nothing(graph, tmp_path, name):
    orgs, ties = graph
    path = WRITERS[name](orgs, ties, tmp_path)
    with SQLiteStore(":memory:") as store:
        load_workbook([path], store)
        first = store.info()
        load_workbook([path], store)
        assert store.info().organizations_by_type == first.organizations_by_type
        assert store.info().ties_by_type == first.ties_by_type


def test_gexf_is_structurally_valid_and_uses_gexf_edge_types(graph, tmp_path):
    path = write_gexf(*graph, tmp_path / "map.gexf")
    assert check_gexf(path) == []
    text = path.read_text(encoding="utf-8")
    assert 'type="undirected"' in text and 'type="member_of"' not in text


def test_gexf_check_finds_schema_violations(tmp_path):
    path = tmp_path / "bad.gexf"
    path.write_text(
        '<?xml version="1.0"?>\n<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        '<graph defaultedgetype="sideways">\n'
        '<attributes class="node"><attribute id="0" title="founded" type="long"/></attributes>\n'
        '<nodes><node id="a"><attvalues><attvalue for="0" value="soon"/></attvalues></node>\n'
        '<node id="a"/></nodes>\n'
        '<edges><edge source="a" target="z" type="member_of"/></edges>\n'
        "</graph></gexf>\n",
        encoding="utf-8",
    )
    found = {(p.line, p.column) for p in check_gexf(path)}
    assert {(3, "defaultedgetype"), (5, "value"), (6, "id"), (7, "target"), (7, "type")} <= found


def test_graph_file_problems_carry_the_line_of_the_element(tmp_path):
    path = tmp_path / "bad.graphml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        '<key id="d0" for="node" attr.name="name" attr.type="string"/>\n'
        '<key id="d1" for="node" attr.name="type" attr.type="string"/>\n'
        '<graph edgedefault="directed">\n'
        '<node id="a"><data key="d0">A</data><data key="d1">bakery</data></node>\n'
        '<node id="b"><data key="d0">B</data><data key="d1">network</data></node>\n'
        '<edge source="a" target="nowhere"/>\n'
        "</graph></graphml>\n",
        encoding="utf-8",
    )
    messages = {str(p) for p in check_workbook([path]).problems}
    assert f"{path}:6: type: 'bakery' is not an organization type" in messages
    assert f"{path}:8: target: unknown organization 'nowhere'" in messages
    assert f"{path}:8: type: required value is missing" in messages


def test_xml_with_a_doctype_is_refused(tmp_path):
    path = tmp_path / "bomb.graphml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<graphml>&lol;</graphml>\n',
        encoding="utf-8",
    )
    checked = check_workbook([path])
    assert not checked.usable
    assert "DOCTYPE" in str(checked.problems[0])


def test_unknown_json_shape_is_explained(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"rows": []}', encoding="utf-8")
    problems = check_workbook([path]).problems
    assert "unknown JSON shape" in str(problems[0])


def test_hand_made_kumu_sheet_resolves_connections_by_label(tmp_path):
    path = tmp_path / "kumu.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame(
            {
                "Label": ["Coop A", "Pôle"],
                "Type": ["entreprise", "réseau"],
                "Tags": ["food|coop", ""],
                "Description": ["a co-op", ""],
            }
        ).to_excel(book, sheet_name="Elements", index=False)
        pd.DataFrame(
            {"From": ["Coop A"], "To": ["Pôle"], "Type": ["membre de"], "Direction": ["directed"]}
        ).to_excel(book, sheet_name="Connections", index=False)
    checked = check_workbook([path])
    assert checked.problems == []
    by_name = {o["name"]: o for o in checked.organizations}
    assert by_name["Coop A"]["tags"] == "food|coop"
    assert by_name["Coop A"]["properties"] == {"Description": "a co-op"}
    (tie,) = checked.ties
    assert (tie["source"], tie["target"], tie["type"]) == (
        by_name["Coop A"]["id"],
        by_name["Pôle"]["id"],
        "member_of",
    )


def test_murmurations_profiles_follow_the_organizations_schema(graph):
    documents = profiles(*graph)
    for profile in documents:
        assert profile["linked_schemas"] == ["organizations_schema-v1.0.0"]
        assert profile["name"] and profile["primary_url"].startswith("http")
        for relationship in profile.get("relationships", []):
            assert relationship["predicate_url"].startswith("http")
            assert relationship["object_url"].startswith("http")
    ripess = next(p for p in documents if p["unique_id"] == "ripess")
    assert ripess["geolocation"] == {"lat": 49.61, "lon": 6.13}
    assert ripess["country_iso_3166"] == "LU"
    # Two organizations share a website, so neither may use it as its identity.
    assert ripess["primary_url"] != "https://www.ripess.org"
    coop = next(p for p in documents if p["unique_id"] == "coop-a")
    assert {r["predicate_url"] for r in coop["relationships"]} == {"https://schema.org/memberOf"}


def test_foreign_murmurations_profile(tmp_path):
    path = tmp_path / "open.json"
    path.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "linked_schemas": ["organizations_schema-v1.0.0"],
                        "name": "The Open Co-op",
                        "primary_url": "https://open.coop",
                        "country_iso_3166": "GB",
                        "geolocation": {"lat": 51.5, "lon": -0.1},
                        "tags": ["coop", "platform"],
                        "starts_at": 1262304000,
                        "relationships": [
                            {
                                "predicate_url": "https://schema.org/member",
                                "object_url": "https://www.ica.coop/",
                            }
                        ],
                    },
                    {
                        "linked_schemas": ["organizations_schema-v1.0.0"],
                        "name": "ICA",
                        "primary_url": "https://ica.coop",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    checked = check_workbook([path])
    assert checked.problems == []
    by_name = {o["name"]: o for o in checked.organizations}
    assert by_name["The Open Co-op"]["founded"] == 2010
    assert by_name["The Open Co-op"]["tags"] == "coop|platform"
    (tie,) = checked.ties
    assert (tie["source"], tie["target"], tie["type"]) == ("open-coop", "ica-coop", "member_of")


def test_node_link_from_networkx(tmp_path):
    import networkx as nx

    G = nx.Graph()
    G.add_node("a", name="A", type="network")
    G.add_node("b", name="B", type="enterprise", colour="red")
    G.add_edge("a", "b", type="partner")
    path = tmp_path / "nx.json"
    path.write_text(json.dumps(nx.node_link_data(G, edges="links")), encoding="utf-8")
    checked = check_workbook([path])
    assert checked.problems == []
    assert {o["id"]: o["properties"] for o in checked.organizations}["b"] == {"colour": "red"}


def test_node_link_problems_number_items_as_csv_rows(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "nodes": [
                    {"id": "a", "name": "A", "type": "network"},
                    {"id": "b", "type": "network"},
                ],
                "links": [],
            }
        ),
        encoding="utf-8",
    )
    with SQLiteStore(":memory:") as store, pytest.raises(InvalidInput) as raised:
        load_workbook([path], store)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}[nodes]:3: name: required value is missing"
    ]


def test_sea_standard_csv_loads_by_its_header(real_data):
    checked = check_workbook([real_data / "uk_worker_coops_2023-06-23.csv"])
    assert checked.problems == []
    assert len(checked.organizations) == 387
    first = next(o for o in checked.organizations if o["id"] == "R025671")
    assert first["type"] == "enterprise"
    assert first["properties"]["essglobal_organisational_structure"] == "OS50"
    assert first["properties"]["essglobal_primary_activity"] == "ICA280"
    assert first["founded"] == 2003


def test_readers_return_tables_validate_accepts(graph, tmp_path):
    for name, write in WRITERS.items():
        path = write(*graph, tmp_path / name)
        checked = validate(read_graph_file(path)) if path.suffix != ".xlsx" else None
        if checked is not None:
            assert checked.problems == [], name

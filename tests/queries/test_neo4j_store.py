"""The Neo4j store on a real server: graph model, safety, and parity with the embedded store.

The behaviour both stores share is in test_store_contract.py; this file checks what only
the Neo4j side has (labels, relationship types, the meta node, Bolt errors, server-side
rollback of a killed load) and compares whole frames with the embedded store.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from maillage.demo.synthetic import generate
from maillage.ground.tables import organizations_frame, ties_frame
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, ORGANIZATION_LABELS, TIE_RELATIONSHIPS
from maillage.loaders.problems import InvalidInput
from maillage.queries.neo4j_store import Neo4jStore
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery, StoreError
from maillage.services.loading import load_frames


def load(store, orgs, ties, source="tables"):
    return load_frames(store, orgs, ties, source=source)


pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]

HOSTILE = [
    "x'}) DETACH DELETE n //",
    'x"}) MATCH (m) DETACH DELETE m //',
    '"; DROP TABLE organizations; --',
    "back`tick` `Organization`",
    "two\nlines\r\nand a tab\t",
    "<script>alert(1)</script>",
    "emoji 🌱 and accents Éèà",
    "$rows {id} :Label",
]


def org(org_id: str, **fields) -> dict:
    return {
        "id": org_id,
        "name": fields.pop("name", org_id.upper()),
        "type": "enterprise",
        **fields,
    }


def tie(source: str, target: str, **fields) -> dict:
    return {"source": source, "target": target, "type": fields.pop("type", "partner"), **fields}


def small_graph() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        organizations_frame([
            org("a", region="06", properties={"colour": "green"}),
            org("b", type="network", region="06"),
            org("c", type="research", region="03"),
            org("d", region="03", visibility="members"),
            org("e", type="funder", visibility="private"),
        ]),
        ties_frame([
            tie("a", "b", type="member_of", since="2015-01-01"),
            tie("a", "c", since="2016-03-01", until="2020-12-31"),
            tie("c", "d", since="2018-01-01"),
            tie("e", "a", type="funds"),
        ]),
    )  # fmt: skip


def workbook(scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic Québec workbook, extra columns folded into ``properties``."""
    orgs, ties = generate(scale=scale)
    extra = [c for c in orgs.columns if c not in ORGANIZATION_COLUMNS]
    orgs = orgs.assign(properties=orgs[extra].to_dict(orient="records")).drop(columns=extra)
    return organizations_frame(orgs), ties_frame(ties)


def cypher_rows(driver, database, query: str, **parameters) -> list[dict]:
    """Read the graph behind the store's back."""
    records, _, _ = driver.execute_query(query, parameters, database_=database)
    return [record.data() for record in records]


def test_an_empty_database_has_the_empty_version_and_no_counts(neo4j_store):
    facts = neo4j_store.info()
    assert (facts.data_version, facts.organizations, facts.ties) == ("empty", 0, 0)
    assert facts.backend == "neo4j" and facts.location.startswith(os.environ["NEO4J_URI"])


def test_organizations_carry_their_type_label_and_a_type_change_swaps_it(
    neo4j_store, neo4j_driver, neo4j_database
):
    load(neo4j_store, *small_graph())
    load(neo4j_store, organizations_frame([org("a", type="funder")]), ties_frame([]))
    labels = {
        row["id"]: sorted(row["labels"])
        for row in cypher_rows(
            neo4j_driver,
            neo4j_database,
            "MATCH (o:Organization) RETURN o.id AS id, labels(o) AS labels",
        )
    }
    assert labels["a"] == ["Funder", "Organization"]
    assert labels["b"] == ["Network", "Organization"]
    assert neo4j_store.info().organizations_by_type == {
        "enterprise": 1, "funder": 2, "network": 1, "research": 1,
    }  # fmt: skip


def test_ties_are_relationships_of_the_tie_type_in_upper_case_and_keep_their_direction(
    neo4j_store, neo4j_driver, neo4j_database
):
    load(neo4j_store, *small_graph())
    rows = cypher_rows(
        neo4j_driver,
        neo4j_database,
        "MATCH (s)-[r]->(t) RETURN s.id AS s, type(r) AS rel, t.id AS t ORDER BY s, t",
    )
    assert [(r["s"], r["rel"], r["t"]) for r in rows] == [
        ("a", "MEMBER_OF", "b"), ("a", "PARTNER", "c"), ("c", "PARTNER", "d"), ("e", "FUNDS", "a"),
    ]  # fmt: skip


def test_one_meta_node_holds_the_totals_and_is_never_counted(
    neo4j_store, neo4j_driver, neo4j_database
):
    first = load(neo4j_store, *small_graph()).result.data_version
    second = load(neo4j_store, *small_graph()).result.data_version
    metas = cypher_rows(
        neo4j_driver, neo4j_database, "MATCH (m:MaillageMeta) RETURN m.rows AS rows"
    )
    assert len(metas) == 1 and first == second == f"{int(metas[0]['rows']):016x}"
    assert neo4j_store.data_version() == second
    assert neo4j_store.info().organizations == 5


def test_loading_twice_adds_no_node_and_no_relationship(neo4j_store, neo4j_driver, neo4j_database):
    count = "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r"
    load(neo4j_store, *small_graph())
    once = cypher_rows(neo4j_driver, neo4j_database, count)
    load(neo4j_store, *small_graph())
    # The organizations, the meta node and the source's node.
    assert cypher_rows(neo4j_driver, neo4j_database, count) == once == [{"n": 7, "r": 4}]


def test_a_reload_keeps_properties_left_empty_and_the_metrics(neo4j_store):
    load(neo4j_store, organizations_frame([org("a", sector="food", founded=2004)]), ties_frame([]))
    neo4j_store.write_metrics(pd.DataFrame({"degree": [3]}, index=["a"]))
    load(neo4j_store, organizations_frame([org("a", name="A renamed")]), ties_frame([]))
    everything, _ = neo4j_store.read_graph(GraphQuery(audience="private"))
    assert everything.loc[0, ["name", "sector", "founded"]].tolist() == ["A renamed", "food", 2004]
    assert neo4j_store.read_metrics().to_dict(orient="index") == {"a": {"degree": 3}}


def test_ties_with_and_without_since(neo4j_store):
    orgs = organizations_frame([org("a"), org("b")])
    load(neo4j_store, orgs, ties_frame([tie("a", "b"), tie("a", "b", since="2020-01-01")]))
    load(neo4j_store,
        orgs,
        ties_frame([
            tie("a", "b", weight=3),  # no since matches no since: updated
            tie("a", "b", since="2020-01-01", note="same"),  # same since: updated
            tie("b", "a"),  # the other direction: a tie of its own
        ]),
    )  # fmt: skip
    _, ties = neo4j_store.read_graph(GraphQuery(audience="private"))
    assert ties[["source", "target", "since", "weight", "note"]].values.tolist() == [
        ["a", "b", None, 3.0, None],
        ["a", "b", "2020-01-01", 1.0, "same"],
        ["b", "a", None, 1.0, None],
    ]


@pytest.mark.parametrize(
    ("audience", "expected_ties"),
    [
        ("public", [("a", "b"), ("a", "c")]),
        ("members", [("a", "b"), ("a", "c"), ("c", "d")]),
        ("private", [("a", "b"), ("a", "c"), ("c", "d"), ("e", "a")]),
    ],
)
def test_a_tie_is_seen_only_with_both_ends(neo4j_store, audience, expected_ties):
    load(neo4j_store, *small_graph())
    _, ties = neo4j_store.read_graph(GraphQuery(audience=audience))
    assert list(zip(ties["source"], ties["target"], strict=True)) == expected_ties


def test_a_hidden_tie_between_visible_ends_stays_hidden(neo4j_store):
    orgs = organizations_frame([org("a"), org("b")])
    load(neo4j_store, orgs, ties_frame([tie("a", "b", visibility="private")]))
    seen_orgs, ties = neo4j_store.read_graph(GraphQuery(audience="members"))
    assert list(seen_orgs["id"]) == ["a", "b"] and ties.empty


@pytest.mark.parametrize(
    ("as_of", "expected_since"),
    [
        (dt.date(2015, 12, 31), [None]),  # before `since`: only the undated tie
        (dt.date(2016, 1, 1), [None, "2016-01-01"]),  # the first day counts
        (dt.date(2020, 12, 31), [None, "2016-01-01"]),  # the last day counts
        (dt.date(2021, 1, 1), [None]),
    ],
)
def test_as_of_bounds_are_inclusive(neo4j_store, as_of, expected_since):
    load(
        neo4j_store,
        organizations_frame([org("a"), org("b")]),
        ties_frame([tie("a", "b", since="2016-01-01", until="2020-12-31"), tie("a", "b")]),
    )
    _, ties = neo4j_store.read_graph(GraphQuery(audience="public", as_of=as_of))
    assert ties["since"].tolist() == expected_since


def test_ego_hops(neo4j_store):
    chain = [org(x) for x in "abcde"]
    links = [tie(x, y) for x, y in ("ab", "bc", "cd", "de")]
    load(neo4j_store, organizations_frame(chain), ties_frame(links))
    reached = {
        hops: "".join(neo4j_store.read_graph(GraphQuery(focus="c", hops=hops))[0]["id"])
        for hops in (0, 1, 2, 5)
    }
    assert reached == {0: "c", 1: "bcd", 2: "abcde", 5: "abcde"}
    unknown, unknown_ties = neo4j_store.read_graph(GraphQuery(focus="zzz", hops=3))
    assert unknown.empty and unknown_ties.empty


def test_ego_walks_only_the_ties_the_query_sees(neo4j_store):
    load(neo4j_store,
        organizations_frame([org("a"), org("b"), org("c"), org("d", type="funder")]),
        ties_frame([
            tie("a", "b", visibility="members"),
            tie("a", "c", since="2030-01-01"),
            tie("a", "d", type="funds"),
        ]),
    )  # fmt: skip
    query = GraphQuery(
        audience="public", as_of=dt.date(2025, 1, 1), tie_types=("partner", "member_of"),
        focus="a", hops=3,
    )  # fmt: skip
    seen, ties = neo4j_store.read_graph(query)
    assert list(seen["id"]) == ["a"] and ties.empty


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_round_trip_and_touch_nothing_else(
    neo4j_store, neo4j_driver, neo4j_database, hostile
):
    load(neo4j_store, *small_graph())
    load(neo4j_store,
        organizations_frame([
            org(hostile, name=hostile, region=hostile, sector=hostile,
                properties={hostile: [hostile]}),
        ]),
        ties_frame([tie(hostile, "a", note=hostile, since=hostile, source_ref=hostile)]),
    )  # fmt: skip
    facts = neo4j_store.info()
    assert (facts.organizations, facts.ties) == (6, 5)
    seen, ties = neo4j_store.read_graph(GraphQuery(audience="private", focus=hostile, hops=0))
    assert seen.loc[0, ["id", "name", "sector"]].tolist() == [hostile] * 3
    assert seen.loc[0, "properties"] == {hostile: [hostile]}
    _, ties = neo4j_store.read_graph(GraphQuery(audience="private", focus=hostile))
    assert ties[["source", "note", "since", "source_ref"]].values.tolist() == [[hostile] * 4]
    assert neo4j_store.existing_ids([hostile, "a"]) == {hostile, "a"}
    # Hostile filters are values, never syntax: they match nothing and break nothing.
    for query in (
        GraphQuery(focus=hostile + "x"),
        GraphQuery(tie_types=(hostile,), audience="private"),
    ):
        _, found_ties = neo4j_store.read_graph(query)
        assert found_ties.empty
    labels = {r["label"] for r in cypher_rows(neo4j_driver, neo4j_database, "CALL db.labels()")}
    ours = {"Organization", "MaillageMeta", "MaillageSource", "MaillageKey", "MaillageDecision"}
    assert labels <= ours | set(ORGANIZATION_LABELS.values())
    types = {
        r["relationshipType"]
        for r in cypher_rows(neo4j_driver, neo4j_database, "CALL db.relationshipTypes()")
    }
    assert types <= set(TIE_RELATIONSHIPS.values())
    constraints = cypher_rows(neo4j_driver, neo4j_database, "SHOW CONSTRAINTS YIELD name")
    assert {"name": "maillage_organization_id"} in constraints


def test_a_tie_to_an_unknown_organization_is_refused_and_named(neo4j_store):
    load(neo4j_store, *small_graph())
    before = neo4j_store.info()
    with pytest.raises(InvalidInput, match="ghost") as refused:
        load(
            neo4j_store,
            organizations_frame([org("new"), org("a", name="renamed")]),
            ties_frame([tie("new", "a"), tie("new", "ghost")]),
        )
    assert "nothing loaded" in str(refused.value)
    assert neo4j_store.info() == before
    seen, _ = neo4j_store.read_graph(GraphQuery(audience="private"))
    assert "new" not in set(seen["id"]) and seen.set_index("id").loc["a", "name"] == "A"


def test_an_unknown_tie_type_is_refused_before_anything_is_sent(neo4j_store):
    load(neo4j_store, *small_graph())
    before = neo4j_store.info()
    with pytest.raises(StoreError, match="unknown tie type 'LIKES'"):
        load(neo4j_store, organizations_frame([]), ties_frame([tie("a", "b", type="LIKES")]))
    assert neo4j_store.info() == before


def test_metrics_are_properties_named_for_bloom_and_a_new_write_replaces_them(
    neo4j_store, neo4j_driver, neo4j_database
):
    load(neo4j_store, *small_graph())
    before = neo4j_store.data_version()
    first = pd.DataFrame(
        {"betweenness": [0.5, float("nan")], "community": [1, 2], "broker_role": ["liaison", None]},
        index=["a", "b"],
    )
    assert neo4j_store.write_metrics(first) == 2
    assert neo4j_store.data_version() != before
    stored = cypher_rows(
        neo4j_driver,
        neo4j_database,
        "MATCH (o:Organization {id: 'a'}) RETURN o.maillage_betweenness AS b, "
        "o.maillage_community AS c, o.maillage_broker_role AS role",
    )
    assert stored == [{"b": 0.5, "c": 1, "role": "liaison"}]
    second = pd.DataFrame({"pagerank": [0.1]}, index=["a"])
    neo4j_store.write_metrics(second)
    metrics = neo4j_store.read_metrics()
    assert metrics.loc["a"].dropna().to_dict() == {"pagerank": 0.1}
    assert metrics.loc["b"].dropna().to_dict() == {"community": 2}  # b was not rewritten
    assert neo4j_store.write_metrics(pd.DataFrame({"degree": [1]}, index=["ghost"])) == 1
    assert neo4j_store.info().organizations == 5


def test_from_env_needs_a_uri():
    with pytest.raises(StoreError, match="NEO4J_URI is not set"):
        Neo4jStore.from_env({})


def test_wrong_password_is_a_store_error_naming_the_settings(neo4j_driver):
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore(os.environ["NEO4J_URI"], user="neo4j", password="not the password")


def test_an_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        Neo4jStore("bolt://127.0.0.1:9", user="neo4j", password="x")


QUERIES = [
    GraphQuery(audience="public"),
    GraphQuery(audience="members"),
    GraphQuery(audience="private"),
    GraphQuery(audience="members", as_of=dt.date(2015, 6, 1)),
    GraphQuery(audience="members", tie_types=("member_of", "funds")),
    GraphQuery(audience="public", focus="chantier-es", hops=1),
    GraphQuery(audience="private", focus="chantier-es", hops=2, tie_types=("partner", "member_of")),
    GraphQuery(audience="members", focus="chantier-es", hops=2, as_of=dt.date(2020, 1, 1)),
]


@pytest.fixture(scope="module")
def sample_workbook() -> tuple[pd.DataFrame, pd.DataFrame]:
    return workbook(scale=0.05)


def test_same_frames_as_the_embedded_store(neo4j_store, sample_workbook):
    embedded = SQLiteStore(":memory:")
    try:
        for store in (embedded, neo4j_store):
            load(store, *sample_workbook)
        assert neo4j_store.info().organizations_by_type == embedded.info().organizations_by_type
        assert neo4j_store.info().ties_by_type == embedded.info().ties_by_type
        for query in QUERIES:
            for ours, theirs in zip(
                neo4j_store.read_graph(query), embedded.read_graph(query), strict=True
            ):
                pd.testing.assert_frame_equal(ours, theirs, obj=repr(query))
    finally:
        embedded.close()


@pytest.mark.slow
def test_quebec_scale_loads_in_one_transaction_and_reloads_cheaply(neo4j_store, neo4j_report):
    orgs, ties = workbook(scale=1.0)
    assert len(orgs) > 15_000 and len(ties) > 60_000
    started = time.monotonic()
    load(neo4j_store, orgs, ties)
    first = time.monotonic() - started
    facts = neo4j_store.info()
    assert (facts.organizations, facts.ties) == (len(orgs), len(ties))
    started = time.monotonic()
    load(neo4j_store, orgs, ties)
    again = time.monotonic() - started
    assert neo4j_store.info().ties_by_type == facts.ties_by_type
    neo4j_report(
        f"Québec scale ({len(orgs):,} organizations, {len(ties):,} ties): first load "
        f"{first:.1f} s ({len(ties) / first:,.0f} ties/s), same tables again {again:.1f} s"
    )


@pytest.mark.slow
def test_readers_see_a_load_whole_or_not_at_all(neo4j_store):
    import threading

    orgs, ties = workbook(scale=0.3)
    small_orgs, small_ties = orgs.iloc[:100], ties.iloc[:0]
    load(neo4j_store, small_orgs, small_ties)
    before = (len(small_orgs), 0)
    after = (len(orgs), len(ties))
    failures: list[BaseException] = []

    def write_all() -> None:
        with Neo4jStore.from_env() as writer:
            try:
                load(writer, orgs, ties)
            except BaseException as error:
                failures.append(error)

    writer = threading.Thread(target=write_all)
    writer.start()
    seen = set()
    while writer.is_alive():
        everything, all_ties = neo4j_store.read_graph(GraphQuery(audience="private"))
        facts = neo4j_store.info()
        seen.add((len(everything), len(all_ties)))
        seen.add((facts.organizations, facts.ties))
    writer.join()
    assert not failures
    assert before in seen  # reads ran while the load did
    assert seen <= {before, after}, seen
    assert (neo4j_store.info().organizations, neo4j_store.info().ties) == after


# A load killed mid-way: tests/queries/test_neo4j_faults.py (SIGKILL at 10 seeded points).

"""One contract, two stores: the embedded file and a real Neo4j server answer alike."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pandas as pd
import pytest

from maillage.ground.tables import organizations_frame, ties_frame
from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES, VISIBILITIES
from maillage.loaders.problems import InvalidInput
from maillage.queries.sqlite_store import SQLiteStore
from maillage.queries.store import GraphQuery
from maillage.services.duplicates import merge
from maillage.services.loading import load_frames
from maillage.services.views import BadRequest

HOSTILE = [
    "x'}) DETACH DELETE n //",
    '"; DROP TABLE organizations; --',
    "back`tick`",
    "two\nlines",
    "<script>alert(1)</script>",
    "emoji 🌱 and accents Éèà",
]


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    if request.param == "embedded":
        embedded = SQLiteStore(str(tmp_path / "contract.db"))
        yield embedded
        embedded.close()
    else:
        yield request.getfixturevalue("neo4j_store")


def orgs(*rows: dict) -> pd.DataFrame:
    return organizations_frame(list(rows))


def ties(*rows: dict) -> pd.DataFrame:
    return ties_frame(list(rows))


def org(org_id: str, **fields) -> dict:
    return {
        "id": org_id,
        "name": fields.pop("name", org_id.upper()),
        "type": "enterprise",
        **fields,
    }


def tie(source: str, target: str, **fields) -> dict:
    return {"source": source, "target": target, "type": fields.pop("type", "partner"), **fields}


ECOSYSTEM = (
    orgs(
        org("a", region="06", sector="alimentation", founded=2004, lat=45.5, lon=-73.6,
            tags="food|coop", properties={"colour": "green", "synthetic": "false"}),
        org("b", type="network", region="06"),
        org("c", type="research", region="03"),
        org("d", region="03", visibility="members"),
        org("e", type="funder", visibility="private"),
        org("f", type="international_partner", country="FR"),
    ),
    ties(
        tie("a", "b", type="member_of", since="2015-01-01"),
        tie("a", "c", since="2016-03-01", until="2020-12-31", weight=2.0),
        tie("c", "d", since="2018-01-01"),
        tie("e", "a", type="funds", since="2019-01-01"),
        tie("b", "f", type="member_of", note="public tie, public ends"),
        tie("b", "c", visibility="members", note="members-only tie"),
    ),
)  # fmt: skip


def load(store, orgs_, ties_, source="tables"):
    return load_frames(store, orgs_, ties_, source=source)


def loaded(store):
    load(store, *ECOSYSTEM)
    return store


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["id"])


def pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["source"], frame["target"], strict=True))


def test_load_counts_by_type(store):
    loaded(store)
    facts = store.info()
    assert dict(facts.organizations_by_type) == {
        "enterprise": 2, "funder": 1, "international_partner": 1, "network": 1, "research": 1,
    }  # fmt: skip
    assert dict(facts.ties_by_type) == {"funds": 1, "member_of": 2, "partner": 3}
    assert facts.backend == store.backend


def test_loading_the_same_tables_twice_changes_nothing_not_even_the_version(store):
    first = loaded(store).info()
    before = store.read_graph(GraphQuery(audience="private"))
    second = loaded(store).info()
    assert first == second
    after = store.read_graph(GraphQuery(audience="private"))
    assert after[0].equals(before[0]) and after[1].equals(before[1])


def test_organizations_are_upserted_by_id(store):
    loaded(store)
    load(store, orgs(org("a", name="A renamed", type="network", region="05")), ties())
    everything, _ = store.read_graph(GraphQuery(audience="private"))
    row = everything.set_index("id").loc["a"]
    assert (row["name"], row["type"], row["region"]) == ("A renamed", "network", "05")
    assert store.info().organizations == 6
    assert store.info().organizations_by_type["network"] == 2


def test_ties_are_identified_by_source_target_type_and_since(store):
    loaded(store)
    load(
        store,
        orgs(),
        ties(
            tie("a", "c", since="2016-03-01", weight=5.0),  # same identity: updated
            tie("a", "c", since="2021-01-01"),  # new since: a second tie
            tie("b", "f", type="member_of", note="updated"),  # missing since matches missing
            tie("b", "f", type="partner"),  # other type: a new tie
        ),
    )
    _, all_ties = store.read_graph(GraphQuery(audience="private"))
    a_c = all_ties[(all_ties["source"] == "a") & (all_ties["target"] == "c")]
    assert a_c["since"].tolist() == ["2016-03-01", "2021-01-01"]
    assert a_c["weight"].tolist() == [5.0, 1.0]
    b_f = all_ties[(all_ties["source"] == "b") & (all_ties["target"] == "f")]
    assert b_f[["type", "note"]].values.tolist() == [["member_of", "updated"], ["partner", None]]
    assert store.info().ties == 8


def test_a_refused_load_leaves_the_store_exactly_as_before(store):
    loaded(store)
    before = store.info()
    before_graph = store.read_graph(GraphQuery(audience="private"))
    with pytest.raises(InvalidInput, match="unknown organization 'ghost'"):
        load(store, orgs(org("new")), ties(tie("new", "ghost")))
    after = store.info()
    assert (after.organizations_by_type, after.ties_by_type, after.data_version) == (
        before.organizations_by_type, before.ties_by_type, before.data_version,
    )  # fmt: skip
    after_graph = store.read_graph(GraphQuery(audience="private"))
    assert after_graph[0].equals(before_graph[0]) and after_graph[1].equals(before_graph[1])


def test_existing_ids(store):
    loaded(store)
    assert store.existing_ids(["a", "e", "zzz"]) == {"a", "e"}
    assert store.existing_ids([]) == set()


@pytest.mark.parametrize(
    ("audience", "expected_orgs", "expected_ties"),
    [
        ("public", ["a", "b", "c", "f"], [("a", "b"), ("a", "c"), ("b", "f")]),
        ("members", ["a", "b", "c", "d", "f"],
         [("a", "b"), ("a", "c"), ("b", "c"), ("b", "f"), ("c", "d")]),
        ("private", ["a", "b", "c", "d", "e", "f"],
         [("a", "b"), ("a", "c"), ("b", "c"), ("b", "f"), ("c", "d"), ("e", "a")]),
    ],
)  # fmt: skip
def test_an_audience_sees_only_what_is_at_or_below_its_level(
    store, audience, expected_orgs, expected_ties
):
    loaded(store)
    seen_orgs, seen_ties = store.read_graph(GraphQuery(audience=audience))
    assert ids(seen_orgs) == expected_orgs
    assert pairs(seen_ties) == expected_ties


def test_as_of_keeps_ties_whose_dates_span_it(store):
    loaded(store)
    _, in_2017 = store.read_graph(GraphQuery(audience="private", as_of=dt.date(2017, 6, 1)))
    assert pairs(in_2017) == [("a", "b"), ("a", "c"), ("b", "c"), ("b", "f")]
    _, in_2022 = store.read_graph(GraphQuery(audience="private", as_of=dt.date(2022, 1, 1)))
    assert pairs(in_2022) == [("a", "b"), ("b", "c"), ("b", "f"), ("c", "d"), ("e", "a")]


def test_filters_by_tie_type(store):
    loaded(store)
    _, memberships = store.read_graph(GraphQuery(audience="private", tie_types=("member_of",)))
    assert pairs(memberships) == [("a", "b"), ("b", "f")]
    everyone, none = store.read_graph(GraphQuery(audience="private", tie_types=()))
    assert len(everyone) == 6 and none.empty


def test_focus_keeps_the_neighbourhood_within_hops(store):
    loaded(store)
    one, one_ties = store.read_graph(GraphQuery(audience="public", focus="a", hops=1))
    assert ids(one) == ["a", "b", "c"] and pairs(one_ties) == [("a", "b"), ("a", "c")]
    two, _ = store.read_graph(GraphQuery(audience="public", focus="a", hops=2))
    assert ids(two) == ["a", "b", "c", "f"]
    hidden, _ = store.read_graph(GraphQuery(audience="public", focus="e", hops=2))
    assert hidden.empty


def test_read_frames_have_the_canonical_shape_and_values(store):
    loaded(store)
    seen_orgs, seen_ties = store.read_graph(GraphQuery(audience="private"))
    assert seen_orgs.equals(organizations_frame(seen_orgs))
    assert seen_ties.equals(ties_frame(seen_ties))
    a = seen_orgs.set_index("id").loc["a"]
    assert (a["founded"], a["lat"], a["lon"], a["tags"]) == (2004, 45.5, -73.6, "food|coop")
    assert a["properties"] == {"colour": "green", "synthetic": "false"}
    assert a["country"] == "CA" and seen_orgs.set_index("id").loc["f", "country"] == "FR"
    weights = dict(zip(pairs(seen_ties), seen_ties["weight"], strict=True))
    assert weights[("a", "c")] == 2.0 and weights[("a", "b")] == 1.0


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_ids_and_names_round_trip_and_delete_nothing(store, hostile):
    loaded(store)
    load(
        store,
        orgs(org(hostile, name=hostile, properties={hostile: hostile}), org("g", name=hostile)),
        ties(tie(hostile, "a", note=hostile, since="2020-01-01"), tie("g", hostile)),
        source=hostile,
    )
    seen_orgs, seen_ties = store.read_graph(GraphQuery(audience="private"))
    assert store.info().organizations == 8 and store.info().ties == 8
    row = seen_orgs.set_index("id").loc[hostile]
    assert row["name"] == hostile and row["properties"] == {hostile: hostile}
    assert hostile in set(seen_ties["note"].dropna())
    assert store.existing_ids([hostile]) == {hostile}
    focused, _ = store.read_graph(GraphQuery(audience="private", focus=hostile, hops=1))
    assert ids(focused) == sorted(["a", "g", hostile])


def test_write_metrics_is_kept_and_changes_the_version(store):
    loaded(store)
    before = store.data_version()
    metrics = pd.DataFrame({"betweenness": [0.5, 0.25], "community": [1, 2]}, index=["a", "b"])
    assert store.write_metrics(metrics) == 2
    assert store.data_version() != before
    assert store.info().organizations == 6


def test_a_merge_moves_every_tie_to_the_kept_organization_in_one_write(store):
    loaded(store)
    merge(store, "a", ["c"])
    everything, all_ties = store.read_graph(GraphQuery(audience="private"))
    assert "c" not in set(everything["id"])
    # a-c joined a to itself: dropped; c-d and b-c now start at a.
    assert pairs(all_ties) == [("a", "b"), ("a", "d"), ("b", "a"), ("b", "f"), ("e", "a")]
    assert store.info().organizations == 5


def test_a_refused_merge_changes_nothing(store):
    loaded(store)
    before = store.info()
    with pytest.raises(BadRequest):
        merge(store, "a", ["c", "ghost"])
    assert store.info() == before


def random_ecosystem(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forty organizations and about a hundred ties with every filtered value varied."""
    rng = random.Random(seed)
    ids_ = [f"o{i:02d}" for i in range(40)]
    dates = [None, "2015-01-01", "2019-06-30", "2023-03-01"]
    members = [
        org(org_id, type=rng.choice(ORGANIZATION_TYPES), region=rng.choice(["03", "06", "16"]),
            visibility=rng.choice(VISIBILITIES))
        for org_id in ids_
    ]  # fmt: skip
    links = {}
    while len(links) < 100:
        source, target = rng.sample(ids_, 2)
        kind = rng.choice(TIE_TYPES)
        links[(source, target, kind)] = tie(
            source, target, type=kind, visibility=rng.choice(VISIBILITIES),
            since=rng.choice(dates), until=rng.choice([None, "2021-12-31", "2025-01-01"]),
        )  # fmt: skip
    return orgs(*members), ties(*links.values())


def test_ego_reads_are_the_neighbourhoods_of_the_filtered_graph(store):
    """Around any focus, with any filters: the organizations within ``hops`` ties of the
    focus in the graph those filters read whole, and the ties among them."""
    load(store, *random_ecosystem(seed=5))
    rng = random.Random(11)
    for _ in range(30):
        maybe = lambda values: None if rng.random() < 0.5 else tuple(rng.sample(values, 2))  # noqa: E731
        query = GraphQuery(
            audience=rng.choice(["public", "members", "private"]),
            tie_types=maybe(TIE_TYPES),
            as_of=rng.choice([None, dt.date(2018, 1, 1), dt.date(2024, 1, 1)]),
        )
        whole_orgs, whole_ties = store.read_graph(query)
        focus = rng.choice([f"o{i:02d}" for i in range(40)])
        hops = rng.randint(0, 3)
        reached = set()
        if focus in set(whole_orgs["id"]):
            reached, frontier = {focus}, {focus}
            for _ in range(hops):
                frontier = {
                    end
                    for pair in zip(whole_ties["source"], whole_ties["target"], strict=True)
                    if set(pair) & frontier
                    for end in pair
                } - reached
                reached |= frontier
        ego_orgs, ego_ties = store.read_graph(replace(query, focus=focus, hops=hops))
        expected_orgs = whole_orgs[whole_orgs["id"].isin(reached)].reset_index(drop=True)
        inside = whole_ties["source"].isin(reached) & whole_ties["target"].isin(reached)
        pd.testing.assert_frame_equal(ego_orgs, expected_orgs)
        pd.testing.assert_frame_equal(ego_ties, whole_ties[inside].reset_index(drop=True))

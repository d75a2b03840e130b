from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from maillage.ground.tables import organizations_frame, ties_frame
from maillage.loaders.duplicates import (
    Record,
    candidate_pairs,
    evaluate,
    labelled_pairs,
    merge_plan,
    normalize_name,
    pair_score,
    records,
    suggest_duplicates,
    website_domain,
)


@pytest.fixture(scope="module")
def pairs(request):
    from pathlib import Path

    path = Path(request.path).parent / "fixtures" / "duplicate_pairs.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["label"] = table["label"].astype(int)
    return table


def test_labelled_pairs_reach_precision_and_recall(pairs):
    assert len(pairs) >= 100 and pairs["label"].nunique() == 2
    scores = evaluate(labelled_pairs(pairs))
    print(
        f"\nduplicates on {len(pairs)} labelled pairs: precision {scores['precision']:.3f}, "
        f"recall {scores['recall']:.3f} (tp {scores['tp']}, fp {scores['fp']}, "
        f"fn {scores['fn']}, tn {scores['tn']})"
    )
    assert scores["precision"] >= 0.9
    assert scores["recall"] >= 0.9


def test_every_labelled_pair_is_a_candidate_of_blocking(pairs):
    # Blocking must not hide true duplicates the scorer would find.
    for a, b, label in labelled_pairs(pairs):
        if label and pair_score(a, b)[0] >= 0.85:
            assert (0, 1) in candidate_pairs([a, b]), (a.name, b.name)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Coopérative de solidarité Le Chantier", "Le Chantier coop"),
        ("HARVEST WORKERS' CO-OP LTD", "Harvest Workers' Co-op"),
        ("Café l'Itinéraire inc.", "Cafe Itineraire"),
        ("Boulangerie Coop du Plateau Ltée", "Boulangerie coopérative du Plateau"),
        ("Marche Solidaire Frontenac OBNL", "Marché solidaire Frontenac"),
        ("Transition By Design Cooperative CIC", "Transition By Design Cooperative"),
    ],
)
def test_legal_forms_and_accents_do_not_matter(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_registry_number_decides():
    a = Record("1", "Coop A", registry="1140000001")
    b = Record("2", "Totally other name", registry="1140000001")
    assert pair_score(a, b) == (1.0, ["same registry number 1140000001"])


def test_shared_social_sites_are_no_evidence():
    assert website_domain("https://www.facebook.com/coopa") is None
    a = Record("1", "Coop A", website="https://facebook.com/coopa")
    b = Record("2", "Atelier B", website="https://facebook.com/atelierb")
    assert pair_score(a, b)[0] < 0.5


def test_suggestions_use_neq_city_and_domain():
    orgs = organizations_frame(
        [
            {
                "id": "1",
                "name": "Insertech Angus",
                "type": "enterprise",
                "city": "Montréal",
                "website": "https://insertech.ca",
            },
            {
                "id": "2",
                "name": "Insertech Angus inc.",
                "type": "enterprise",
                "city": "Montreal",
                "website": "http://www.insertech.ca/",
            },
            {
                "id": "3",
                "name": "Le Chaînon",
                "type": "community_group",
                "city": "Montréal",
                "properties": {"neq": "1143-000-111"},
            },
            {
                "id": "4",
                "name": "Refuge pour femmes",
                "type": "community_group",
                "properties": {"NEQ": "1143000111"},
            },
            {"id": "5", "name": "Insertech Montérégie", "type": "enterprise", "city": "Longueuil"},
        ]
    )
    found = suggest_duplicates(orgs)
    assert found[["left", "right"]].values.tolist() == [["1", "2"], ["3", "4"]]
    assert "same website domain insertech.ca" in found.loc[0, "evidence"]
    assert "same registry number" in found.loc[1, "evidence"]


def test_blocking_keeps_15000_organizations_fast():
    rng = np.random.default_rng(6)
    words = [f"{a}{b}" for a in "bcdfghjklmnprstv" for b in ("ara", "elo", "imu", "onde", "ux")]
    kinds = ["Coop", "Coopérative de solidarité", "Centre", "Atelier", "Ressourcerie", ""]
    cities = ["Montréal", "Laval", "Québec", "Gatineau", "Sherbrooke", "Lévis", "Rimouski"]
    names = [
        f"{kinds[i % len(kinds)]} {' '.join(rng.choice(words, 3))} {i % 97}".strip()
        for i in range(15_000)
    ]
    orgs = pd.DataFrame(
        {"id": [f"o{i}" for i in range(15_000)], "name": names, "city": rng.choice(cities, 15_000)}
    )
    orgs.loc[14_999, ["name", "city"]] = [names[7] + " inc.", orgs.loc[7, "city"]]
    started = time.perf_counter()
    found = suggest_duplicates(orgs)
    elapsed = time.perf_counter() - started
    pairs = candidate_pairs(records(organizations_frame(orgs.assign(type="enterprise"))))
    print(f"\n15,000 organizations: {len(pairs):,} candidate pairs, {elapsed:.1f} s")
    assert ["o14999", "o7"] in found[["left", "right"]].values.tolist()
    assert len(pairs) < 15_000 * 200  # far from the 112 million of all pairs
    assert elapsed < 60


def merge_fixture():
    orgs = organizations_frame(
        [
            {
                "id": "keep",
                "name": "Coop A",
                "type": "enterprise",
                "tags": "food",
                "properties": {"source": "pole"},
            },
            {
                "id": "dup",
                "name": "Coop A inc.",
                "type": "enterprise",
                "city": "Laval",
                "website": "https://coopa.ca",
                "tags": "food|coop",
                "properties": {"source": "registre", "neq": "1140000001"},
            },
            {"id": "net", "name": "Réseau", "type": "network"},
            {"id": "fund", "name": "Fonds", "type": "funder"},
        ]
    )
    ties = ties_frame(
        [
            {"source": "keep", "target": "net", "type": "member_of", "since": "2015-01-01"},
            {"source": "dup", "target": "net", "type": "member_of", "since": "2015-01-01"},
            {"source": "dup", "target": "net", "type": "member_of", "since": "2020-01-01"},
            {"source": "fund", "target": "dup", "type": "funds", "weight": 3.0},
            {"source": "dup", "target": "keep", "type": "partner"},
        ]
    )
    return orgs, ties


def test_merge_plan_keeps_every_tie_and_records_the_merge():
    orgs, ties = merge_fixture()
    before = (orgs.copy(deep=True), ties.copy(deep=True))
    upsert_orgs, upsert_ties, delete = merge_plan(orgs, ties, "keep", ["dup"])
    pd.testing.assert_frame_equal(orgs, before[0])
    pd.testing.assert_frame_equal(ties, before[1])
    assert delete == ["dup"]
    (kept,) = upsert_orgs.to_dict(orient="records")
    assert kept["id"] == "keep" and kept["name"] == "Coop A"
    assert kept["city"] == "Laval" and kept["website"] == "https://coopa.ca"
    assert kept["tags"] == "food|coop"
    assert kept["properties"] == {"source": "pole", "neq": "1140000001", "merged_from": "dup"}
    moved = {
        (t["source"], t["target"], t["type"], t["since"])
        for t in upsert_ties.to_dict(orient="records")
    }
    # The 2015 membership already exists on "keep"; the self-partnership disappears.
    assert moved == {("keep", "net", "member_of", "2020-01-01"), ("fund", "keep", "funds", None)}
    funds = upsert_ties[upsert_ties["type"] == "funds"].iloc[0]
    assert funds["weight"] == 3.0 and funds["properties"]["merged_ties"] == "fund->dup"


def test_merge_plan_combines_ties_that_become_one():
    orgs = organizations_frame(
        [{"id": i, "name": i, "type": "enterprise"} for i in ("k", "d1", "d2", "n")]
    )
    ties = ties_frame(
        [
            {"source": "d1", "target": "n", "type": "partner", "weight": 2.0},
            {"source": "d2", "target": "n", "type": "partner", "weight": 5.0},
        ]
    )
    _, upsert_ties, delete = merge_plan(orgs, ties, "k", ["d1", "d2", "k"])
    assert delete == ["d1", "d2"]
    (tie,) = upsert_ties.to_dict(orient="records")
    assert (tie["source"], tie["target"], tie["weight"]) == ("k", "n", 5.0)
    assert tie["properties"]["merged_ties"] == "d1->n|d2->n"


def test_merge_plan_refuses_unknown_ids():
    orgs, ties = merge_fixture()
    with pytest.raises(ValueError, match="unknown organization ids: ghost"):
        merge_plan(orgs, ties, "keep", ["ghost"])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

names = st.text(alphabet="abcéÉ -'.&()Coopinc", max_size=25)


@settings(max_examples=300, deadline=None)
@given(names, names, st.sampled_from(["", "Montréal", "Laval"]), st.sampled_from(["", "Laval"]))
def test_pair_score_is_symmetric_and_in_range(a, b, city_a, city_b):
    left, right = Record("1", a, city_a), Record("2", b, city_b)
    score = pair_score(left, right)[0]
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(pair_score(right, left)[0])


@settings(max_examples=300, deadline=None)
@given(names)
def test_normalizing_twice_changes_nothing_and_a_name_matches_itself(name):
    assert normalize_name(normalize_name(name)) == normalize_name(normalize_name(name))
    if normalize_name(name):
        assert pair_score(Record("1", name), Record("2", name))[0] == 1.0
    else:
        assert pair_score(Record("1", name), Record("2", name))[0] == 0.0


ids = st.sampled_from(["a", "b", "c", "d"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(ids, ids, st.sampled_from(["partner", "member_of"])), max_size=12),
    st.lists(ids, min_size=1, max_size=3),
)
def test_merge_plan_never_points_at_a_dropped_id(edges, drop):
    orgs = organizations_frame([{"id": i, "name": i, "type": "enterprise"} for i in "abcd"])
    ties = ties_frame(
        [{"source": s, "target": t, "type": k} for s, t, k in dict.fromkeys(edges) if s != t]
    )
    before = ties.copy(deep=True)
    _, moved, deleted = merge_plan(orgs, ties, "a", drop)
    pd.testing.assert_frame_equal(ties, before)
    assert set(deleted) == set(drop) - {"a"}
    assert not (set(moved["source"]) | set(moved["target"])) & set(deleted)
    assert (moved["source"] != moved["target"]).all()
    assert len(moved) <= len(ties)

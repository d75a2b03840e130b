import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import alliance_graph, directed_ties_graph, node_order, ties_active_at
from maillage.ground.vocabulary import DIRECTED_TIE_TYPES

from .conftest import workbooks


def test_alliance_graph_merges_ties_and_keeps_isolated_orgs():
    orgs = pd.DataFrame(
        {"id": ["c", "a", "b", "z"], "type": ["funder", "enterprise", "network", "research"]}
    )
    ties = pd.DataFrame(
        {
            "source": ["a", "b", "a", "c"],
            "target": ["b", "a", "a", "a"],
            "type": ["member_of", "partner", "partner", "funds"],
            "weight": [2.0, 3.0, 1.0, 1.0],
        }
    )
    G = alliance_graph(orgs, ties, weighted=True)
    assert list(G) == ["a", "b", "c", "z"]
    assert G.number_of_edges() == 2  # the self-tie a–a is dropped
    assert G.edges["a", "b"]["weight"] == 5.0
    assert G.edges["a", "b"]["ties"] == 2
    assert G.degree("z") == 0
    unweighted = alliance_graph(orgs, ties)
    assert unweighted.edges["a", "b"]["weight"] == 1.0
    assert unweighted.edges["a", "b"]["tie_weight"] == 5.0


def test_alliance_graph_rejects_unknown_organization():
    orgs = pd.DataFrame({"id": ["a"]})
    ties = pd.DataFrame({"source": ["a"], "target": ["ghost"], "type": ["partner"]})
    with pytest.raises(ValueError, match="ghost"):
        alliance_graph(orgs, ties)


def test_directed_view_follows_tie_types():
    orgs = pd.DataFrame({"id": ["a", "b", "c", "d"]})
    ties = pd.DataFrame(
        {
            "source": ["a", "c", "d"],
            "target": ["b", "b", "c"],
            "type": ["funds", "partner", "represents"],
        }
    )
    D = directed_ties_graph(alliance_graph(orgs, ties))
    assert set(D.edges()) == {("a", "b"), ("c", "b"), ("b", "c"), ("d", "c")}


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2009-12-31", ["always"]),
        ("2010-01-01", ["always", "closed"]),
        ("2015-12-31", ["always", "closed"]),
        ("2016-01-01", ["always"]),
        (dt.date(2020, 1, 1), ["always", "recent"]),
    ],
)
def test_ties_active_at_includes_both_ends(date, expected):
    ties = pd.DataFrame(
        {
            "note": ["always", "closed", "recent"],
            "since": [None, "2010-01-01", "2019-01-01"],
            "until": [None, "2015-12-31", None],
        }
    )
    assert list(ties_active_at(ties, date)["note"]) == expected


def test_node_order_is_stable_for_mixed_labels():
    assert node_order(["b", 3, "a", 1]) == [1, 3, "a", "b"]


@given(workbooks())
@settings(max_examples=60, deadline=None)
def test_alliance_graph_invariants(workbook):
    orgs, ties = workbook
    before = (orgs.copy(deep=True), ties.copy(deep=True))
    G = alliance_graph(orgs, ties, weighted=True)
    pd.testing.assert_frame_equal(orgs, before[0])
    pd.testing.assert_frame_equal(ties, before[1])
    assert set(G) == set(orgs["id"])
    distinct = {
        frozenset((s, t)) for s, t in zip(ties["source"], ties["target"], strict=True) if s != t
    }
    assert G.number_of_edges() == len(distinct)
    proper = ties[ties["source"] != ties["target"]]
    assert sum(w for _, _, w in G.edges(data="weight")) == pytest.approx(proper["weight"].sum())
    D = directed_ties_graph(G)
    for s, t, kind in zip(proper["source"], proper["target"], proper["type"], strict=True):
        assert D.has_edge(s, t)
        if kind not in DIRECTED_TIE_TYPES:
            assert D.has_edge(t, s)
    active = ties_active_at(ties, "2016-06-01")
    assert set(active.index) <= set(ties.index)

from itertools import combinations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import alliance_graph
from maillage.graph.communities import communities
from maillage.graph.opportunities import OPPORTUNITY_COLUMNS, opportunities, score_pairs

from .conftest import workbooks


def _assert_valid_rows(G, table):
    assert list(table.columns) == list(OPPORTUNITY_COLUMNS)
    for row in table.itertuples():
        assert row.source != row.target
        assert not G.has_edge(row.source, row.target)
        assert 0.0 <= row.score <= 1.0
        if row.distance == -1:
            assert row.via == []
            assert not nx.has_path(G, row.source, row.target)
        else:
            assert row.via[0] == row.source and row.via[-1] == row.target
            assert all(G.has_edge(a, b) for a, b in zip(row.via, row.via[1:], strict=False))
            assert (
                len(row.via) - 1
                == row.distance
                == nx.shortest_path_length(G, row.source, row.target)
            )
        assert len(row.reason_keys) == row.reasons.count(";") + 1 or row.reasons == ""
    scores = list(table["score"])
    assert scores == sorted(scores, reverse=True)


@given(workbooks(max_orgs=14))
@settings(max_examples=80, deadline=None)
def test_opportunities_never_suggest_tied_pairs(workbook):
    orgs, ties = workbook
    G = alliance_graph(orgs, ties)
    before = nx.to_dict_of_dicts(G)
    table = opportunities(G, top=50)
    _assert_valid_rows(G, table)
    assert (table["distance"] == 2).all()
    some = orgs["id"].iloc[0]
    mine = opportunities(G, for_id=some, top=50)
    _assert_valid_rows(G, mine)
    assert (mine["source"] == some).all()
    untied = [v for v in G if v != some and not G.has_edge(some, v)]
    assert sorted(mine["target"]) == sorted(untied)
    assert nx.to_dict_of_dicts(G) == before


@given(workbooks(max_orgs=14))
@settings(max_examples=60, deadline=None)
def test_global_ranking_matches_brute_force(workbook):
    orgs, ties = workbook
    G = alliance_graph(orgs, ties)
    community = communities(G)["community"]
    table = opportunities(G, top=10, community=community)
    pairs = [
        (u, v)
        for u, v in combinations(sorted(G), 2)
        if not G.has_edge(u, v) and set(G[u]) & set(G[v])
    ]
    expected = score_pairs(G, pairs, community=community) if pairs else pd.DataFrame()
    expected_top = sorted(expected["score"], reverse=True)[:10] if pairs else []
    assert list(table["score"]) == pytest.approx(expected_top)


def _small_ecosystem():
    G = nx.Graph()
    G.add_nodes_from(
        [
            ("coop1", {"type": "enterprise", "region": "06", "sector": "food", "name": "Coop 1"}),
            (
                "coop2",
                {"type": "enterprise", "region": "06", "sector": "housing", "name": "Coop 2"},
            ),
            ("coop3", {"type": "enterprise", "region": "03", "sector": "food", "name": "Coop 3"}),
            ("pole", {"type": "network", "region": "06", "name": "Pôle"}),
            ("fund", {"type": "funder", "region": "06", "sector": "finance", "name": "Fonds"}),
            ("far", {"type": "research", "region": "03", "name": "Chaire"}),
            ("alone", {"type": "funder", "region": "06", "name": "Seul"}),
        ]
    )
    G.add_edges_from(
        [
            ("coop1", "pole"),
            ("coop2", "pole"),
            ("pole", "fund"),
            ("coop3", "coop2"),
            ("coop3", "far"),
        ]
    )
    return G


def test_for_one_organization_reaches_beyond_two_steps():
    G = _small_ecosystem()
    mine = opportunities(G, for_id="coop1", top=10)
    _assert_valid_rows(G, mine)
    by_target = mine.set_index("target")
    assert by_target.loc["far", "distance"] == 4
    assert by_target.loc["far", "via"] == ["coop1", "pole", "coop2", "coop3", "far"]
    assert by_target.loc["alone", "distance"] == -1
    assert "not_connected" in by_target.loc["alone", "reason_keys"]
    assert by_target.loc["fund", "reasons_fr"].startswith("1 contact commun (Pôle)")
    with pytest.raises(KeyError, match="nobody"):
        opportunities(G, for_id="nobody")


def test_filters_between_region_and_top():
    G = _small_ecosystem()
    funders = opportunities(G, between=("funder", "enterprise"), top=10)
    assert set(funders["source"]) | set(funders["target"]) <= {
        "coop1",
        "coop2",
        "coop3",
        "fund",
        "alone",
    }
    assert len(funders) >= 1
    for row in funders.itertuples():
        assert {G.nodes[row.source]["type"], G.nodes[row.target]["type"]} == {
            "funder",
            "enterprise",
        }
    montreal = opportunities(G, region="06", top=10)
    for row in montreal.itertuples():
        assert G.nodes[row.source]["region"] == G.nodes[row.target]["region"] == "06"
    assert len(opportunities(G, top=1)) == 1
    with pytest.raises(ValueError, match="top"):
        opportunities(G, top=0)


def test_same_input_same_output():
    G = nx.relaxed_caveman_graph(8, 6, 0.2, seed=2)
    first = opportunities(G, top=25)
    again = opportunities(G, top=25)
    pd.testing.assert_frame_equal(first, again)

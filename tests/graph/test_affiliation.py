"""Two-mode analyses: published Southern Women values, NetworkX's bipartite module as oracle."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms import bipartite

from maillage.graph.affiliation import (
    affiliations,
    comembership,
    membership_graph,
    network_overlap,
    two_mode_centrality,
)
from maillage.graph.build import alliance_graph

# Davis's Southern Women (18 women × 14 events): normalized two-mode degree, closeness
# and betweenness as tabulated in Borgatti, S. P. & Halgin, D. S. (2011), "Analyzing
# affiliation networks", in Carrington & Scott (eds.), The SAGE Handbook of Social
# Network Analysis, pp. 417-433 (the normalizations of Borgatti & Everett 1997), to two
# decimals; NetworkX's own bipartite tests carry the same table.
DAVIS = {
    # node: (degree, closeness, betweenness)
    "E8": (0.78, 0.85, 0.24),
    "E9": (0.67, 0.79, 0.23),
    "E7": (0.56, 0.73, 0.13),
    "Nora Fayette": (0.57, 0.80, 0.11),
    "Evelyn Jefferson": (0.57, 0.80, 0.10),
    "Theresa Anderson": (0.57, 0.80, 0.09),
    "E6": (0.44, 0.69, 0.07),
    "Sylvia Avondale": (0.50, 0.77, 0.07),
    "Laura Mandeville": (0.50, 0.73, 0.05),
    "Brenda Rogers": (0.50, 0.73, 0.05),
    "Katherina Rogers": (0.43, 0.73, 0.05),
    "E5": (0.44, 0.59, 0.04),
    "Helen Lloyd": (0.36, 0.73, 0.04),
    "E3": (0.33, 0.56, 0.02),
    "Ruth DeSand": (0.29, 0.71, 0.02),
    "Verne Sanderson": (0.29, 0.71, 0.02),
    "E12": (0.33, 0.56, 0.02),
    "Myra Liddel": (0.29, 0.69, 0.02),
    "E11": (0.22, 0.54, 0.02),
    "Eleanor Nye": (0.29, 0.67, 0.01),
    "Frances Anderson": (0.29, 0.67, 0.01),
    "Pearl Oglethorpe": (0.21, 0.67, 0.01),
    "E4": (0.22, 0.54, 0.01),
    "Charlotte McDowd": (0.29, 0.60, 0.01),
    "E10": (0.28, 0.55, 0.01),
    "Olivia Carleton": (0.14, 0.59, 0.01),
    "Flora Price": (0.14, 0.59, 0.01),
    "E2": (0.17, 0.52, 0.00),
    "E1": (0.17, 0.52, 0.00),
    "Dorothy Murchison": (0.14, 0.65, 0.00),
    "E13": (0.17, 0.52, 0.00),
    "E14": (0.17, 0.52, 0.00),
}


def test_southern_women_centralities_match_the_published_table():
    table = two_mode_centrality(nx.davis_southern_women_graph())
    assert len(table) == 32 and table.attrs["members"] == 18 and table.attrs["groups"] == 14
    for node, (degree, closeness, betweenness) in DAVIS.items():
        row = table.loc[node]
        assert row["degree_centrality"] == pytest.approx(degree, abs=0.006), node
        assert row["closeness"] == pytest.approx(closeness, abs=0.006), node
        assert row["betweenness"] == pytest.approx(betweenness, abs=0.006), node
    assert table.loc["E8", "mode"] == "group" and table.loc["Flora Price", "mode"] == "member"


@st.composite
def bipartite_graphs(draw, *, max_members: int = 12, max_groups: int = 6) -> nx.Graph:
    """Random two-mode graphs, often disconnected, with lone members and empty groups."""
    members = [f"m{i:02d}" for i in range(draw(st.integers(1, max_members)))]
    groups = [f"g{i:02d}" for i in range(draw(st.integers(1, max_groups)))]
    B = nx.Graph()
    B.add_nodes_from(members, bipartite=0)
    B.add_nodes_from(groups, bipartite=1)
    pairs = [(m, g) for m in members for g in groups]
    B.add_edges_from(draw(st.lists(st.sampled_from(pairs), unique=True, max_size=30)))
    return B


@given(bipartite_graphs())
@settings(max_examples=120, deadline=None)
def test_centralities_equal_networkx_bipartite(B):
    members = [v for v, side in B.nodes(data="bipartite") if side == 0]
    table = two_mode_centrality(B)
    expected = {
        "degree_centrality": bipartite.degree_centrality(B, members),
        "closeness": bipartite.closeness_centrality(B, members),
    }
    try:
        expected["betweenness"] = bipartite.betweenness_centrality(B, members)
    except ZeroDivisionError:
        # A mode whose largest possible betweenness is 0 (a lone group, or one member):
        # NetworkX divides by it; nobody of that mode lies between anyone.
        raw = nx.betweenness_centrality(B, normalized=False)
        assert all(table.loc[v, "betweenness"] == 0 for v, value in raw.items() if value == 0)
        assert all(value == 0 for v, value in raw.items() if table.loc[v, "betweenness"] == 0)
    for column, values in expected.items():
        for node, value in values.items():
            assert table.loc[node, column] == pytest.approx(value, abs=1e-9), (column, node)


@given(bipartite_graphs())
@settings(max_examples=120, deadline=None)
def test_comembership_equals_the_networkx_projections(B):
    members = [v for v, side in B.nodes(data="bipartite") if side == 0]
    newman = bipartite.collaboration_weighted_projected_graph(B, members)
    counted = bipartite.weighted_projected_graph(B, members)
    pairs = comembership(B)
    found = {frozenset((r.member, r.other)): r for r in pairs.itertuples()}
    assert set(found) == {frozenset(e) for e in newman.edges()}
    for u, v, weight in newman.edges(data="weight"):
        row = found[frozenset((u, v))]
        assert row.weight == pytest.approx(weight, abs=1e-12)
        assert row.shared == counted[u][v]["weight"]
        assert set(row.groups) == set(B[u]) & set(B[v])
    assert list(pairs["weight"]) == sorted(pairs["weight"], reverse=True)
    strongest = comembership(B, top=3)
    assert strongest.drop(columns="groups").equals(pairs.head(3).drop(columns="groups"))
    one = members[0]
    mine = comembership(B, members=[one])
    assert set(mine["other"]) == set(newman[one]) and set(mine["member"]) <= {one}


@given(bipartite_graphs())
@settings(max_examples=80, deadline=None)
def test_network_overlap_equals_the_group_projection(B):
    groups = [v for v, side in B.nodes(data="bipartite") if side == 1]
    counted = bipartite.weighted_projected_graph(B, groups)
    overlap = network_overlap(B)
    found = {frozenset((r.group, r.other)): r for r in overlap.itertuples()}
    assert set(found) == {frozenset(e) for e in counted.edges()}
    for u, v, shared in counted.edges(data="weight"):
        row = found[frozenset((u, v))]
        assert row.shared == shared and set(row.members) == set(B[u]) & set(B[v])
        assert row.jaccard == pytest.approx(shared / len(set(B[u]) | set(B[v])))


def test_memberships_and_portfolios_are_read_from_the_ties():
    orgs = pd.DataFrame(
        {
            "id": ["coop", "pole", "chantier", "fund", "univ"],
            "type": ["enterprise", "network", "network", "funder", "research"],
        }
    )
    ties = pd.DataFrame(
        {
            "source": ["coop", "pole", "fund", "coop", "univ"],
            "target": ["pole", "chantier", "coop", "univ", "pole"],
            "type": ["member_of", "member_of", "funds", "partner", "partner"],
        }
    )
    G = alliance_graph(orgs, ties)
    pairs = affiliations(G)
    assert pairs[["member", "group"]].values.tolist() == [
        ["pole", "chantier"],
        ["coop", "fund"],
        ["coop", "pole"],
    ]
    assert affiliations(G, tie_types=["funds"])["group"].tolist() == ["fund"]
    B = membership_graph(G)
    # The pole is in both modes: a member of the Chantier, a group of the coop.
    assert {("member", "pole"), ("group", "pole")} <= set(B)
    assert ("member", "univ") not in B and ("group", "univ") not in B
    assert B.nodes[("group", "fund")]["type"] == "funder"
    table = two_mode_centrality(B)
    assert table.loc[[("member", "coop")], "degree"].item() == 2
    assert table.loc[[("group", "pole")], "degree_centrality"].item() == pytest.approx(1 / 2)

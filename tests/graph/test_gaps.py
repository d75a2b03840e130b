import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import alliance_graph
from maillage.graph.gaps import (
    GapSection,
    enterprises_without_network,
    gap_report,
    international_coverage,
    region_type_gaps,
    single_points_of_failure,
    structural_holes_between_communities,
)

from .conftest import simple_graphs, workbooks


def _cut_off_by_removal(G, removed_nodes=(), removed_edges=()):
    """Organizations separated from the largest remaining part, by brute force."""
    H = G.copy()
    H.remove_edges_from(removed_edges)
    touched = set(removed_nodes) | {v for e in removed_edges for v in e}
    component = set().union(*(nx.node_connected_component(G, v) for v in touched))
    H.remove_nodes_from(removed_nodes)
    parts = [len(c) for c in nx.connected_components(H.subgraph(component - set(removed_nodes)))]
    return sum(parts) - max(parts)


@given(simple_graphs(max_nodes=16))
@settings(max_examples=120, deadline=None)
def test_single_points_of_failure_match_networkx(G):
    table = single_points_of_failure(G).table
    points = table[table["kind"] == "articulation_point"]
    bridges = table[table["kind"] == "bridge"]
    assert {ids[0] for ids in points["ids"]} == set(nx.articulation_points(G))
    assert {frozenset(ids) for ids in bridges["ids"]} == {frozenset(e) for e in nx.bridges(G)}
    for row in points.itertuples():
        assert row.cut_off == _cut_off_by_removal(G, removed_nodes=row.ids)
    for row in bridges.itertuples():
        assert row.cut_off == _cut_off_by_removal(G, removed_edges=[tuple(row.ids)])
    assert list(table["cut_off"]) == sorted(table["cut_off"], reverse=True)


def test_isolated_and_enterprises_without_network():
    orgs = pd.DataFrame(
        {
            "id": ["e1", "e2", "e3", "net", "f"],
            "type": ["enterprise", "enterprise", "enterprise", "network", "funder"],
        }
    )
    ties = pd.DataFrame(
        {
            "source": ["e1", "e2", "f"],
            "target": ["net", "net", "e2"],
            "type": ["member_of", "partner", "funds"],
        }
    )
    G = alliance_graph(orgs, ties)
    report = {section.key: section for section in gap_report(G)}
    assert report["isolated"].table.index.tolist() == ["e3"]
    assert enterprises_without_network(G).table.index.tolist() == ["e2", "e3"]
    assert all(isinstance(s, GapSection) and s.explanation("fr") for s in report.values())
    assert "2 entreprise(s)" in report["enterprises_without_network"].explanation_fr


@given(workbooks())
@settings(max_examples=60, deadline=None)
def test_region_type_gaps_are_exactly_the_untied_pairs(workbook):
    orgs, ties = workbook
    G = alliance_graph(orgs, ties)
    table = region_type_gaps(G).table
    gaps = set(zip(table["region"], table["type"], strict=True))
    regions = {r for _, r in G.nodes(data="region") if r is not None}
    kinds = {t for _, t in G.nodes(data="type") if t is not None}
    for region in regions:
        for kind in kinds:
            tied = any(
                (G.nodes[u].get("region") == region and G.nodes[v].get("type") == kind)
                or (G.nodes[v].get("region") == region and G.nodes[u].get("type") == kind)
                for u, v in G.edges()
            )
            assert ((region, kind) in gaps) == (not tied)


def test_structural_holes_between_communities_and_bridges():
    G = nx.Graph()
    triangles = [("a1", "a2", "a3"), ("b1", "b2", "b3"), ("c1", "c2", "c3")]
    for tri in triangles:
        G.add_edges_from([(tri[0], tri[1]), (tri[1], tri[2]), (tri[0], tri[2])])
    G.add_edges_from([("a1", "b1"), ("a2", "b2"), ("hub", "a3"), ("hub", "c3")])
    labels = pd.Series({v: k + 1 for k, tri in enumerate(triangles) for v in tri} | {"hub": 4})
    table = structural_holes_between_communities(G, community=labels).table
    pairs = {(r.community_a, r.community_b): r for r in table.itertuples()}
    assert set(pairs) == {(1, 3), (2, 3)}  # 1–2 has two ties
    assert pairs[(1, 3)].ties == 0
    assert pairs[(1, 3)].bridges == ["hub"]
    assert pairs[(2, 3)].bridges == ["b1", "c3"]  # best-connected member of each side


def test_international_coverage_counts_home_ties_by_continent():
    G = nx.Graph()
    G.add_nodes_from(
        [
            ("q1", {"country": "CA"}),
            ("q2", {"country": "CA"}),
            ("ripess", {"country": "FR"}),
            ("gsef", {"country": "KR"}),
            ("usa", {"country": "US"}),
            ("senegal", {"country": "SN"}),
        ]
    )
    G.add_edges_from([("q1", "ripess"), ("q2", "ripess"), ("q1", "gsef"), ("q1", "usa")])
    table = international_coverage(G).table
    assert table.loc["EU", "home_ties"] == 2
    assert table.loc["EU", "through"] == ["q1", "q2"]
    assert table.loc["NA", "countries"] == ["US"]  # home country not counted as abroad
    assert table.loc["AF", "home_ties"] == 0 and table.loc["AF", "organizations"] == 1
    assert table.loc["OC", "organizations"] == 0
    assert "Oceania" in international_coverage(G).explanation_en


def test_gap_report_leaves_graph_alone(florentine):
    before = nx.to_dict_of_dicts(florentine)
    sections = gap_report(florentine)
    assert [s.key for s in sections] == [
        "isolated",
        "enterprises_without_network",
        "region_type_gaps",
        "structural_holes",
        "single_points_of_failure",
        "international_coverage",
    ]
    assert nx.to_dict_of_dicts(florentine) == before
    with pytest.raises(AttributeError):
        sections[0].key = "x"

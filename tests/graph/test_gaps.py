import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import alliance_graph, ties_active_at
from maillage.graph.gaps import (
    GapSection,
    enterprises_without_network,
    gap_report,
    international_coverage,
    region_type_gaps,
    single_points_of_failure,
    structural_holes_between_communities,
)
from maillage.ground.tables import organizations_frame, ties_frame
from maillage.loaders.workbook import check_workbook

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
    assert report["isolated"].count == 1
    assert enterprises_without_network(G).table.index.tolist() == ["e2", "e3"]
    section = report["enterprises_without_network"]
    assert isinstance(section, GapSection) and not section.skipped and section.count == 2
    assert section.title_key == "gaps.enterprises_without_network.title"


def test_sections_say_what_they_need_when_it_is_absent():
    orgs = pd.DataFrame({"id": ["e1", "e2", "u"], "type": ["enterprise", "enterprise", "research"]})
    partners = pd.DataFrame(
        {"source": ["e1", "e2"], "target": ["u", "u"], "type": ["partner", "partner"]}
    )
    report = {s.key: s for s in gap_report(alliance_graph(orgs, partners))}
    skipped = {key: s.needs for key, s in report.items() if s.skipped}
    # No member_of tie, no region, nobody in the home country (no country given here).
    assert skipped == {
        "enterprises_without_network": ("gaps.needs.member_of",),
        "region_type_gaps": ("gaps.needs.region",),
        "international_coverage": ("gaps.needs.home_country",),
    }
    assert all(s.table.empty for s in report.values() if s.skipped)
    assert not report["single_points_of_failure"].skipped
    lonely = {s.key: s.skipped for s in gap_report(alliance_graph(orgs, partners.iloc[0:0]))}
    assert lonely["structural_holes"] and lonely["single_points_of_failure"]
    assert not lonely["isolated"]


def test_cordis_partnerships_skip_the_membership_section(real_data):
    """The real CORDIS workbook holds partner ties only, and no region."""
    checked = check_workbook([real_data / "cordis_h2020_societal"])
    assert not checked.problems
    orgs, ties = organizations_frame(checked.organizations), ties_frame(checked.ties)
    G = alliance_graph(orgs, ties_active_at(ties, "2021-12-31"))
    report = {s.key: s for s in gap_report(G)}
    assert report["enterprises_without_network"].skipped
    assert report["enterprises_without_network"].needs == ("gaps.needs.member_of",)
    assert report["region_type_gaps"].skipped  # CORDIS gives no Québec region
    for key in ("isolated", "structural_holes", "single_points_of_failure"):
        assert not report[key].skipped
    assert len(report["structural_holes"].table) > 0
    assert len(report["single_points_of_failure"].table) > 0
    # 27 Canadian participants: coverage is counted from them.
    coverage = report["international_coverage"]
    assert not coverage.skipped and coverage.table.loc["EU", "organizations"] > 10_000


@given(workbooks())
@settings(max_examples=60, deadline=None)
def test_region_type_gaps_are_exactly_the_untied_pairs(workbook):
    orgs, ties = workbook
    G = alliance_graph(orgs, ties)
    section = region_type_gaps(G)
    has_region = any(r is not None for _, r in G.nodes(data="region"))
    assert section.skipped == (not G.number_of_edges() or not has_region)
    if section.skipped:
        return
    table = section.table
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
    coverage = international_coverage(G)
    assert coverage.values["absent"] == ("continent.OC", "continent.SA")
    assert coverage.variant == "explanation_absent" and coverage.count == 4


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

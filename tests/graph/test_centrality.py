import contextlib
import math

import networkx as nx
import pytest
from hypothesis import given, settings

from maillage.graph import engine
from maillage.graph.centrality import CENTRALITY_COLUMNS, betweenness_sample_size, centrality

from .conftest import simple_graphs


def test_florentine_medici_published_values(florentine):
    # Padgett & Ansell (1993) data; values as published for the 15 families without Pucci
    # (e.g. NetworkX's and UCINET's tutorials): betweenness 0.522 (raw 47.5),
    # closeness 0.560, eigenvector 0.430.
    medici = centrality(florentine).loc["Medici"]
    n = florentine.number_of_nodes()
    assert n == 15
    assert medici["betweenness"] == pytest.approx(0.522, abs=5e-4)
    assert medici["betweenness"] * (n - 1) * (n - 2) / 2 == pytest.approx(47.5)
    assert medici["closeness"] == pytest.approx(0.560, abs=5e-4)
    assert medici["eigenvector"] == pytest.approx(0.430, abs=5e-4)
    assert medici["degree"] == 6


def test_krackhardt_kite_published_values(kite):
    # Krackhardt (1990), "Assessing the political landscape", Administrative Science
    # Quarterly 35: Diane has the most ties (6), Fernando and Garth are closest to all
    # (closeness 9/14 ≈ 0.64), Heather lies on the most shortest paths (raw 14).
    table = centrality(kite)
    n = kite.number_of_nodes()
    assert table["degree"].idxmax() == "Diane"
    assert table.loc["Diane", "degree"] == 6
    assert table.loc["Heather", "betweenness"] * (n - 1) * (n - 2) / 2 == pytest.approx(14)
    assert table["betweenness"].idxmax() == "Heather"
    assert table.loc["Fernando", "closeness"] == pytest.approx(9 / 14)
    assert table.loc["Garth", "closeness"] == pytest.approx(9 / 14)


def test_zachary_karate_degrees():
    # Zachary (1977): the instructor (node 0) has 16 ties and the administrator (33) 17.
    table = centrality(nx.karate_club_graph())
    assert table.loc[0, "degree"] == 16
    assert table.loc[33, "degree"] == 17


def _assert_matches_networkx(G, table, *, weight=None):
    nodes = list(table.index)
    assert nodes == sorted(G)
    n = len(G)
    reference = {
        "degree_centrality": nx.degree_centrality(G),
        "betweenness": nx.betweenness_centrality(G),
        "closeness": nx.closeness_centrality(G),
        "pagerank": nx.pagerank(G, weight=weight) if n else {},
    }
    # Where NetworkX gives up, the engine iterates further (documented): nothing to compare.
    with contextlib.suppress(nx.PowerIterationFailedConvergence):
        reference["eigenvector"] = nx.eigenvector_centrality(G, weight=weight) if n else {}
    for column, expected in reference.items():
        for node in nodes:
            assert table.loc[node, column] == pytest.approx(expected[node], abs=1e-9), column
    for node in nodes:
        assert table.loc[node, "degree"] == G.degree(node)


@given(simple_graphs())
@settings(max_examples=120, deadline=None)
def test_centrality_matches_networkx(G):
    before = nx.to_dict_of_dicts(G)
    table = centrality(G, betweenness_samples=None)
    assert list(table.columns) == list(CENTRALITY_COLUMNS)
    assert len(table) == G.number_of_nodes()
    _assert_matches_networkx(G, table)
    assert nx.to_dict_of_dicts(G) == before


@given(simple_graphs(weighted=True))
@settings(max_examples=60, deadline=None)
def test_weighted_centrality_matches_networkx(G):
    table = centrality(G, betweenness_samples=None, weighted=True)
    _assert_matches_networkx(G, table, weight="weight")


def test_disconnected_eigenvector_matches_networkx_power_iteration():
    G = nx.disjoint_union(nx.complete_graph(5), nx.path_graph(4))
    G.add_node(99)
    table = centrality(G)
    expected = nx.eigenvector_centrality(G)
    for node in G:
        assert table.loc[node, "eigenvector"] == pytest.approx(expected[node], abs=1e-12)
    assert math.fsum(v * v for v in table["eigenvector"]) == pytest.approx(1.0)


def test_sampled_betweenness_is_seeded_and_says_so():
    G = nx.barabasi_albert_graph(300, 2, seed=3)
    first = centrality(G, betweenness_samples=60, seed=5)
    again = centrality(G, betweenness_samples=60, seed=5)
    assert first.attrs["betweenness"] == "sampled"
    assert first.attrs["betweenness_samples"] == 60
    assert first["betweenness"].equals(again["betweenness"])
    exact = centrality(G, betweenness_samples=None)
    assert exact.attrs["betweenness"] == "exact"
    top_exact = set(exact["betweenness"].nlargest(10).index)
    top_sampled = set(first["betweenness"].nlargest(10).index)
    assert len(top_exact & top_sampled) >= 6
    assert first["betweenness"].sum() == pytest.approx(exact["betweenness"].sum(), rel=0.25)


def test_auto_sampling_only_above_the_limit():
    assert betweenness_sample_size(nx.empty_graph(10), "auto") is None
    assert betweenness_sample_size(nx.empty_graph(6000), "auto") == 1000
    with pytest.raises(ValueError, match="positive"):
        betweenness_sample_size(nx.empty_graph(10), 0)


@given(simple_graphs())
@settings(max_examples=60, deadline=None)
def test_sampling_every_node_is_exact(G):
    n = G.number_of_nodes()
    exact_b = engine.betweenness(G)
    exact_c = engine.closeness(G)
    assert engine.betweenness(G, samples=max(n, 1), seed=3) == pytest.approx(exact_b, abs=1e-9)
    assert engine.closeness(G, samples=max(n, 1), seed=3) == pytest.approx(exact_c, abs=1e-9)


def test_sampled_closeness_is_close_and_says_so():
    G = nx.barabasi_albert_graph(400, 2, seed=5)
    G.add_edges_from([(1000, 1001), (1001, 1002)])  # a small component stays exact
    sampled = centrality(G, closeness_samples=80, seed=2)
    exact = centrality(G, closeness_samples=None)
    assert sampled.attrs["closeness"] == "sampled"
    assert sampled.attrs["closeness_samples"] == 80
    assert exact.attrs["closeness"] == "exact"
    assert sampled.loc[1001, "closeness"] == pytest.approx(exact.loc[1001, "closeness"])
    relative = (sampled["closeness"] - exact["closeness"]).abs() / exact["closeness"]
    assert relative.max() < 0.1


def test_engine_conversion_follows_graph_changes():
    # The engine keeps its conversion in NetworkX's cache, which adding or removing an
    # edge empties: the next answer is for the changed graph, not the cached one.
    G = nx.path_graph(6)
    before = engine.betweenness(G)
    assert before.tolist() == pytest.approx(list(nx.betweenness_centrality(G).values()))
    G.add_edge(0, 5)
    after = engine.betweenness(G)
    expected = nx.betweenness_centrality(G)
    assert after.tolist() == pytest.approx([expected[v] for v in sorted(G)])
    assert after.tolist() != pytest.approx(before.tolist())
    closeness = nx.closeness_centrality(G)
    assert engine.closeness(G).tolist() == pytest.approx([closeness[v] for v in sorted(G)])


def test_shared_adjacency_is_read_only():
    A = engine.adjacency(nx.path_graph(3))
    with pytest.raises(ValueError, match="read-only"):
        A.data[0] = 5.0

import networkx as nx
import pytest
from hypothesis import given, settings

from maillage.graph.communities import communities, community_sets, number_communities

from .conftest import simple_graphs


def test_karate_club_best_known_modularity():
    # Maximum modularity of Zachary's karate club, unweighted: 0.4198, proved optimal by
    # integer programming in Brandes et al. (2008), "On modularity clustering", IEEE TKDE 20.
    G = nx.karate_club_graph()
    found = communities(G, seed=0)
    assert found.attrs["modularity"] >= 0.4188
    assert found.attrs["modularity"] == pytest.approx(0.4198, abs=5e-5)
    parts = list(community_sets(found).values())
    assert nx.community.modularity(G, parts, weight=None) == pytest.approx(
        found.attrs["modularity"]
    )


def test_same_seed_same_numbers():
    G = nx.planted_partition_graph(6, 20, 0.5, 0.02, seed=4)
    first = communities(G, seed=11)
    again = communities(G, seed=11)
    assert first["community"].equals(again["community"])


def test_numbers_follow_size_then_first_member():
    G = nx.Graph([("b", "c"), ("c", "d"), ("d", "b"), ("x", "y")])
    G.add_node("a")
    found = communities(G)
    assert found["community"].to_dict() == {"a": 3, "b": 1, "c": 1, "d": 1, "x": 2, "y": 2}
    assert number_communities(G, [{"y", "x"}, {"a"}, {"c", "d", "b"}]) == {
        "b": 1,
        "c": 1,
        "d": 1,
        "x": 2,
        "y": 2,
        "a": 3,
    }


@given(simple_graphs(weighted=True))
@settings(max_examples=60, deadline=None)
def test_communities_partition_every_node(G):
    before = nx.to_dict_of_dicts(G)
    for weighted in (False, True):
        found = communities(G, seed=1, weighted=weighted)
        assert list(found.index) == sorted(G)
        numbers = sorted(set(found["community"]))
        assert numbers == list(range(1, len(numbers) + 1))
        sizes = found["community"].value_counts().sort_index().tolist()
        assert sizes == sorted(sizes, reverse=True)
        if G.number_of_edges():
            parts = list(community_sets(found).values())
            expected = nx.community.modularity(G, parts, weight="weight" if weighted else None)
            assert found.attrs["modularity"] == pytest.approx(expected, abs=1e-9)
    assert nx.to_dict_of_dicts(G) == before

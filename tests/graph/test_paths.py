import networkx as nx
import pytest
from hypothesis import given, settings

from maillage.graph.paths import ego_members, ego_network, introduction_paths

from .conftest import simple_graphs


def test_paths_on_the_kite(kite):
    paths = introduction_paths(kite, "Andre", "Jane")
    assert set(paths["hops"]) == {4}
    expected = sorted(nx.all_shortest_paths(kite, "Andre", "Jane"))
    assert paths["ids"].tolist() == expected
    assert paths.loc[0, "names"].startswith("Andre → ")
    assert not paths.attrs["truncated"]


def test_paths_are_capped_and_say_so():
    G = nx.complete_bipartite_graph(2, 30)
    paths = introduction_paths(G, 0, 1, limit=5)
    assert len(paths) == 5
    assert paths.attrs["truncated"]


def test_no_path_and_unknown_ids():
    G = nx.Graph([("a", "b")])
    G.add_node("c")
    assert introduction_paths(G, "a", "c").empty
    with pytest.raises(KeyError, match="zz"):
        introduction_paths(G, "a", "zz")
    with pytest.raises(KeyError):
        ego_members(G, "zz")


@given(simple_graphs())
@settings(max_examples=60, deadline=None)
def test_paths_match_networkx(G):
    nodes = sorted(G)
    if len(nodes) < 2:
        return
    source, target = nodes[0], nodes[-1]
    paths = introduction_paths(G, source, target, limit=1000)
    if nx.has_path(G, source, target):
        assert paths["ids"].tolist() == sorted(nx.all_shortest_paths(G, source, target))
    else:
        assert paths.empty
    for hops in (0, 1, 2):
        members = ego_members(G, source, hops=hops)
        expected = nx.single_source_shortest_path_length(G, source, cutoff=hops)
        assert dict(zip(members["id"], members["hops"], strict=True)) == expected
        assert set(ego_network(G, source, hops=hops)) == set(expected)

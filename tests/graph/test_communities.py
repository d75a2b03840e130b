import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.communities import (
    communities,
    community_profiles,
    community_sets,
    number_communities,
)

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


def _labelled_graph():
    G = nx.Graph()
    rows = {
        "pole": ("06", "network", None, "Pôle"),
        "a": ("06", "enterprise", "food", "A"),
        "b": ("06", "enterprise", "food", "B"),
        "c": ("05", "enterprise", "housing", "C"),
        "f": ("01", "funder", None, "F"),
        "g": (None, None, None, "G"),
    }
    for v, (region, kind, sector, name) in rows.items():
        G.add_node(v, region=region, type=kind, sector=sector, name=name)
    G.add_edges_from([("pole", "a"), ("pole", "b"), ("pole", "c"), ("a", "b"), ("c", "f")])
    return G


def test_community_profiles_name_what_dominates():
    G = _labelled_graph()
    labels = pd.Series({"pole": 1, "a": 1, "b": 1, "c": 1, "f": 2, "g": 2})
    profiles = community_profiles(G, labels)
    assert profiles.index.tolist() == [1, 2]
    first = profiles.loc[1]
    assert (first["size"], first["region"], first["type"], first["sector"]) == (
        4,
        "06",
        "enterprise",
        "food",
    )
    assert first["region_share"] == pytest.approx(3 / 4)
    assert first["type_share"] == pytest.approx(3 / 4)
    assert first["sector_share"] == pytest.approx(2 / 4)  # the pole has no sector: counted
    assert (first["hub"], first["hub_name"], first["hub_ties"]) == ("pole", "Pôle", 3)
    second = profiles.loc[2]
    # f has more ties overall than g, none inside: the hub goes to overall ties.
    assert (second["hub"], second["hub_ties"]) == ("f", 0)
    assert (second["region"], second["region_share"]) == ("01", 0.5)
    assert second["sector"] is None and second["sector_share"] == 0


def test_community_profiles_break_equal_counts_by_value():
    G = nx.Graph([("x", "y")])
    G.nodes["x"].update(region="09", type="funder")
    G.nodes["y"].update(region="02", type="enterprise")
    profiles = community_profiles(G, pd.Series({"x": 1, "y": 1, "absent": 1}))
    assert (profiles.loc[1, "size"], profiles.loc[1, "region"]) == (2, "02")
    assert profiles.loc[1, "type"] == "enterprise"


@given(simple_graphs())
@settings(max_examples=40, deadline=None)
def test_community_profiles_cover_every_community(G):
    found = communities(G, seed=0)
    profiles = community_profiles(G, found["community"])
    sizes = found["community"].value_counts().sort_index()
    assert profiles.index.tolist() == sizes.index.tolist()
    assert profiles["size"].tolist() == sizes.tolist()
    assert ((profiles["type_share"] >= 0) & (profiles["type_share"] <= 1)).all()
    for number, row in profiles.iterrows():
        assert found.loc[row["hub"], "community"] == number

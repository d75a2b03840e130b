"""The health scorecard: hand-worked E-I and cores, NetworkX as oracle, stages of four shapes."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.graph.build import alliance_graph
from maillage.graph.health import (
    MEASURES,
    compare,
    core_periphery,
    coreness,
    ei_groups,
    ei_index,
    ei_organizations,
    gini,
    health,
    network_stage,
    reciprocity,
)

from .conftest import simple_graphs


@pytest.fixture
def two_regions() -> nx.Graph:
    """Seven organizations in regions A (a1..a4) and B (b1..b3) and one of unknown region.

    Ties: a1-a2, a2-a3, a3-a1, a4-a1 (4 inside A); b1-b2 (1 inside B); a1-b1, a2-b2
    (2 across); b3-x (x unknown: left out of every E-I count).
    """
    G = nx.Graph()
    regions = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "b3": "B"}
    for node, region in regions.items():
        G.add_node(node, region=region)
    G.add_node("x", region=None)
    G.add_edges_from(
        [
            ("a1", "a2"),
            ("a2", "a3"),
            ("a3", "a1"),
            ("a4", "a1"),
            ("b1", "b2"),
            ("a1", "b1"),
            ("a2", "b2"),
            ("b3", "x"),
        ]
    )
    return G


def test_ei_index_by_hand(two_regions):
    # Network: E = 2, I = 5 -> (2 - 5) / 7. Random mixing among the six tied
    # organizations of known region (A: 4, B: 2; b3's only tie has an unknown end):
    # within 6 + 1 = 7 pairs, between 4 * 2 = 8 -> (8 - 7) / 15.
    value, expected = ei_index(two_regions, "region")
    assert value == pytest.approx(-3 / 7)
    assert expected == pytest.approx(1 / 15)
    groups = ei_groups(two_regions, "region")
    # A: 4 inside, 2 out -> -2/6; possible: 6 inside, 8 out -> 2/14.
    assert groups.loc["A"].tolist() == pytest.approx([4, 4, 2, -2 / 6, 2 / 14])
    # B: 1 inside, 2 out -> 1/3; possible: 1 inside, 8 out -> 7/9.
    assert groups.loc["B"].tolist() == pytest.approx([2, 1, 2, 1 / 3, 7 / 9])
    people = ei_organizations(two_regions, "region")
    # a1: a2, a3, a4 inside, b1 out -> -2/4; b1: b2 inside, a1 out -> 0; a4: -1.
    assert people["a1"] == pytest.approx(-0.5)
    assert people["b1"] == pytest.approx(0.0) and people["a4"] == pytest.approx(-1.0)
    assert math.isnan(people["b3"]) and math.isnan(people["x"])


@given(simple_graphs(max_nodes=16))
@settings(max_examples=80, deadline=None)
def test_ei_levels_agree_with_counting_ties(G):
    groups = {v: ("r1", "r2", None)[k % 3] for k, v in enumerate(sorted(G))}
    nx.set_node_attributes(G, groups, "region")
    known = [(u, v) for u, v in G.edges() if groups[u] and groups[v]]
    inside = sum(groups[u] == groups[v] for u, v in known)
    value, _ = ei_index(G, "region")
    if known:
        assert value == pytest.approx((len(known) - 2 * inside) / len(known))
    else:
        assert math.isnan(value)
    people = ei_organizations(G, "region")
    for node in G:
        mine = [groups[o] == groups[node] for o in G[node] if groups[node] and groups[o]]
        if mine:
            assert people[node] == pytest.approx((len(mine) - 2 * sum(mine)) / len(mine))
        else:
            assert math.isnan(people[node])


def test_core_numbers_by_hand():
    # A 4-clique (core 3), a triangle hanging on it (core 2), a tail (core 1), alone (0).
    G = nx.complete_graph(["a", "b", "c", "d"])
    G.add_edges_from([("d", "e"), ("e", "f"), ("f", "d"), ("f", "g")])
    G.add_node("h")
    assert coreness(G).to_dict() == {
        "a": 3,
        "b": 3,
        "c": 3,
        "d": 3,
        "e": 2,
        "f": 2,
        "g": 1,
        "h": 0,
    }


@given(simple_graphs(max_nodes=20))
@settings(max_examples=100, deadline=None)
def test_core_numbers_equal_networkx(G):
    assert coreness(G).to_dict() == nx.core_number(G)


@given(simple_graphs(max_nodes=16))
@settings(max_examples=100, deadline=None)
def test_core_periphery_fit_is_the_correlation_with_the_ideal(G):
    core = core_periphery(G)
    tied = [v for v in sorted(G) if G.degree(v)]
    if math.isnan(core.attrs["fit"]):
        assert len(tied) < 4 or not core.any()
        return
    inner = set(core[core].index)
    observed, ideal = [], []
    for k, u in enumerate(tied):
        for v in tied[k + 1 :]:
            if (u in inner) == (v in inner):  # core-periphery pairs are left out
                observed.append(float(G.has_edge(u, v)))
                ideal.append(float(u in inner))
    assert core.attrs["fit"] == pytest.approx(np.corrcoef(observed, ideal)[0, 1], abs=1e-9)
    assert core.attrs["core_size"] == len(inner)
    ties_inside = sum(G.has_edge(u, v) for u in inner for v in inner if u < v)
    pairs = len(inner) * (len(inner) - 1) / 2
    if pairs:
        assert core.attrs["core_density"] == pytest.approx(ties_inside / pairs)


def test_reciprocity_equals_networkx_on_the_directed_ties():
    rng = np.random.default_rng(3)
    ids = [f"o{i}" for i in range(12)]
    rows = [
        (ids[a], ids[b], kind)
        for a, b, kind in zip(
            rng.integers(0, 12, 60),
            rng.integers(0, 12, 60),
            rng.choice(["member_of", "funds", "partner", "supplies"], 60),
            strict=True,
        )
    ]
    ties = pd.DataFrame(rows, columns=["source", "target", "type"])
    G = alliance_graph(pd.DataFrame({"id": ids}), ties)
    D = nx.DiGraph(
        (s, t) for s, t, kind in rows if kind != "partner" and s != t
    )  # only directed tie types
    assert reciprocity(G) == pytest.approx(nx.overall_reciprocity(D))
    only_partners = alliance_graph(pd.DataFrame({"id": ids}), ties.assign(type="partner"))
    assert math.isnan(reciprocity(only_partners))


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30))
def test_gini_is_half_the_relative_mean_difference(values):
    x = np.array(values)
    if x.sum() <= 0:
        assert math.isnan(gini(values))
        return
    expected = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert gini(values) == pytest.approx(expected, abs=1e-9)


# Four canonical shapes of Krebs & Holley (2006), generated from a seed.


def scattered(rng: np.random.Generator) -> nx.Graph:
    G = nx.Graph()
    start = 0
    for _ in range(12):
        size = int(rng.integers(5, 9))
        nodes = list(range(start, start + size))
        for k in range(1, size):  # a random tree, then a few more ties inside
            G.add_edge(nodes[k], nodes[int(rng.integers(0, k))])
        for _ in range(int(rng.integers(1, 4))):
            a, b = rng.choice(nodes, 2, replace=False)
            G.add_edge(int(a), int(b))
        start += size
    return G


def hub_and_spoke(rng: np.random.Generator) -> nx.Graph:
    G = nx.star_graph(60)
    for _ in range(3):
        a, b = rng.choice(np.arange(1, 61), 2, replace=False)
        G.add_edge(int(a), int(b))
    return G


def multi_hub(rng: np.random.Generator) -> nx.Graph:
    G = nx.cycle_graph(5)  # five hubs, each tied to the next
    spoke = 5
    for hub in range(5):
        for _ in range(int(rng.integers(10, 15))):
            G.add_edge(hub, spoke)
            spoke += 1
    for _ in range(3):
        a, b = rng.choice(np.arange(5, spoke), 2, replace=False)
        G.add_edge(int(a), int(b))
    return G


def core_and_periphery(rng: np.random.Generator) -> nx.Graph:
    G = nx.Graph()
    core = list(range(10))
    for k, a in enumerate(core):
        for b in core[k + 1 :]:
            if rng.random() < 0.8:
                G.add_edge(a, b)
    for node in range(10, 70):
        for hub in rng.choice(core, int(rng.integers(1, 4)), replace=False):
            G.add_edge(node, int(hub))
    for _ in range(3):
        a, b = rng.choice(np.arange(10, 70), 2, replace=False)
        G.add_edge(int(a), int(b))
    return G


SHAPES = {
    "scattered": scattered,
    "hub_and_spoke": hub_and_spoke,
    "multi_hub": multi_hub,
    "core_periphery": core_and_periphery,
}


def rewired(G: nx.Graph, rng: np.random.Generator, share: float = 0.05) -> nx.Graph:
    """``G`` with ``share`` of its ties moved to pairs drawn at random."""
    H = G.copy()
    edges = list(H.edges())
    moved = math.ceil(share * len(edges))
    for k in rng.choice(len(edges), moved, replace=False):
        H.remove_edge(*edges[k])
    nodes = list(H)
    added = 0
    while added < moved:
        a, b = rng.choice(len(nodes), 2, replace=False)
        if not H.has_edge(nodes[a], nodes[b]):
            H.add_edge(nodes[a], nodes[b])
            added += 1
    return H


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_stage_of_each_canonical_shape(shape):
    for seed in range(5):
        stage, _ = network_stage(SHAPES[shape](np.random.default_rng(seed)))
        assert stage == shape, (seed, stage)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_stage_survives_rewiring_five_percent_of_the_ties(shape):
    kept = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        G = rewired(SHAPES[shape](rng), rng)
        kept += network_stage(G)[0] == shape
    assert kept >= 90, f"{shape}: {kept} of 100"


def test_too_few_ties_is_said():
    assert network_stage(nx.Graph([(1, 2), (3, 4)]))[0] == "too_few_ties"


def test_scorecard_rows_and_change():
    before = health(multi_hub(np.random.default_rng(1)))
    after = health(hub_and_spoke(np.random.default_rng(1)))
    assert list(after.scorecard.index) == list(MEASURES)
    assert after.stage == "hub_and_spoke" and before.stage == "multi_hub"
    moved = compare(after, before)
    row = moved.loc["largest_component_share"]
    assert row["change"] == pytest.approx(row["value"] - row["before"])
    values = after.scorecard["value"].dropna().abs()
    assert ((values == 0) | (values >= 1e-12)).all()
    star = health(nx.star_graph(60)).organizations
    assert star.loc[0, "cut_off"] == 59 and star.loc[0, "core"]  # all but the largest piece
    assert (star.loc[1:, "cut_off"] == 0).all() and (star["coreness"] == 1).all()

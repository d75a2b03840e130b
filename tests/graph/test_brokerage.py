import math
from itertools import permutations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.brokerage import ROLES, brokerage_roles, structural_holes
from maillage.graph.build import alliance_graph, directed_ties_graph

from .conftest import simple_graphs, workbooks


def _hierarchy_oracle(G, node, weight=None):
    """Burt (1992) hierarchy from NetworkX's local constraint, written plainly."""
    contacts = list(G[node])
    if len(contacts) < 2:
        return math.nan
    local = [nx.local_constraint(G, node, j, weight=weight) for j in contacts]
    mean = sum(local) / len(local)
    total = sum((c / mean) * math.log(c / mean) for c in local if c > 0)
    return total / (len(contacts) * math.log(len(contacts)))


@given(simple_graphs(weighted=True))
@settings(max_examples=80, deadline=None)
def test_structural_holes_match_networkx(G):
    for weighted, weight in ((False, None), (True, "weight")):
        holes = structural_holes(G, weighted=weighted)
        assert list(holes.index) == sorted(G)
        if len(G) == 0:
            continue  # NetworkX refuses the empty graph
        constraint = nx.constraint(G, weight=weight)
        # nodes=list(G) avoids the sparse fast path, which is wrong on weighted graphs.
        effective = nx.effective_size(G, nodes=list(G), weight=weight)
        for node in G:
            assert holes.loc[node, "constraint"] == pytest.approx(
                constraint[node], abs=1e-9, nan_ok=True
            )
            assert holes.loc[node, "effective_size"] == pytest.approx(
                effective[node], abs=1e-9, nan_ok=True
            )
            assert holes.loc[node, "hierarchy"] == pytest.approx(
                _hierarchy_oracle(G, node, weight), abs=1e-9, nan_ok=True
            )


def test_networkx_effective_size_trap_on_weighted_graphs():
    # NetworkX's sparse fast path (nodes=None) divides by the wrong node's strongest tie.
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1.0), ("a", "c", 3.0), ("b", "c", 1.0), ("c", "d", 5.0)])
    fast = nx.effective_size(G, weight="weight")
    careful = nx.effective_size(G, nodes=list(G), weight="weight")
    assert any(not math.isclose(fast[v], careful[v]) for v in G)
    holes = structural_holes(G, weighted=True)
    for node in G:
        assert holes.loc[node, "effective_size"] == pytest.approx(careful[node])


def test_constraint_fast_path_agrees_with_per_node_path(kite):
    fast = nx.constraint(kite)
    per_node = nx.constraint(kite, nodes=list(kite))
    holes = structural_holes(kite)
    for node in kite:
        assert fast[node] == pytest.approx(per_node[node])
        assert holes.loc[node, "constraint"] == pytest.approx(per_node[node])


def test_borgatti_effective_size_on_the_kite(kite):
    # Borgatti (1997), "Structural holes: unpacking Burt's redundancy measures",
    # Connections 20(1): for unweighted ties effective size is n − 2t/n. Diane's six
    # contacts share t = 8 ties, so 6 − 16/6.
    holes = structural_holes(kite)
    assert holes.loc["Diane", "effective_size"] == pytest.approx(6 - 16 / 6)
    assert holes.loc["Jane", "effective_size"] == pytest.approx(1.0)


@pytest.mark.parametrize("contacts", [2, 3, 5, 8])
def test_burt_constraint_and_hierarchy_of_star_and_clique(contacts):
    # Burt (1992), Structural Holes, ch. 2: N unconnected equal contacts give constraint
    # 1/N and no hierarchy; in a clique each contact adds ((2N−1)/N²)².
    star = structural_holes(nx.star_graph(contacts)).loc[0]
    assert star["constraint"] == pytest.approx(1 / contacts)
    assert star["hierarchy"] == pytest.approx(0.0)
    clique = structural_holes(nx.complete_graph(contacts + 1)).loc[0]
    assert clique["constraint"] == pytest.approx((2 * contacts - 1) ** 2 / contacts**3)
    assert clique["hierarchy"] == pytest.approx(0.0)


def test_hierarchy_grows_when_one_contact_dominates():
    G = nx.star_graph(3)
    G.add_edge(1, 2)
    holes = structural_holes(G)
    assert holes.loc[0, "hierarchy"] > 0
    assert math.isnan(holes.loc[3, "hierarchy"])  # one contact: undefined


def _typed_path(groups, arcs):
    G = nx.Graph()
    for node, group in zip("abc", groups, strict=True):
        G.add_node(node, type=group)
    G.add_edge("a", "b", arcs=(("a", "b"),))
    G.add_edge("b", "c", arcs=(("b", "c"),))
    return G


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        # Gould & Fernandez (1989), "Structures of mediation", Sociological Methodology 19,
        # figure 1: the five brokerage relations of a → b → c.
        (("x", "x", "x"), "coordinator"),
        (("x", "y", "x"), "consultant"),
        (("x", "x", "y"), "representative"),
        (("y", "x", "x"), "gatekeeper"),
        (("x", "y", "z"), "liaison"),
    ],
)
def test_gould_fernandez_roles(groups, role):
    roles = brokerage_roles(_typed_path(groups, None))
    assert roles.loc["b", role] == 1
    assert roles.loc["b", "brokerage"] == 1
    assert roles.loc["b", "broker_role"] == role
    assert roles.loc["a", "broker_role"] == "none"


def test_closed_two_paths_do_not_count():
    G = _typed_path(("x", "y", "z"), None)
    G.add_edge("a", "c", arcs=(("a", "c"),))
    assert brokerage_roles(G).loc["b", "brokerage"] == 0
    G.edges["a", "c"]["arcs"] = (("c", "a"),)  # only c → a: a → b → c is still open
    assert brokerage_roles(G).loc["b", "brokerage"] == 1


def test_member_ties_point_from_member_to_network():
    orgs = pd.DataFrame(
        {"id": ["e1", "e2", "net"], "type": ["enterprise", "enterprise", "network"]}
    )
    ties = pd.DataFrame(
        {"source": ["e1", "e2"], "target": ["net", "net"], "type": ["member_of", "member_of"]}
    )
    members_only = brokerage_roles(alliance_graph(orgs, ties))
    assert members_only.loc["net", "brokerage"] == 0
    partners = ties.assign(type="partner")
    roles = brokerage_roles(alliance_graph(orgs, partners))
    assert roles.loc["net", "consultant"] == 2  # e1 → net → e2 and back
    assert roles.loc["net", "broker_role"] == "consultant"


def test_tie_break_prefers_roles_spanning_more_groups():
    G = nx.Graph()
    G.add_nodes_from(
        [
            ("a", {"type": "x"}),
            ("b", {"type": "y"}),
            ("c", {"type": "z"}),
            ("d", {"type": "y"}),
            ("e", {"type": "y"}),
        ]
    )
    G.add_edge("a", "b", arcs=(("a", "b"),))
    G.add_edge("b", "c", arcs=(("b", "c"),))
    G.add_edge("d", "b", arcs=(("d", "b"),))
    G.add_edge("b", "e", arcs=(("b", "e"),))
    roles = brokerage_roles(G)
    # a→b→c liaison, d→b→e coordinator, a→b→e gatekeeper, d→b→c representative: 1 each
    assert roles.loc["b", list(ROLES)].tolist() == [1, 1, 1, 0, 1]
    assert roles.loc["b", "broker_role"] == "liaison"


def _brute_force_roles(G, by):
    D = directed_ties_graph(G)
    counts = {v: dict.fromkeys(ROLES, 0) for v in G}
    for a, b, c in permutations(G, 3):
        if D.has_edge(a, b) and D.has_edge(b, c) and not D.has_edge(a, c):
            ga, gb, gc = (G.nodes[x].get(by) for x in (a, b, c))
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gc:
                role = "consultant"
            elif ga == gb:
                role = "representative"
            elif gb == gc:
                role = "gatekeeper"
            else:
                role = "liaison"
            counts[b][role] += 1
    return counts


@given(workbooks())
@settings(max_examples=80, deadline=None)
def test_brokerage_matches_brute_force(workbook):
    orgs, ties = workbook
    G = alliance_graph(orgs, ties)
    for by in ("type", "region"):
        roles = brokerage_roles(G, by=by)
        expected = _brute_force_roles(G, by)
        assert list(roles.index) == sorted(G)
        for node in G:
            assert roles.loc[node, list(ROLES)].tolist() == [expected[node][r] for r in ROLES]
            total = sum(expected[node].values())
            best = max(ROLES, key=lambda r: (expected[node][r], -ROLES.index(r)))
            assert roles.loc[node, "broker_role"] == (best if total else "none")

import contextlib
import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import alliance_graph
from maillage.graph.metrics import METRICS_COLUMNS, metrics

from .conftest import workbooks


def test_metrics_columns_and_published_values(florentine):
    table = metrics(None, florentine)
    assert list(table.columns) == list(METRICS_COLUMNS)
    assert list(table["id"]) == sorted(florentine)
    assert table.loc["Medici", "betweenness"] == pytest.approx(0.522, abs=5e-4)
    assert table.attrs["betweenness"] == "exact"
    assert table.attrs["betweenness_samples"] is None


def test_metrics_use_org_descriptions():
    orgs = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "name": ["Coop A", "Pôle B", "Fonds C"],
            "type": ["enterprise", "network", "funder"],
            "region": ["06", "06", None],
            "country": ["CA", "CA", "FR"],
        }
    )
    ties = pd.DataFrame({"source": ["a", "c"], "target": ["b", "b"], "type": ["partner", "funds"]})
    table = metrics(orgs, alliance_graph(orgs, ties))
    assert table.loc["b", "name"] == "Pôle B"
    assert table.loc["c", "country"] == "FR"
    assert table.loc["b", "degree"] == 2
    assert table.loc["b", "broker_role"] == "liaison"  # c → b → a, a → b (partner) only


def _oracle(G):
    n = len(G)
    cols = {
        "degree_centrality": nx.degree_centrality(G),
        "betweenness": nx.betweenness_centrality(G),
        "closeness": nx.closeness_centrality(G),
        "pagerank": nx.pagerank(G, weight=None),
        "constraint": nx.constraint(G) if n else {},
        "effective_size": nx.effective_size(G, nodes=list(G)) if n else {},
    }
    with contextlib.suppress(nx.PowerIterationFailedConvergence):
        cols["eigenvector"] = nx.eigenvector_centrality(G)
    return cols


@given(workbooks())
@settings(max_examples=80, deadline=None)
def test_metrics_match_networkx_on_random_workbooks(workbook):
    orgs, ties = workbook
    before = (orgs.copy(deep=True), ties.copy(deep=True))
    G = alliance_graph(orgs, ties, weighted=True)
    graph_before = nx.to_dict_of_dicts(G)
    table = metrics(orgs, G, betweenness_samples=None)
    assert list(table.columns) == list(METRICS_COLUMNS)
    assert list(table["id"]) == sorted(orgs["id"])
    assert table["id"].is_unique
    for column, expected in _oracle(G).items():
        for node in G:
            assert table.loc[node, column] == pytest.approx(
                expected[node], abs=1e-9, nan_ok=True
            ), column
    assert (table["degree"] == [G.degree(v) for v in table["id"]]).all()
    assert table["community"].min() == 1
    assert set(table["broker_role"]) <= {
        "coordinator",
        "gatekeeper",
        "representative",
        "consultant",
        "liaison",
        "none",
    }
    isolated = table["degree"] == 0
    assert table.loc[isolated, "constraint"].map(math.isnan).all()
    pd.testing.assert_frame_equal(orgs, before[0])
    pd.testing.assert_frame_equal(ties, before[1])
    assert nx.to_dict_of_dicts(G) == graph_before


def test_weighted_metrics_use_tie_strength():
    G = nx.karate_club_graph()  # carries interaction counts as weights
    table = metrics(None, G, weighted=True)
    pagerank = nx.pagerank(G, weight="weight")
    eigenvector = nx.eigenvector_centrality(G, weight="weight")
    constraint = nx.constraint(G, weight="weight")
    for node in G:
        assert table.loc[node, "pagerank"] == pytest.approx(pagerank[node], abs=1e-9)
        assert table.loc[node, "eigenvector"] == pytest.approx(eigenvector[node], abs=1e-9)
        assert table.loc[node, "constraint"] == pytest.approx(constraint[node], abs=1e-9)
    # Betweenness and closeness count hops whatever the weights.
    assert table.loc[0, "betweenness"] == pytest.approx(nx.betweenness_centrality(G)[0])
    assert table.attrs["weighted"] is True

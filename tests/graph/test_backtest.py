import networkx as nx
import numpy as np
import pandas as pd
import pytest

from maillage.graph.backtest import METHODS, _auc, backtest


def _closure_world(seed=3):
    """Caves of friends; a quarter of the ties inside caves form after 2020."""
    G = nx.connected_caveman_graph(12, 6)
    rng = np.random.default_rng(seed)
    rows = []
    for u, v in sorted(G.edges()):
        late = rng.random() < 0.25
        rows.append(
            {
                "source": f"n{u:03d}",
                "target": f"n{v:03d}",
                "type": "partner",
                "since": "2021-06-01" if late else "2010-01-01",
                "until": None,
            }
        )
    orgs = pd.DataFrame({"id": [f"n{v:03d}" for v in G], "type": "enterprise"})
    return orgs, pd.DataFrame(rows)


def test_backtest_rewards_triadic_closure():
    orgs, ties = _closure_world()
    before = ties.copy(deep=True)
    report = backtest(orgs, ties, cutoff="2020-01-01", ks=(10, 20))
    pd.testing.assert_frame_equal(ties, before)
    assert list(report.index) == list(METHODS)
    assert report.loc["opportunities", "auc"] > 0.85
    assert report.loc["opportunities", "precision@10"] >= 0.5
    assert report.loc["opportunities", "auc"] > report.loc["preferential_attachment", "auc"]
    assert abs(report.loc["random", "auc"] - 0.5) < 0.15
    assert ((report.filter(like="precision") >= 0) & (report.filter(like="precision") <= 1)).all(
        axis=None
    )
    assert report.attrs["positives"] == int((ties["since"] > "2020-01-01").sum())


def test_same_seed_same_report():
    orgs, ties = _closure_world()
    first = backtest(orgs, ties, cutoff="2020-01-01", ks=(5,), seed=4)
    again = backtest(orgs, ties, cutoff="2020-01-01", ks=(5,), seed=4)
    pd.testing.assert_frame_equal(first, again)


def test_nothing_to_predict_is_an_error():
    orgs, ties = _closure_world()
    with pytest.raises(ValueError, match="nothing to predict"):
        backtest(orgs, ties, cutoff="2030-01-01")


@pytest.mark.parametrize(
    ("scores", "truth", "expected"),
    [
        ([3, 2, 1, 0], [1, 1, 0, 0], 1.0),
        ([0, 1, 2, 3], [1, 1, 0, 0], 0.0),
        ([1, 1, 1, 1], [1, 0, 1, 0], 0.5),
        ([3, 1, 2, 0], [1, 1, 0, 0], 0.75),
    ],
)
def test_auc_is_mann_whitney(scores, truth, expected):
    assert _auc(np.array(scores, float), np.array(truth, float)) == pytest.approx(expected)

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from maillage.graph.build import ties_active_at
from maillage.graph.change import MOVER_METRICS, diff

from .conftest import workbooks


def _clique(prefix, size, since=None, until=None):
    members = [f"{prefix}{k}" for k in range(size)]
    return [
        {"source": a, "target": b, "type": "partner", "since": since, "until": until}
        for k, a in enumerate(members)
        for b in members[k + 1 :]
    ]


def test_merge_and_split_are_reported():
    # 2015: cliques X and Y apart, and one clique Z. 2022: X and Y fused by many new
    # ties; Z lost its middle ties and fell into two halves.
    rows = _clique("x", 5) + _clique("y", 5)
    rows += [
        {
            "source": f"x{a}",
            "target": f"y{b}",
            "type": "partner",
            "since": "2020-01-01",
            "until": None,
        }
        for a in range(5)
        for b in range(5)
    ]
    rows += _clique("z", 10, until="2019-12-31")
    rows += [dict(r, since="2020-01-01", until=None) for r in _clique("z", 5)]
    rows += [
        {
            "source": f"z{a}",
            "target": f"z{b}",
            "type": "partner",
            "since": "2020-01-01",
            "until": None,
        }
        for a in range(5, 10)
        for b in range(a + 1, 10)
    ]
    ties = pd.DataFrame(rows)
    ids = sorted(set(ties["source"]) | set(ties["target"]))
    orgs = pd.DataFrame({"id": ids, "name": ids})
    change = diff(orgs, ties, start="2015-01-01", end="2022-01-01")
    kinds = change.community_changes.groupby("kind")["organizations"].sum().to_dict()
    assert kinds == {"merged": 10, "split": 10}
    assert len(change.ties_gained) == 25 + 10 + 10
    assert len(change.ties_lost) == 45


@given(workbooks())
@settings(max_examples=50, deadline=None)
def test_gained_and_lost_are_the_set_differences(workbook):
    orgs, ties = workbook
    before = ties.copy(deep=True)
    change = diff(orgs, ties, start="2012-01-01", end="2020-01-01", top=5)
    pd.testing.assert_frame_equal(ties, before)

    def keys(frame):
        return {
            (s, t, k, "" if d is None else d)
            for s, t, k, d in zip(
                frame["source"], frame["target"], frame["type"], frame["since"], strict=True
            )
        }

    old, new = keys(ties_active_at(ties, "2012-01-01")), keys(ties_active_at(ties, "2020-01-01"))
    assert keys(change.ties_gained) == new - old
    assert keys(change.ties_lost) == old - new
    assert len(change.movers) <= 5
    assert change.movers.index.is_unique
    for metric in MOVER_METRICS:
        moved = change.movers[f"{metric}_after"] - change.movers[f"{metric}_before"]
        # A change within 1e-12 of zero is rounding and written 0 (graph/numbers.py).
        assert np.allclose(
            moved.fillna(0), change.movers[f"{metric}_change"].fillna(0), rtol=0, atol=1e-12
        )
    magnitudes = change.movers["betweenness_change"].abs().tolist()
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_unknown_metric_is_refused():
    orgs = pd.DataFrame({"id": ["a"]})
    ties = pd.DataFrame(columns=["source", "target", "type", "since", "until"])
    with pytest.raises(ValueError, match="by must be"):
        diff(orgs, ties, start="2020-01-01", end="2021-01-01", by="fame")
    assert nx.is_empty(nx.Graph())

"""Recruitment targets: on a pole-shaped fixture the look-alikes come first, with reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from maillage.graph.build import alliance_graph
from maillage.graph.recruitment import recruitment_targets


def pole_workbook(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """One pole with 80 members and 300 non-members, all of its region (06).

    The members are mostly food and housing co-operatives (enterprises), and half of
    them also belong to a sector federation. Among the non-members, 60 look like them
    (enterprises in food or housing, mostly co-operatives, a third in the federation);
    the other 240 do not (community groups and enterprises of other sectors, non-profit).
    Everyone has a few partner ties at random, so degree says nothing about resemblance.
    """
    rng = np.random.default_rng(seed)
    rows = [
        {"id": "pole", "name": "Pôle ÉS", "type": "network", "region": "06"},
        {"id": "federation", "name": "Fédération", "type": "network", "region": "06"},
    ]
    ties = []
    for k in range(80):
        member = f"member{k:02d}"
        rows.append(
            {
                "id": member,
                "name": f"Coop {k}",
                "type": "enterprise",
                "region": "06",
                "sector": rng.choice(["food", "housing"], p=[0.7, 0.3]),
                "legal_form": rng.choice(["coop", "npo"], p=[0.85, 0.15]),
            }
        )
        ties.append((member, "pole", "member_of"))
        if k % 2 == 0:
            ties.append((member, "federation", "member_of"))
    alike = set()
    # Ids say nothing either: the look-alikes are 60 numbers drawn among 300.
    drawn = set(rng.choice(300, 60, replace=False).tolist())
    for k in range(300):
        candidate = f"other{k:03d}"
        if k in drawn:
            alike.add(candidate)
            rows.append(
                {
                    "id": candidate,
                    "name": f"Look-alike {k}",
                    "type": "enterprise",
                    "region": "06",
                    "sector": rng.choice(["food", "housing"], p=[0.7, 0.3]),
                    "legal_form": rng.choice(["coop", "npo"], p=[0.8, 0.2]),
                }
            )
            if len(alike) % 3 == 1:
                ties.append((candidate, "federation", "member_of"))
        else:
            rows.append(
                {
                    "id": candidate,
                    "name": f"Other {k}",
                    "type": rng.choice(["community_group", "enterprise"], p=[0.6, 0.4]),
                    "region": "06",
                    "sector": rng.choice(["culture", "technology", "transport", "tourism"]),
                    "legal_form": "npo",
                }
            )
    ids = [r["id"] for r in rows if r["id"] not in ("pole", "federation")]
    for _ in range(400):
        a, b = rng.choice(ids, 2, replace=False)
        ties.append((str(a), str(b), "partner"))
    orgs = pd.DataFrame(rows)
    return orgs, pd.DataFrame(ties, columns=["source", "target", "type"]), alike


def precision_at(ranked: list[str], wanted: set[str], k: int) -> float:
    return len(set(ranked[:k]) & wanted) / k


@pytest.mark.parametrize("seed", range(3))
def test_look_alikes_come_first_with_reasons(seed):
    orgs, ties, alike = pole_workbook(seed)
    G = alliance_graph(orgs, ties)
    targets = recruitment_targets(G, "pole")
    members = set(ties.loc[(ties["target"] == "pole"), "source"])
    assert not set(targets.index) & (members | {"pole"})
    assert len(targets) == len(orgs) - len(members) - 1
    ranked = list(targets.index)
    ours = precision_at(ranked, alike, 60)
    # The skeptic's baselines: same region as the pole (everyone here, so a random
    # order) and most ties first.
    same_region = [v for v in targets.index if G.nodes[v].get("region") == "06"]
    same_region = list(np.random.default_rng(1).permutation(same_region))
    by_degree = sorted(targets.index, key=lambda v: (-G.degree(v), v))
    assert ours >= 0.9, ours
    assert ours > precision_at(same_region, alike, 60) + 0.5
    assert ours > precision_at(by_degree, alike, 60) + 0.5
    first = targets.iloc[0]
    keys = [reason["key"] for reason in first["reasons"]]
    assert "recruitment.reason.type" in keys and "recruitment.reason.sector" in keys
    # Everyone is in region 06: the region says nothing and is no reason.
    assert "recruitment.reason.region" not in keys and targets["region_match"].isna().all()
    assert targets.attrs["members"] == 80
    weights = targets.attrs["weights"]
    assert weights["region"] == 0 and min(weights["type"], weights["sector"]) > 0.3
    # A look-alike in the federation says so, with the share of members who are too.
    federated = targets.loc[
        sorted(set(ties.loc[ties["target"] == "federation", "source"]) & alike)[0]
    ]
    shared = [r for r in federated["reasons"] if r["key"] == "recruitment.reason.shared_network"]
    assert shared and shared[0]["network"] == "federation"
    assert shared[0]["share"] == pytest.approx(0.5)
    assert shared[0]["overall"] == pytest.approx(60 / 381)  # 40 members + 20 look-alikes
    assert list(targets["score"]) == sorted(targets["score"], reverse=True)
    assert targets["score"].between(0, 1).all()


def test_an_existing_partner_is_a_candidate_that_says_so():
    orgs, ties, _ = pole_workbook()
    ties = pd.concat([ties, pd.DataFrame([("other007", "pole", "partner")], columns=ties.columns)])
    targets = recruitment_targets(alliance_graph(orgs, ties), "pole", top=400)
    reasons = targets.loc["other007", "reasons"]
    assert reasons[-1] == {"key": "recruitment.reason.already_tied", "types": ["partner"]}
    assert targets.loc["other007", "tied"] == ("partner",)


def test_a_network_without_members_gives_equal_zero_scores():
    orgs, ties, _ = pole_workbook()
    targets = recruitment_targets(alliance_graph(orgs, ties), "federation", tie_types=["funds"])
    assert targets.attrs["members"] == 0 and (targets["score"] == 0).all()

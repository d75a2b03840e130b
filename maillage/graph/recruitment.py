"""Who a network should recruit next: non-members ranked by how much they resemble its members.

What a pole's director asks first is not "who is central" but "who is like our members
and not yet one of them". A candidate resembles the members when it shares their
region, type, sector and legal form, and when it already belongs to the networks many
of them belong to. Each resemblance is a share of the members, so every reason reads as
"sector food, like 64 % of the members (18 % of all organizations)".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph.affiliation import AFFILIATION_TIES, affiliations
from maillage.graph.build import node_order
from maillage.graph.numbers import without_noise

#: Organization attributes a candidate is compared on.
RESEMBLANCE: Final = ("region", "country", "type", "sector", "legal_form")
#: A value is given as a reason when the members have it this many times more often
#: than organizations overall (and at least :data:`REASON_SHARE` of them have it).
REASON_LIFT: Final = 1.1
REASON_SHARE: Final = 0.1


def recruitment_targets(
    G: nx.Graph,
    network: Any,
    *,
    tie_types: Iterable[str] = tuple(AFFILIATION_TIES),
    attributes: Iterable[str] = RESEMBLANCE,
    top: int | None = None,
) -> pd.DataFrame:
    """Organizations not yet members of ``network``, those most like its members first.

    For each attribute, a candidate matches the share of the members (of those whose
    value is known) that have its value: a region shared by 90 % of the members gives
    0.9. Memberships elsewhere match the largest share of the members found in one of
    the candidate's other networks. The score is the mean of the matches weighted by
    how much the members stand apart from all organizations on each: the total
    variation distance between the members' values and everyone's (0 when the members
    look like everybody, as every organization in Canada does; near 1 for the region
    of a regional pole). For memberships the weight is the largest excess of a network's
    share among the members over its share among all. The score lies between 0 and 1;
    equal scores go to the organization with more ties (easier to reach), then to node
    order.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`).
    network : node
        The network (or funder) recruiting.
    tie_types : iterable of str, default ("member_of", "funds")
        Tie types that make an organization a member
        (:data:`graph.affiliation.AFFILIATION_TIES`).
    attributes : iterable of str, default :data:`RESEMBLANCE`
        Node attributes compared.
    top : int, optional
        At most this many rows.

    Returns
    -------
    DataFrame
        Indexed by candidate id: ``name``, ``type``, the compared attributes, ``score``,
        one ``<attribute>_match`` column per attribute, ``network_match`` and
        ``shared_network`` (the other network holding most members, or None), ``tied``
        (the tie types already joining it to ``network``, empty when none) and
        ``reasons``: a list of ``{"key": ..., **values}`` dicts, strongest first, whose
        keys are catalogue keys (``recruitment.reason.<attribute>`` with ``value``,
        ``share`` and ``overall``; ``recruitment.reason.shared_network`` with
        ``network``, ``name``, ``share``, ``overall``; ``recruitment.reason.already_tied``
        with ``types``). ``attrs`` holds ``network``, ``members`` (how many) and
        ``weights`` (each attribute's weight, and ``networks``).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("pole", type="network", region="06")
    >>> for k, sector in enumerate(["food", "food", "food", "housing"]):
    ...     G.add_node(f"m{k}", type="enterprise", region="06", sector=sector)
    ...     G.add_edge(f"m{k}", "pole", typed_ties=((f"m{k}", "pole", "member_of"),))
    >>> G.add_node("grocer", type="enterprise", region="06", sector="food")
    >>> G.add_node("theatre", type="enterprise", region="03", sector="culture")
    >>> targets = recruitment_targets(G, "pole")
    >>> targets.index.tolist(), targets.attrs["weights"]["type"]  # everyone is an enterprise
    (['grocer', 'theatre'], 0.0)
    >>> reason = targets.loc["grocer", "reasons"][1]
    >>> reason["key"], reason["value"], reason["share"], round(reason["overall"], 3)
    ('recruitment.reason.sector', 'food', 0.75, 0.667)
    """
    if network not in G:
        raise KeyError(network)
    attributes = tuple(attributes)
    pairs = affiliations(G, tie_types=tie_types)
    members = set(pairs.loc[pairs["group"] == network, "member"])
    everyone = [v for v in node_order(G) if v != network]
    groups_of: dict[Any, list[Any]] = {}
    for member, group in zip(pairs["member"], pairs["group"], strict=True):
        if group != network:
            groups_of.setdefault(member, []).append(group)
    # Each other network's share of the members and of everyone.
    in_group = Counter(g for v in everyone for g in groups_of.get(v, ()))
    of_members = Counter(g for v in members for g in groups_of.get(v, ()))
    member_share = {g: count / len(members) for g, count in of_members.items()} if members else {}
    overall_share = {g: count / len(everyone) for g, count in in_group.items()}
    profile = {a: _shares(G, members, a) for a in attributes}
    population = {a: _shares(G, everyone, a) for a in attributes}
    weights = {a: _distance(profile[a], population[a]) for a in attributes}
    weights["networks"] = max(
        (member_share[g] - overall_share.get(g, 0.0) for g in member_share), default=0.0
    )
    used = [a for a in attributes if weights[a] > 0]
    total = sum(weights[a] for a in used) + weights["networks"]
    candidates = [v for v in everyone if v not in members]
    rows = []
    for v in candidates:
        node = G.nodes[v]
        row: dict[str, Any] = {"id": v, "name": node.get("name"), "type": node.get("type")}
        score = 0.0
        reasons: list[dict[str, Any]] = []
        for a in attributes:
            value = _known(node.get(a))
            match = profile[a].get(value, 0.0) if value is not None else 0.0
            row[a] = value
            row[f"{a}_match"] = match if a in used else np.nan
            if a in used:
                score += weights[a] * match
                overall = population[a].get(value, 0.0) if value is not None else 0.0
                if match >= REASON_SHARE and match >= REASON_LIFT * overall:
                    reasons.append(
                        {
                            "key": f"recruitment.reason.{a}",
                            "value": value,
                            "share": match,
                            "overall": overall,
                        }
                    )
        best = max(
            groups_of.get(v, []), key=lambda g: (member_share.get(g, 0.0), str(g)), default=None
        )
        network_match = member_share.get(best, 0.0) if best is not None else 0.0
        row["network_match"] = network_match if weights["networks"] > 0 else np.nan
        row["shared_network"] = best if network_match > 0 else None
        if weights["networks"] > 0:
            score += weights["networks"] * network_match
            overall = overall_share.get(best, 0.0)
            if network_match >= REASON_SHARE and network_match >= REASON_LIFT * overall:
                reasons.append(
                    {
                        "key": "recruitment.reason.shared_network",
                        "network": best,
                        "name": G.nodes[best].get("name") or best,
                        "share": network_match,
                        "overall": overall,
                    }
                )
        tied = _tie_types_between(G, v, network)
        row["tied"] = tied
        reasons.sort(key=lambda r: -float(r["share"]))
        if tied:
            reasons.append({"key": "recruitment.reason.already_tied", "types": list(tied)})
        row["score"] = score / total if total > 0 else 0.0
        row["degree"] = G.degree(v)
        row["reasons"] = reasons
        rows.append(row)
    columns = [
        "id",
        "name",
        "type",
        *[a for a in attributes if a != "type"],
        "score",
        *(f"{a}_match" for a in attributes),
        "network_match",
        "shared_network",
        "tied",
        "reasons",
    ]
    table = pd.DataFrame(rows, columns=[*columns, "degree"])
    rank = {v: k for k, v in enumerate(candidates)}
    table = table.assign(_rank=table["id"].map(rank)).sort_values(
        ["score", "degree", "_rank"], ascending=[False, False, True], kind="stable"
    )
    table = table[columns].set_index("id", drop=False)
    table.index.name = None
    table = without_noise(table.drop(columns="id"))
    if top is not None:
        table = table.head(top)
    table.attrs.update(network=network, members=len(members), weights=weights)
    return table


def _shares(G: nx.Graph, nodes: Iterable[Any], attribute: str) -> dict[str, float]:
    """Each value of ``attribute`` among ``nodes`` whose value is known, as a share."""
    known = [value for value in (_known(G.nodes[v].get(attribute)) for v in nodes) if value]
    return {value: count / len(known) for value, count in Counter(known).items()}


def _distance(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """Total variation distance between two distributions of values (0 when either is
    empty: nothing is known to tell them apart).

    >>> _distance({"a": 1.0}, {"a": 0.25, "b": 0.75})
    0.75
    """
    if not first or not second:
        return 0.0
    values = set(first) | set(second)
    return 0.5 * sum(abs(first.get(v, 0.0) - second.get(v, 0.0)) for v in values)


def _tie_types_between(G: nx.Graph, a: Any, b: Any) -> tuple[str, ...]:
    if not G.has_edge(a, b):
        return ()
    typed = G.edges[a, b].get("typed_ties") or ()
    return tuple(sorted({kind for _, _, kind in typed}))


def _known(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if text.strip() else None

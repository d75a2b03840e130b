"""Who a network should recruit next: non-members ranked by how much they resemble its members.

What a pole's director asks first is not "who is central" but "who is like our members
and not yet one of them". A candidate resembles the members when it shares their
region, type, sector and legal form, and when it already belongs to the networks many
of them belong to. Each resemblance is a share of the members, so every reason reads as
"sector food, like 64 % of the members".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph.affiliation import AFFILIATION_TIES, affiliations
from maillage.graph.build import node_order
from maillage.graph.numbers import without_noise

#: Organization attributes a candidate is compared on.
RESEMBLANCE: Final = ("region", "country", "type", "sector", "legal_form")
#: A resemblance shared with fewer members than this is not given as a reason.
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

    For each attribute, a candidate scores the share of the members (of those whose
    value is known) that have its value: a region shared by 90 % of the members gives
    0.9. An attribute no member has a value for, or with one value over the whole
    graph (every organization in Canada), says nothing and is left out. Memberships
    elsewhere score the largest share of the members found in one of
    the candidate's other networks. The score is the mean of these components, over
    the attributes some member has a value for and over memberships when some member
    belongs elsewhere, so it lies between 0 and 1. Equal scores go to the organization
    with more ties (easier to reach), then to node order.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`).
    network : node
        The network (or funder) recruiting.
    tie_types : iterable of str, default ("member_of", "funds")
        Tie types that make an organization a member (:data:`graph.affiliation.AFFILIATION_TIES`).
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
        keys are catalogue keys (``recruitment.reason.<attribute>``,
        ``recruitment.reason.shared_network``, ``recruitment.reason.already_tied``).
        ``attrs`` holds ``network``, ``members`` (how many) and ``profile``: the most
        common value of each attribute among the members and its share.

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
    >>> targets.index.tolist(), round(float(targets.loc["grocer", "score"]), 3)
    (['grocer', 'theatre'], 0.917)
    >>> [(r["key"], r["value"], r["share"]) for r in targets.loc["grocer", "reasons"]][:2]
    [('recruitment.reason.region', '06', 1.0), ('recruitment.reason.type', 'enterprise', 1.0)]
    """
    if network not in G:
        raise KeyError(network)
    attributes = tuple(attributes)
    pairs = affiliations(G, tie_types=tie_types)
    members = set(pairs.loc[pairs["group"] == network, "member"])
    elsewhere = pairs[(pairs["group"] != network) & pairs["member"].isin(members)]
    # Share of the members in each other group.
    other_share = {
        group: count / len(members) for group, count in Counter(elsewhere["group"]).items()
    }
    groups_of: dict[Any, list[Any]] = {}
    for member, group in zip(pairs["member"], pairs["group"], strict=True):
        if group != network:
            groups_of.setdefault(member, []).append(group)
    profile = {a: _shares(G, members, a) for a in attributes}
    used = [a for a in attributes if profile[a] and _varies(G, a)]
    by_membership = bool(other_share)
    candidates = [v for v in node_order(G) if v != network and v not in members]
    rows = []
    for v in candidates:
        node = G.nodes[v]
        row: dict[str, Any] = {"id": v, "name": node.get("name"), "type": node.get("type")}
        components = []
        reasons: list[dict[str, Any]] = []
        for a in attributes:
            value = _known(node.get(a))
            match = profile[a].get(value, 0.0) if value is not None else 0.0
            row[a] = value
            row[f"{a}_match"] = match if a in used else np.nan
            if a in used:
                components.append(match)
                if match >= REASON_SHARE:
                    reasons.append(
                        {"key": f"recruitment.reason.{a}", "value": value, "share": match}
                    )
        best = max(
            groups_of.get(v, []), key=lambda g: (other_share.get(g, 0.0), str(g)), default=None
        )
        network_match = other_share.get(best, 0.0) if best is not None else 0.0
        row["network_match"] = network_match if by_membership else np.nan
        row["shared_network"] = best if network_match > 0 else None
        if by_membership:
            components.append(network_match)
            if network_match >= REASON_SHARE:
                reasons.append(
                    {
                        "key": "recruitment.reason.shared_network",
                        "network": best,
                        "name": G.nodes[best].get("name") or best,
                        "share": network_match,
                    }
                )
        tied = _tie_types_between(G, v, network)
        row["tied"] = tied
        reasons.sort(key=lambda r: -float(r["share"]))
        if tied:
            reasons.append({"key": "recruitment.reason.already_tied", "types": list(tied)})
        row["score"] = float(np.mean(components)) if components else 0.0
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
    table.attrs.update(
        network=network,
        members=len(members),
        profile={
            a: max(shares.items(), key=lambda item: (item[1], str(item[0])))
            for a, shares in profile.items()
            if shares
        },
    )
    return table


def _shares(G: nx.Graph, members: set[Any], attribute: str) -> dict[str, float]:
    """Each value of ``attribute`` among the members whose value is known, as a share."""
    values = [_known(G.nodes[m].get(attribute)) for m in members]
    known = [v for v in values if v is not None]
    return {value: count / len(known) for value, count in Counter(known).items()}


def _varies(G: nx.Graph, attribute: str) -> bool:
    """Whether ``attribute`` has two or more known values (or some unknown) over ``G``."""
    seen: set[str | None] = set()
    for _, value in G.nodes(data=attribute):
        seen.add(_known(value))
        if len(seen) > 1:
            return True
    return False


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

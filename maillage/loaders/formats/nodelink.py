"""Node-link JSON in (NetworkX's shape, as :func:`loaders.export.write_json` writes it).

JSON keeps no useful line numbers, so rows are numbered as if each list were written to CSV
with a header on line 1 (the first node is line 2), as :func:`loaders.tables.table_from_frame`
does, and the label says which list: ``file.json[nodes]:3: name: ...`` is the second node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maillage.loaders.formats.common import ORGANIZATIONS, TIES, records_table
from maillage.loaders.tables import RawTable, unreadable


def is_node_link(document: Any) -> bool:
    """Whether a parsed JSON document has the node-link shape."""
    return (
        isinstance(document, Mapping)
        and isinstance(document.get("nodes"), list)
        and isinstance(document.get("links", document.get("edges")), list)
    )


def node_link_tables(document: Mapping[str, Any], *, label: str) -> list[RawTable]:
    """Organizations and ties tables from a node-link document."""
    nodes, links = document["nodes"], document.get("links", document.get("edges"))
    bad = [i for i, item in enumerate([*nodes, *links], start=2) if not isinstance(item, Mapping)]
    if bad:
        return [unreadable(label, bad[0], "every node and link must be a JSON object")]
    return [
        records_table(f"{label}[nodes]", ORGANIZATIONS, enumerate(nodes, start=2)),
        records_table(f"{label}[links]", TIES, enumerate(links, start=2)),
    ]

"""GraphML in: nodes become organizations and edges ties, with their line in the file.

The writer is :func:`loaders.export.write_graphml`; this reader takes its output and GraphML
from other tools (yEd, Gephi, NetworkX): node ``id`` is the organization id, ``data`` keys are
matched by their ``attr.name`` (contract columns; anything else is kept as a property).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maillage.loaders.formats.common import ORGANIZATIONS, TIES, Record, records_table
from maillage.loaders.formats.xmltree import Element, XMLRefused, parse
from maillage.loaders.tables import RawTable, unreadable


def read_graphml(path: Path, *, label: str | None = None) -> list[RawTable]:
    """Organizations and ties tables from a GraphML file."""
    label = label or str(path)
    try:
        root = parse(path)
    except (XMLRefused, OSError) as error:
        return [unreadable(label, getattr(error, "line", 0), str(error))]
    if root.tag != "graphml":
        return [unreadable(label, root.line, f"not GraphML: the root element is <{root.tag}>")]
    keys: dict[str, tuple[str, str]] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for key in root.findall("key"):
        name = key.attributes.get("attr.name") or key.attributes.get("id", "")
        domain = key.attributes.get("for", "all")
        keys[key.attributes.get("id", name)] = (name, domain)
        default = key.find("default")
        if default is not None:
            for kind in ("node", "edge"):
                if domain in (kind, "all"):
                    defaults[kind][name] = default.text
    graph = root.find("graph")
    if graph is None:
        return [unreadable(label, root.line, "no <graph> element")]
    nodes: list[Record] = []
    edges: list[Record] = []
    for node in graph.iter("node"):
        record: dict[str, Any] = {**defaults["node"], **_data(node, keys)}
        record["id"] = node.attributes.get("id", "")
        nodes.append((node.line, record))
    for edge in graph.iter("edge"):
        record = {**defaults["edge"], **_data(edge, keys)}
        record["source"] = edge.attributes.get("source", "")
        record["target"] = edge.attributes.get("target", "")
        edges.append((edge.line, record))
    return [
        records_table(label, ORGANIZATIONS, nodes),
        records_table(label, TIES, edges),
    ]


def _data(element: Element, keys: dict[str, tuple[str, str]]) -> dict[str, str]:
    values = {}
    for data in element.findall("data"):
        key = data.attributes.get("key", "")
        name = keys.get(key, (key, "all"))[0]
        values[name] = data.text
    return values

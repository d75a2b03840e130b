"""GEXF 1.2 out (through NetworkX) and in, plus a structural check of the GEXF 1.2 rules.

GEXF's edge ``type`` attribute means directed/undirected/mutual, so the tie type travels as the
``tie_type`` attribute and ``partner`` ties (undirected in the contract) are written
``type="undirected"``. The GEXF 1.2 XSD is not shipped by NetworkX or any installed package
and cannot be downloaded here, so :func:`check_gexf` checks the rules of the schema that
matter for interchange (root, namespace, enumerations, declared attributes, typed values,
unique ids, edge ends) by hand; it is not a full XSD validation.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from maillage.ground.vocabulary import DIRECTED_TIE_TYPES
from maillage.loaders.formats.common import ORGANIZATIONS, TIES, Record, records_table
from maillage.loaders.formats.xmltree import Element, XMLRefused, parse
from maillage.loaders.problems import Problem
from maillage.loaders.tables import RawTable, unreadable

NAMESPACES = ("http://www.gexf.net/1.2draft", "http://gexf.net/1.2", "http://gexf.net/1.3")
EDGE_TYPES = ("directed", "undirected", "mutual")
#: GEXF attribute types and a check of one value of each.
ATTRIBUTE_TYPES = {
    "integer": lambda v: _is_int(v),
    "long": lambda v: _is_int(v),
    "float": lambda v: _is_float(v),
    "double": lambda v: _is_float(v),
    "boolean": lambda v: v in ("true", "false", "1", "0"),
    "string": lambda v: True,
    "liststring": lambda v: True,
    "anyURI": lambda v: True,
    "date": lambda v: True,
    "bigdecimal": lambda v: _is_float(v),
    "biginteger": lambda v: _is_int(v),
    "char": lambda v: len(v) == 1,
    "short": lambda v: _is_int(v),
    "byte": lambda v: _is_int(v),
}


def write_gexf(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """GEXF 1.2 with one node per organization (label = name) and one edge per tie."""
    from maillage.loaders.export import xml_multigraph  # the shared node/edge attribute layout

    path.parent.mkdir(parents=True, exist_ok=True)
    G = xml_multigraph(orgs, ties)
    for _, attributes in G.nodes(data=True):
        attributes["label"] = attributes.get("name", "")
    for _, _, attributes in G.edges(data=True):
        tie = attributes.pop("type")
        attributes["tie_type"] = tie
        if tie not in DIRECTED_TIE_TYPES:
            attributes["type"] = "undirected"
    nx.write_gexf(G, path, encoding="utf-8", version="1.2draft")
    return path


def read_gexf(path: Path, *, label: str | None = None) -> list[RawTable]:
    """Organizations and ties tables from a GEXF file (ours, Gephi's, NetworkX's)."""
    label = label or str(path)
    try:
        root = parse(path)
    except (XMLRefused, OSError) as error:
        return [unreadable(label, getattr(error, "line", 0), str(error))]
    if root.tag != "gexf":
        return [unreadable(label, root.line, f"not GEXF: the root element is <{root.tag}>")]
    graph = root.find("graph")
    if graph is None:
        return [unreadable(label, root.line, "no <graph> element")]
    titles: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for attributes in graph.findall("attributes"):
        kind = attributes.attributes.get("class", "node")
        for attribute in attributes.findall("attribute"):
            identifier = attribute.attributes.get("id", "")
            titles.setdefault(kind, {})[identifier] = attribute.attributes.get("title", identifier)
    nodes: list[Record] = []
    for node in graph.iter("node"):
        record: dict[str, Any] = _values(node, titles["node"])
        record["id"] = node.attributes.get("id", "")
        if "name" not in record and node.attributes.get("label"):
            record["name"] = node.attributes["label"]
        nodes.append((node.line, record))
    edges: list[Record] = []
    for edge in graph.iter("edge"):
        record = _values(edge, titles["edge"])
        record.pop("networkx_key", None)
        record["source"] = edge.attributes.get("source", "")
        record["target"] = edge.attributes.get("target", "")
        if "tie_type" in record:
            record["type"] = record.pop("tie_type")
        elif edge.attributes.get("label"):
            record["type"] = edge.attributes["label"]
        if "weight" in edge.attributes:
            record["weight"] = edge.attributes["weight"]
        edges.append((edge.line, record))
    return [records_table(label, ORGANIZATIONS, nodes), records_table(label, TIES, edges)]


def check_gexf(path: Path) -> list[Problem]:
    """Problems against the GEXF 1.2 schema's structural rules (empty list: looks valid)."""
    label = str(path)
    problems: list[Problem] = []

    def problem(element: Element, column: str, message: str) -> None:
        problems.append(Problem(label, element.line, column, message))

    try:
        root = parse(path)
    except (XMLRefused, OSError) as error:
        return [Problem(label, getattr(error, "line", 0), "-", str(error))]
    if root.tag != "gexf":
        problem(root, "gexf", f"root element is <{root.tag}>, not <gexf>")
        return problems
    if root.namespace not in NAMESPACES:
        problem(root, "xmlns", f"namespace {root.namespace!r} is not a GEXF 1.2/1.3 namespace")
    if root.attributes.get("version") not in ("1.2", "1.3"):
        problem(root, "version", f"version {root.attributes.get('version')!r} is not 1.2")
    graphs = root.findall("graph")
    if len(graphs) != 1:
        problem(root, "graph", f"{len(graphs)} <graph> elements; exactly one is required")
        return problems
    graph = graphs[0]
    if graph.attributes.get("defaultedgetype", "undirected") not in EDGE_TYPES:
        problem(graph, "defaultedgetype", "must be directed, undirected or mutual")
    if graph.attributes.get("mode", "static") not in ("static", "dynamic"):
        problem(graph, "mode", "must be static or dynamic")
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for attributes in graph.findall("attributes"):
        kind = attributes.attributes.get("class")
        if kind not in ("node", "edge"):
            problem(attributes, "class", f"{kind!r} is not node or edge")
            continue
        for attribute in attributes.findall("attribute"):
            identifier = attribute.attributes.get("id")
            kind_of_value = attribute.attributes.get("type")
            if not identifier or not attribute.attributes.get("title"):
                problem(attribute, "attribute", "id and title are required")
            if kind_of_value not in ATTRIBUTE_TYPES:
                problem(attribute, "type", f"{kind_of_value!r} is not a GEXF attribute type")
            if identifier in declared[kind]:
                problem(attribute, "id", f"attribute id {identifier!r} declared twice")
            declared[kind][identifier or ""] = kind_of_value or "string"
    node_ids: set[str] = set()
    for node in graph.iter("node"):
        identifier = node.attributes.get("id")
        if not identifier:
            problem(node, "id", "a node needs an id")
        elif identifier in node_ids:
            problem(node, "id", f"node id {identifier!r} is not unique")
        node_ids.add(identifier or "")
        _check_values(node, declared["node"], problem)
    edge_ids: set[str] = set()
    for edge in graph.iter("edge"):
        for end in ("source", "target"):
            if edge.attributes.get(end) not in node_ids:
                problem(edge, end, f"{edge.attributes.get(end)!r} is not a node id")
        identifier = edge.attributes.get("id")
        if identifier is not None:
            if identifier in edge_ids:
                problem(edge, "id", f"edge id {identifier!r} is not unique")
            edge_ids.add(identifier)
        if edge.attributes.get("type", "directed") not in EDGE_TYPES:
            problem(edge, "type", f"{edge.attributes['type']!r} is not directed/undirected/mutual")
        if "weight" in edge.attributes and not _is_float(edge.attributes["weight"]):
            problem(edge, "weight", f"{edge.attributes['weight']!r} is not a number")
        _check_values(edge, declared["edge"], problem)
    return problems


def _check_values(element: Element, declared: dict[str, str], problem: Any) -> None:
    holder = element.find("attvalues")
    if holder is None:
        return
    for value in holder.findall("attvalue"):
        key = value.attributes.get("for") or value.attributes.get("id")
        if key not in declared:
            problem(value, "for", f"attvalue for undeclared attribute {key!r}")
        elif "value" not in value.attributes:
            problem(value, "value", "attvalue without a value")
        elif not ATTRIBUTE_TYPES[declared[key]](value.attributes["value"]):
            problem(value, "value", f"{value.attributes['value']!r} is not a {declared[key]}")


def _values(element: Element, titles: dict[str, str]) -> dict[str, Any]:
    holder = element.find("attvalues")
    if holder is None:
        return {}
    values = {}
    for value in holder.findall("attvalue"):
        key = value.attributes.get("for") or value.attributes.get("id", "")
        values[titles.get(key, key)] = value.attributes.get("value", "")
    return values


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _is_float(text: str) -> bool:
    try:
        return not math.isnan(float(text)) or text.lower() == "nan"
    except ValueError:
        return False

"""Write organizations and ties out as workbook CSV, XLSX, node-link JSON or GraphML."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from maillage.ground.tables import plain_value
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What XML 1.0 (so XLSX and GraphML) cannot hold: C0 controls other than tab, LF and CR,
#: lone surrogates and the non-characters U+FFFE and U+FFFF. Spreadsheets and copy-paste
#: leave such characters in names; the exporters drop them rather than fail or write
#: a file no XML reader accepts.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """Text without the characters XML cannot hold; other values unchanged.

    >>> xml_safe("Coop\\x0bL'Éveil\\x01"), xml_safe(3)
    ("CoopL'Éveil", 3)
    """
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def neutralize_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe.

    Numbers (``-73.5``) are left alone; leading spaces do not hide a formula.

    >>> neutralize_formula("=HYPERLINK(\\"http://x\\")"), neutralize_formula("-73.5")
    ('\\'=HYPERLINK("http://x")', '-73.5')
    >>> neutralize_formula("  @SUM(A1)")
    "'  @SUM(A1)"
    """
    if not isinstance(value, str) or not value.lstrip(" ").startswith(_FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def workbook_tables(orgs: pd.DataFrame, ties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two workbook tables: contract columns, then extra properties as their own columns."""
    return _flatten(orgs, ORGANIZATION_COLUMNS), _flatten(ties, TIE_COLUMNS)


def write_csv_workbook(orgs: pd.DataFrame, ties: pd.DataFrame, folder: Path) -> list[Path]:
    """``organizations.csv`` and ``ties.csv`` (UTF-8, comma, CRLF) in ``folder``; formulas inert."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in zip(("organizations", "ties"), workbook_tables(orgs, ties), strict=True):
        path = folder / f"{name}.csv"
        # CRLF (RFC 4180) line ends: the csv writer then quotes a cell holding a bare CR,
        # which spreadsheets would otherwise read as a new row (one that can start a formula).
        _inert(table).to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
        written.append(path)
    return written


def write_xlsx_workbook(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """One XLSX file with ``organizations`` and ``ties`` sheets; formulas made inert."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, table in zip(("organizations", "ties"), workbook_tables(orgs, ties), strict=True):
            xml_ready = _inert(table).map(xml_safe).rename(columns=xml_safe)
            xml_ready.to_excel(book, sheet_name=name, index=False)
    return path


def node_link(orgs: pd.DataFrame, ties: pd.DataFrame) -> dict[str, Any]:
    """A node-link document (NetworkX's shape): a directed multigraph of organizations."""
    return {
        "directed": True,
        "multigraph": True,
        "graph": {"name": "maillage"},
        "nodes": [_record(row, ORGANIZATION_COLUMNS) for row in _rows(orgs)],
        "links": [_record(row, TIE_COLUMNS) for row in _rows(ties)],
    }


def write_json(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """The node-link document as UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = node_link(orgs, ties)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def multigraph(orgs: pd.DataFrame, ties: pd.DataFrame) -> nx.MultiDiGraph:
    """Every organization and tie with their properties (missing values left out)."""
    G = nx.MultiDiGraph(name="maillage")
    for row in _rows(orgs):
        record = _record(row, ORGANIZATION_COLUMNS)
        node_id = record.pop("id")
        G.add_node(node_id, **{k: v for k, v in record.items() if v is not None})
    for row in _rows(ties):
        record = _record(row, TIE_COLUMNS)
        source, target = record.pop("source"), record.pop("target")
        key = f"{record['type']}|{record.get('since') or ''}"
        G.add_edge(source, target, key=key, **{k: v for k, v in record.items() if v is not None})
    return G


def xml_multigraph(orgs: pd.DataFrame, ties: pd.DataFrame) -> nx.MultiDiGraph:
    """:func:`multigraph` ready for an XML writer: nested values as JSON text, and no
    character XML refuses (in ids, keys, names or values)."""
    G = multigraph(orgs, ties)
    xml_ready = nx.MultiDiGraph(name="maillage")
    for node, attributes in G.nodes(data=True):
        xml_ready.add_node(xml_safe(node), **_xml_attributes(attributes))
    for source, target, key, attributes in G.edges(keys=True, data=True):
        xml_ready.add_edge(
            xml_safe(source), xml_safe(target), key=xml_safe(key), **_xml_attributes(attributes)
        )
    return xml_ready


def write_graphml(orgs: pd.DataFrame, ties: pd.DataFrame, path: Path) -> Path:
    """GraphML with one node per organization and one edge per tie."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(xml_multigraph(orgs, ties), path, encoding="utf-8")
    return path


def _inert(table: pd.DataFrame) -> pd.DataFrame:
    """Cells and headers made inert: extra properties come from user files, so their names
    (which become column headers) are user text as much as the cells are."""
    return table.map(neutralize_formula).rename(columns=neutralize_formula)


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")]


def _record(row: Mapping[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    record = {column: plain_value(row.get(column)) for column in columns}
    properties = row.get("properties") or {}
    record.update({k: v for k, v in properties.items() if k not in record})
    return record


def _flatten(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    records = [_record(row, columns) for row in _rows(table)]
    if not records:
        return pd.DataFrame(columns=list(columns))
    return pd.DataFrame.from_records(records)


def _xml_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes GraphML can hold: nested values as JSON text, no character XML refuses."""
    return {
        xml_safe(key): xml_safe(
            json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        )
        for key, value in attributes.items()
    }
